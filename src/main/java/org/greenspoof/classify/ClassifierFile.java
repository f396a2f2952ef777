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
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
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
 * classifier          the kind's file name (ClassifierKinds lists them: "logistic_regression", "linear_svm", "mlp", ...)
 * parameter_count     trainable parameters
 * training_seconds    wall time of the fit
 * hyperparameters     the learner's options (each kind's Options)
 * threshold           decision threshold on the score (dev EER threshold): bona fide when score &gt; threshold
 * score               the score convention, spelled out
 * provenance          encoder (checkpoint id or front-end name), encoder_sha256, layer, pooling,
 *                     training_data {store, class_counts, attack_counts}
 * standardizer        {mean, scale} applied before the weights, or null
 * training_distribution {mean, std, distance_p99} of the training embeddings (see TrainingDistribution), or
 *                     absent (older files): inputs far outside it are flagged
 * calibration         {method "platt", a, b, fitted_on "dev"|"train", spoof_count, spoof_scores [ascending]}
 *                     (see Calibration): P(bona fide) = sigmoid(a * score + b) and the far=X operating points;
 *                     absent in files written before it was recorded, which are reported uncalibrated
 * weights             written and read by the kind (ClassifierKind), e.g.
 *                     logistic_regression, linear_svm: {coef [d], intercept}
 *                     mlp: {hidden_weight [hidden][d], hidden_bias [hidden], output_weight [hidden], output_bias, epochs}
 * </pre>
 */
public final class ClassifierFile {

    /** Major version this code reads and writes; bump it only for changes old readers cannot ignore. */
    public static final int FORMAT_MAJOR = 1;
    public static final String FORMAT_VERSION = FORMAT_MAJOR + ".0";
    private static final String SCORE_CONVENTION = "logit of P(bona fide); bona fide when score > threshold";

    private static final String CALIBRATION_METHOD = "platt";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassifierFile() {
    }

    /** What the embeddings were made from and what the classifier was trained on. */
    public record Provenance(String encoder, String encoderSha256, Integer layer, String pooling,
                             TrainingData trainingData) {

        /**
         * What embeddings the classifier takes, under the model file's keys in its order (encoder,
         * encoder_sha256, layer, pooling; null values kept): the one spelling the file and the
         * service's GET /v1/model both write.
         */
        public Map<String, Object> embeddingFields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("encoder", encoder);
            m.put("encoder_sha256", encoderSha256);
            m.put("layer", layer);
            m.put("pooling", pooling);
            return m;
        }
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

    /**
     * A loaded model file; {@code distribution} and {@code calibration} are null for files written
     * before they were recorded.
     */
    public record Model(Classifier classifier, double threshold, Provenance provenance, String created,
                        String greenspoofVersion, String formatVersion, TrainingDistribution distribution,
                        Calibration calibration) {

        /** The decision rule: the stored threshold, or the one {@link #atOperatingPoint} chose. */
        public boolean isBonafide(double score) {
            return score > threshold;
        }

        /** Whether {@link #probability} is calibrated on dev scores (else it is the classifier's own sigmoid). */
        public boolean calibrated() {
            return calibration != null;
        }

        /** P(bona fide) of {@code x}, whose score is {@code score}: calibrated when the file has a calibration. */
        public double probability(float[] x, double score) {
            return calibration == null ? classifier.probability(x) : calibration.probability(score);
        }

        /**
         * This model deciding at another threshold: {@code eer} (the stored dev EER threshold),
         * {@code far=X} (the threshold accepting a share X of the dev spoof scores) or a raw score.
         */
        public Model atOperatingPoint(String spec) {
            if (spec.equals("eer")) {
                return this;
            }
            double t;
            if (spec.startsWith("far=")) {
                if (calibration == null) {
                    throw new IllegalArgumentException("--threshold " + spec + " needs the dev scores, which this classifier "
                            + "file (written by greenspoof " + greenspoofVersion + ") does not store; retrain it, or give eer or a score");
                }
                t = calibration.thresholdAtFar(parseNumber(spec.substring(4), spec));
            } else {
                t = parseNumber(spec, spec);
            }
            return new Model(classifier, t, provenance, created, greenspoofVersion, formatVersion, distribution, calibration);
        }

        private static double parseNumber(String text, String spec) {
            try {
                double v = Double.parseDouble(text);
                if (Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--threshold takes eer, far=X (0 <= X <= 1) or a finite score; got \"" + spec + "\"");
        }
    }

    /** Writes {@code classifier} atomically (temp file in the same folder, then move), without a training distribution. */
    public static void write(Path path, Classifier classifier, double threshold, Provenance provenance) throws IOException {
        write(path, classifier, threshold, provenance, null);
    }

    /** Writes {@code classifier} and the summary of its training embeddings (null: none), uncalibrated. */
    public static void write(Path path, Classifier classifier, double threshold, Provenance provenance,
                             TrainingDistribution distribution) throws IOException {
        write(path, classifier, threshold, provenance, distribution, null);
    }

    /** Writes {@code classifier}, the summary of its training embeddings and its calibration (null: none). */
    public static void write(Path path, Classifier classifier, double threshold, Provenance provenance,
                             TrainingDistribution distribution, Calibration calibration) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("greenspoof_version", Version.text());
        root.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        root.put("classifier", classifier.kind().fileName());
        root.put("parameter_count", classifier.parameterCount());
        root.put("training_seconds", classifier.trainingSeconds());
        root.set("hyperparameters", JSON.valueToTree(classifier.hyperparameters()));
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
        root.put("threshold", threshold);
        root.put("score", SCORE_CONVENTION);
        ObjectNode prov = root.putObject("provenance");
        prov.setAll((ObjectNode) JSON.valueToTree(provenance.embeddingFields()));
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
        classifier.kind().write(classifier, root.putObject("weights"));
        if (distribution != null) {
            ObjectNode dist = root.putObject("training_distribution");
            dist.set("mean", doubles(distribution.mean()));
            dist.set("std", doubles(distribution.std()));
            dist.put("distance_p99", distribution.distanceP99());
        }
        if (calibration != null) {
            ObjectNode cal = root.putObject("calibration");
            cal.put("method", CALIBRATION_METHOD);
            cal.put("a", calibration.a());
            cal.put("b", calibration.b());
            cal.put("fitted_on", calibration.fittedOn());
            cal.put("spoof_count", calibration.spoofCount());
            cal.set("spoof_scores", doubles(calibration.spoofScores()));
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
        ModelFields r = new ModelFields(path, root);
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
        JsonNode hp = r.hyperparameters();
        JsonNode weights = r.weights();
        String kindName = r.text(root, "classifier");
        ClassifierKind<?> kind = ClassifierKinds.byFileName(kindName);
        if (kind == null) {
            throw new IOException(path + ": unknown classifier \"" + kindName + "\"; this greenspoof reads "
                    + ClassifierKinds.ALL.stream().map(ClassifierKind::fileName).collect(Collectors.joining(", ")));
        }
        r.trainingSeconds();
        Classifier classifier;
        try {
            classifier = kind.read(r, hp, weights);
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
        JsonNode cal = root.get("calibration");
        Calibration calibration = null;
        if (cal != null && !cal.isNull()) {
            String method = r.text(cal, "method");
            if (!method.equals(CALIBRATION_METHOD)) {
                throw new IOException(path + ": unknown calibration method \"" + method + "\"; this greenspoof reads "
                        + CALIBRATION_METHOD);
            }
            try {
                calibration = new Calibration(r.number(cal, "a"), r.number(cal, "b"), r.text(cal, "fitted_on"),
                        (int) r.integer(cal, "spoof_count"), r.doubles(cal, "spoof_scores"));
            } catch (IllegalArgumentException e) {
                throw new IOException(path + ": inconsistent model: " + e.getMessage(), e);
            }
        }
        return new Model(classifier, r.number(root, "threshold"), p, textOrNull(root, "created"),
                textOrNull(root, "greenspoof_version"), format, distribution, calibration);
    }

    static ArrayNode doubles(double[] v) {
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
}
