package org.greenspoof.classify;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.greenspoof.Version;
import org.greenspoof.io.AtomicFiles;
import org.greenspoof.io.JsonErrors;

/**
 * The model file: a small, human-readable JSON document holding a {@link Classifier}, its decision
 * threshold and where it came from. Layout (format 1.x):
 *
 * <pre>
 * format_version      "1.0"; a reader accepts every 1.x (unknown fields are ignored) and refuses 2.0+
 * greenspoof_version  version that wrote the file
 * created             UTC timestamp
 * classifier          "logistic_regression", "linear_svm" or "mlp"
 * parameter_count     trainable parameters
 * training_seconds    wall time of the fit
 * hyperparameters     the learner's options (see LogisticRegression.Options / Mlp.Options)
 * threshold           decision threshold on the score (dev EER threshold): bona fide when score &gt; threshold
 * score               the score convention, spelled out
 * provenance          encoder (checkpoint id or front-end name), encoder_sha256, layer, pooling,
 *                     training_data {store, class_counts, attack_counts}
 * standardizer        {mean, scale} applied before the weights, or null
 * training_distribution {mean, std, distance_p99} of the training embeddings (see TrainingDistribution), or
 *                     absent (older files): inputs far outside it are flagged
 * weights             logistic_regression, linear_svm: {coef [d], intercept}
 *                     mlp: {hidden_weight [hidden][d], hidden_bias [hidden], output_weight [hidden], output_bias, epochs}
 * </pre>
 */
public final class ClassifierFile {

    /** Major version this code reads and writes; bump it only for changes old readers cannot ignore. */
    public static final int FORMAT_MAJOR = 1;
    public static final String FORMAT_VERSION = FORMAT_MAJOR + ".0";
    private static final String SCORE_CONVENTION = "logit of P(bona fide); bona fide when score > threshold";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassifierFile() {
    }

    /** What the embeddings were made from and what the classifier was trained on. */
    public record Provenance(String encoder, String encoderSha256, Integer layer, String pooling,
                             TrainingData trainingData) {
    }

    /**
     * @param store        path of the embedding store trained on (or null)
     * @param classCounts  samples per class ("bonafide", "spoof")
     * @param attackCounts samples per attack id (spoof only; may be empty)
     */
    public record TrainingData(String store, Map<String, Integer> classCounts, Map<String, Integer> attackCounts) {

        /** Counts labels (1 = bona fide) and, when given, the attack id of each spoof sample. */
        public static TrainingData of(String store, int[] y, String[] attacks) {
            Map<String, Integer> classes = new TreeMap<>();
            Map<String, Integer> perAttack = new TreeMap<>();
            for (int i = 0; i < y.length; i++) {
                classes.merge(y[i] == 1 ? "bonafide" : "spoof", 1, Integer::sum);
                if (attacks != null && y[i] == 0) {
                    perAttack.merge(attacks[i], 1, Integer::sum);
                }
            }
            return new TrainingData(store, classes, perAttack);
        }
    }

    /** A loaded model file; {@code distribution} is null for files written before it was recorded. */
    public record Model(Classifier classifier, double threshold, Provenance provenance, String created,
                        String greenspoofVersion, String formatVersion, TrainingDistribution distribution) {

        /** The stored decision rule. */
        public boolean isBonafide(double score) {
            return score > threshold;
        }
    }

    /** Writes {@code classifier} atomically (temp file in the same folder, then move), without a training distribution. */
    public static void write(Path path, Classifier classifier, double threshold, Provenance provenance) throws IOException {
        write(path, classifier, threshold, provenance, null);
    }

    /** Writes {@code classifier} and the summary of its training embeddings (null: none). */
    public static void write(Path path, Classifier classifier, double threshold, Provenance provenance,
                             TrainingDistribution distribution) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("greenspoof_version", Version.text());
        root.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        root.put("classifier", classifier.kind());
        root.put("parameter_count", classifier.parameterCount());
        root.put("training_seconds", classifier.trainingSeconds());
        root.set("hyperparameters", JSON.valueToTree(classifier.hyperparameters()));
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
        root.put("threshold", threshold);
        root.put("score", SCORE_CONVENTION);
        ObjectNode prov = root.putObject("provenance");
        prov.put("encoder", provenance.encoder());
        prov.put("encoder_sha256", provenance.encoderSha256());
        if (provenance.layer() == null) {
            prov.putNull("layer");
        } else {
            prov.put("layer", provenance.layer());
        }
        prov.put("pooling", provenance.pooling());
        TrainingData td = provenance.trainingData();
        if (td == null) {
            prov.putNull("training_data");
        } else {
            ObjectNode t = prov.putObject("training_data");
            t.put("store", td.store());
            t.set("class_counts", JSON.valueToTree(td.classCounts()));
            t.set("attack_counts", JSON.valueToTree(td.attackCounts()));
        }
        Standardizer std = classifier.standardizer();
        boolean standardized = Boolean.TRUE.equals(classifier.hyperparameters().get("standardize"));
        if (standardized) {
            ObjectNode s = root.putObject("standardizer");
            s.set("mean", doubles(std.mean()));
            s.set("scale", doubles(std.scale()));
        } else {
            root.putNull("standardizer");
        }
        ObjectNode w = root.putObject("weights");
        if (classifier instanceof LinearModel lm) {
            w.set("coef", doubles(lm.coefficients()));
            w.put("intercept", lm.intercept());
        } else if (classifier instanceof Mlp mlp) {
            int d = mlp.dimension();
            int h = mlp.options().hidden();
            double[] p = mlp.parameters();
            ArrayNode rows = w.putArray("hidden_weight");
            for (int k = 0; k < h; k++) {
                rows.add(doubles(java.util.Arrays.copyOfRange(p, k * d, (k + 1) * d)));
            }
            w.set("hidden_bias", doubles(java.util.Arrays.copyOfRange(p, h * d, h * d + h)));
            w.set("output_weight", doubles(java.util.Arrays.copyOfRange(p, h * d + h, h * d + 2 * h)));
            w.put("output_bias", p[p.length - 1]);
            w.put("epochs", mlp.epochs());
        }
        if (distribution != null) {
            ObjectNode dist = root.putObject("training_distribution");
            dist.set("mean", doubles(distribution.mean()));
            dist.set("std", doubles(distribution.std()));
            dist.put("distance_p99", distribution.distanceP99());
        }
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter();
        pretty.indentArraysWith(DefaultPrettyPrinter.FixedSpaceIndenter.instance);
        byte[] bytes = JSON.writer(pretty).writeValueAsBytes(root);
        AtomicFiles.write(path, bytes);
    }

    /**
     * Reads a model file.
     *
     * @throws IOException naming the file when it is unreadable, not JSON, of a newer major format,
     *                     or misses or mistypes a field
     */
    public static Model read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) { // Jackson's, or a decoder's when the first bytes made it guess UTF-16/32
            throw new IOException(path + ": not a greenspoof model file (invalid JSON, " + JsonErrors.describe(e) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(path + ": not a greenspoof model file (expected a JSON object)");
        }
        Reader r = new Reader(path);
        String format = r.text(root, "format_version");
        int major;
        try {
            major = Integer.parseInt(format.split("\\.", 2)[0]);
        } catch (NumberFormatException e) {
            throw new IOException(path + ": format_version \"" + format + "\" is not of the form MAJOR.MINOR", e);
        }
        if (major != FORMAT_MAJOR) {
            throw new IOException(path + ": model file format " + format + " is not supported: this greenspoof reads format "
                    + FORMAT_MAJOR + ".x" + (major > FORMAT_MAJOR ? "; the file was written by a newer greenspoof, upgrade to read it" : ""));
        }
        JsonNode hp = r.object(root, "hyperparameters");
        JsonNode w = r.object(root, "weights");
        JsonNode stdNode = root.get("standardizer");
        String kind = r.text(root, "classifier");
        double seconds = r.number(root, "training_seconds");
        Classifier classifier;
        try {
            switch (kind) {
                case "logistic_regression", "linear_svm" -> {
                    double[] coef = r.doubles(w, "coef");
                    Standardizer std = standardizer(r, stdNode, coef.length);
                    LinearModel.Options o = new LinearModel.Options(r.number(hp, "C"),
                            "balanced".equals(r.text(hp, "class_weight")), r.bool(hp, "standardize"),
                            r.number(hp, "tolerance"), (int) r.integer(hp, "max_iterations"));
                    double b = r.number(w, "intercept");
                    classifier = kind.equals("linear_svm") ? new LinearSvm(std, coef, b, o, seconds)
                            : new LogisticRegression(std, coef, b, o, seconds);
                }
                case "mlp" -> {
                    JsonNode rows = w.get("hidden_weight");
                    if (rows == null || !rows.isArray() || rows.isEmpty()) {
                        throw new IOException(path + ": weights.hidden_weight must be a non-empty array of rows");
                    }
                    int h = rows.size();
                    int d = rows.get(0).size();
                    Mlp.Activation act;
                    try {
                        act = Mlp.Activation.valueOf(r.text(hp, "activation").toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IOException(path + ": unknown MLP activation \"" + r.text(hp, "activation") + "\"", e);
                    }
                    Mlp.Options o = new Mlp.Options(h, act, r.number(hp, "alpha"), r.number(hp, "learning_rate"),
                            (int) r.integer(hp, "batch_size"), (int) r.integer(hp, "max_epochs"),
                            r.number(hp, "validation_fraction"), (int) r.integer(hp, "patience"),
                            r.number(hp, "tolerance"), r.integer(hp, "seed"),
                            "balanced".equals(r.text(hp, "class_weight")), r.bool(hp, "standardize"));
                    // Every row read (and its length checked) before theta is sized from h x d.
                    double[][] hidden = new double[h][];
                    for (int k = 0; k < h; k++) {
                        hidden[k] = r.doubles(rows.get(k), "weights.hidden_weight[" + k + "]", d);
                    }
                    double[] theta = new double[h * d + 2 * h + 1];
                    for (int k = 0; k < h; k++) {
                        System.arraycopy(hidden[k], 0, theta, k * d, d);
                    }
                    System.arraycopy(r.doubles(w, "hidden_bias", h), 0, theta, h * d, h);
                    System.arraycopy(r.doubles(w, "output_weight", h), 0, theta, h * d + h, h);
                    theta[theta.length - 1] = r.number(w, "output_bias");
                    classifier = new Mlp(standardizer(r, stdNode, d), o, theta, seconds,
                            w.has("epochs") ? w.get("epochs").asInt() : 0);
                }
                default -> throw new IOException(path + ": unknown classifier \"" + kind + "\"");
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": inconsistent model: " + e.getMessage(), e);
        }
        JsonNode prov = r.object(root, "provenance");
        JsonNode td = prov.get("training_data");
        TrainingData data = td == null || td.isNull() ? null
                : new TrainingData(textOrNull(td, "store"), counts(td.get("class_counts")), counts(td.get("attack_counts")));
        Provenance p = new Provenance(textOrNull(prov, "encoder"), textOrNull(prov, "encoder_sha256"),
                prov.hasNonNull("layer") ? prov.get("layer").asInt() : null, textOrNull(prov, "pooling"), data);
        JsonNode dist = root.get("training_distribution");
        TrainingDistribution distribution = dist == null || dist.isNull() ? null
                : new TrainingDistribution(r.doubles(dist, "mean", classifier.dimension()),
                        r.doubles(dist, "std", classifier.dimension()), r.number(dist, "distance_p99"));
        return new Model(classifier, r.number(root, "threshold"), p, textOrNull(root, "created"),
                textOrNull(root, "greenspoof_version"), format, distribution);
    }

    private static Standardizer standardizer(Reader r, JsonNode node, int d) throws IOException {
        if (node == null || node.isNull()) {
            return Standardizer.identity(d);
        }
        return new Standardizer(r.doubles(node, "mean", d), r.doubles(node, "scale", d));
    }

    private static ArrayNode doubles(double[] v) {
        ArrayNode a = JSON.createArrayNode();
        for (double x : v) {
            a.add(x);
        }
        return a;
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Map<String, Integer> counts(JsonNode n) {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (n != null && n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                m.put(e.getKey(), e.getValue().asInt());
            }
        }
        return m;
    }

    /** Typed field access whose errors name the file and the field. */
    private record Reader(Path path) {
        JsonNode field(JsonNode n, String name) throws IOException {
            JsonNode v = n.get(name);
            if (v == null || v.isNull()) {
                throw new IOException(path + ": missing field \"" + name + "\"");
            }
            return v;
        }

        JsonNode object(JsonNode n, String name) throws IOException {
            JsonNode v = field(n, name);
            if (!v.isObject()) {
                throw new IOException(path + ": field \"" + name + "\" must be an object");
            }
            return v;
        }

        String text(JsonNode n, String name) throws IOException {
            JsonNode v = field(n, name);
            if (!v.isTextual()) {
                throw new IOException(path + ": field \"" + name + "\" must be a string");
            }
            return v.asText();
        }

        double number(JsonNode n, String name) throws IOException {
            JsonNode v = field(n, name);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new IOException(path + ": field \"" + name + "\" must be a finite number");
            }
            return v.asDouble();
        }

        /** An integral number, read exactly (a 64-bit seed does not survive a trip through double). */
        long integer(JsonNode n, String name) throws IOException {
            JsonNode v = field(n, name);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new IOException(path + ": field \"" + name + "\" must be an integer");
            }
            return v.asLong();
        }

        boolean bool(JsonNode n, String name) throws IOException {
            JsonNode v = field(n, name);
            if (!v.isBoolean()) {
                throw new IOException(path + ": field \"" + name + "\" must be true or false");
            }
            return v.asBoolean();
        }

        double[] doubles(JsonNode n, String name) throws IOException {
            return doubles(field(n, name), name, -1);
        }

        double[] doubles(JsonNode n, String name, int expected) throws IOException {
            JsonNode a = n.isArray() ? n : field(n, name);
            if (!a.isArray() || (expected >= 0 && a.size() != expected)) {
                throw new IOException(path + ": field \"" + name + "\" must be an array"
                        + (expected >= 0 ? " of " + expected + " numbers" : ""));
            }
            double[] v = new double[a.size()];
            for (int i = 0; i < v.length; i++) {
                if (!a.get(i).isNumber() || !Double.isFinite(a.get(i).asDouble())) {
                    throw new IOException(path + ": " + name + "[" + i + "] must be a finite number");
                }
                v[i] = a.get(i).asDouble();
            }
            return v;
        }
    }
}
