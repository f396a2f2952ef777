package org.greenspoof.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.greenspoof.classify.ClassifierKind;
import org.greenspoof.classify.GridSearch;
import org.greenspoof.classify.LogisticRegression;
import org.greenspoof.classify.Mlp;
import org.greenspoof.io.AtomicFiles;
import org.greenspoof.metrics.Evaluation;
import org.greenspoof.metrics.ScoreFiles;
import org.greenspoof.report.Progress;
import org.greenspoof.report.RunMeter;
import org.greenspoof.report.RunReport;
import org.greenspoof.store.EmbeddingStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The paper's layer-by-classifier table in one command. */
@Command(name = "sweep", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"For every stored layer and every classifier: select on dev (grid as in train), then report "
                + "dev EER and, with --eval, eval EER (and min t-DCF with --asv-scores). Prints the table and writes "
                + "it as PREFIX.csv and PREFIX.md."})
final class SweepCommand implements Callable<Integer> {

    @Option(names = "--train", required = true, paramLabel = "STORE", description = "Training embeddings (all layers).")
    Path train;

    @Option(names = "--dev", required = true, paramLabel = "STORE", description = "Development embeddings.")
    Path dev;

    @Option(names = "--eval", paramLabel = "STORE", description = "Evaluation embeddings.")
    Path eval;

    @Option(names = "--asv-scores", paramLabel = "FILE",
            description = "ASV scores of the eval partition ('SOURCE KEY SCORE', ASVspoof 2019 LA_asv_scores) for min t-DCF.")
    Path asvScores;

    // Initial values, not defaultValue: picocli applies defaultValue after parsing, over what an alias set.
    @Option(names = "--kinds", split = ",", paramLabel = "KIND", splitSynopsisLabel = ",", converter = KindConverter.class,
            completionCandidates = KindConverter.Names.class,
            description = "Classifier kinds to sweep, of ${COMPLETION-CANDIDATES} (listed below).")
    List<ClassifierKind<?>> classifiers = List.of(LogisticRegression.KIND, Mlp.KIND);

    /** The old spelling of --kinds. */
    @Option(names = "--classifiers", hidden = true, split = ",", paramLabel = "KIND", converter = KindConverter.class)
    void oldClassifiersOption(List<ClassifierKind<?>> kinds) {
        classifiers = kinds;
    }

    @Option(names = "--layers", paramLabel = "LIST", description = "Subset of the stored layers (default: all).")
    String layers;

    @Mixin
    Grid grid;

    @Option(names = "--out", paramLabel = "PREFIX", description = "Writes PREFIX.csv and PREFIX.md.")
    Path prefix = Path.of("sweep");

    /** The old spelling of --out. */
    @Option(names = "--out-prefix", hidden = true, paramLabel = "PREFIX")
    void oldOutPrefixOption(Path p) {
        prefix = p;
    }

    @Option(names = "--json", description = "Print one JSON object (rows, best, files written, the run report) "
            + "instead of text.")
    boolean json;

    @Mixin
    ReportOptions report;

    /** One table row. */
    record Row(int layer, String classifier, String chosen, int parameters, double devEer, Double evalEer,
               Double evalMinTdcf, double trainSeconds) {
    }

    @Override
    public Integer call() throws IOException {
        Path csv = Path.of(prefix + ".csv"), md = Path.of(prefix + ".md");
        Outputs.checkFile("--out", csv);
        Outputs.checkFile("--out", md);
        RunMeter meter = new RunMeter(report.energy());
        List<ClassifierKind<?>> kinds = classifiers.stream().distinct().toList();
        Map<String, double[]> gridValues = grid.values(kinds); // refuses an axis none of the kinds has, before any work
        EmbeddingStore trainStore = EmbeddingStore.open(train);
        int[] stored = trainStore.info().layers();
        int[] chosenLayers = layers == null ? stored : Layers.parse(layers, stored[stored.length - 1]);
        ScoreFiles.AsvScores asv = asvScores == null ? null : ScoreFiles.readAsvScores(asvScores);
        if (asv != null && eval == null) {
            throw new IllegalArgumentException("--asv-scores needs --eval");
        }
        List<Row> rows = new ArrayList<>();
        List<String> atGridEnd = new ArrayList<>();
        PrintStream text = Json.text(json);
        text.println(header());
        Progress progress = new Progress(System.err, "sweep", (long) chosenLayers.length * kinds.size(), !report.noProgress);
        for (int layer : chosenLayers) {
            StoreData tr = StoreData.load(train, layer);
            StoreData dv = StoreData.load(dev, layer);
            dv.requireSameEmbeddings(tr);
            if (layer == chosenLayers[0]) {
                dv.warnIfSameDataAs(tr, "--dev");
            }
            StoreData ev = eval == null ? null : StoreData.load(eval, layer);
            if (ev != null) {
                ev.requireSameEmbeddings(tr);
                if (layer == chosenLayers[0]) {
                    ev.warnIfSameDataAs(tr, "--eval");
                }
            }
            for (ClassifierKind<?> kind : kinds) {
                GridSearch.Result r = GridSearch.select(grid.candidates(kind, gridValues), tr.x(), tr.y(), dv.x(), dv.y(), grid.refit);
                Double evalEer = null, tdcf = null;
                if (ev != null) {
                    double[] s = r.best().scores(ev.x());
                    List<ScoreFiles.Trial> trials = new ArrayList<>();
                    var entries = ev.store().entries();
                    for (int i = 0; i < s.length; i++) {
                        trials.add(new ScoreFiles.Trial(entries.get(i).id(), entries.get(i).attack(), ev.y()[i] == 1, s[i]));
                    }
                    Evaluation e = Evaluation.of(trials, asv);
                    evalEer = e.eer().percent();
                    tdcf = e.minTdcf();
                }
                Row row = new Row(layer, kind.cliName(), r.chosen().description(), r.best().parameterCount(),
                        r.chosen().devEerPercent(), evalEer, tdcf, r.best().trainingSeconds());
                rows.add(row);
                progress.advance(1);
                text.println(text(row));
                if (!r.chosenAtEdge().isEmpty()) {
                    atGridEnd.add(layer + " (" + kind.cliName() + ": " + String.join(", ",
                            r.chosenAtEdge().stream().map(Grid::option).toList()) + ")");
                }
            }
        }
        progress.close();
        if (!atGridEnd.isEmpty()) {
            // Once under the table, not under every row: on a small corpus most rows may qualify.
            text.println("note: at layer " + String.join(", ", atGridEnd) + " the chosen point is at the end of the grid "
                    + "and beats its neighbour; the best may lie beyond it (widen it with the options named)");
        }
        Row best = rows.stream().min((a, b) -> Double.compare(a.devEer, b.devEer)).orElseThrow();
        text.printf(Locale.ROOT, "best on dev: layer %d, %s (%s), dev EER %.3f %%%n", best.layer, best.classifier,
                best.chosen, best.devEer);
        AtomicFiles.write(csv, csv(rows).getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(md, markdown(rows).getBytes(StandardCharsets.UTF_8));
        text.println("wrote " + csv + " and " + md);
        RunReport rep = meter.finish(0, 0, 0);
        text.println(rep.format());
        if (json) {
            ObjectNode o = Json.object();
            o.set("rows", Json.MAPPER.valueToTree(rows.stream().map(SweepCommand::json).toList()));
            o.set("best", json(best));
            o.put("csv", csv.toString());
            o.put("md", md.toString());
            o.set("report", Json.report(rep));
            Json.print(o);
        }
        return ExitCode.OK;
    }

    /** A row under the CSV's column names. */
    private static ObjectNode json(Row r) {
        ObjectNode o = Json.object();
        o.put("layer", r.layer).put("classifier", r.classifier).put("chosen", r.chosen).put("parameters", r.parameters)
                .put("dev_eer_percent", r.devEer).put("eval_eer_percent", r.evalEer).put("eval_min_tdcf", r.evalMinTdcf)
                .put("train_seconds", r.trainSeconds);
        return o;
    }

    private static String fmt(Double v, String pattern) {
        return v == null ? "-" : String.format(Locale.ROOT, pattern, v);
    }

    private static String header() {
        return String.format(Locale.ROOT, "%5s  %-7s  %-26s  %8s  %9s  %9s  %11s", "layer", "clf", "chosen", "params",
                "dev EER%", "eval EER%", "eval tDCF");
    }

    private static String text(Row r) {
        return String.format(Locale.ROOT, "%5d  %-7s  %-26s  %8d  %9.3f  %9s  %11s", r.layer, r.classifier, r.chosen,
                r.parameters, r.devEer, fmt(r.evalEer, "%.3f"), fmt(r.evalMinTdcf, "%.4f"));
    }

    static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder("layer,classifier,chosen,parameters,dev_eer_percent,eval_eer_percent,"
                + "eval_min_tdcf,train_seconds\n");
        for (Row r : rows) {
            sb.append(r.layer).append(',').append(r.classifier).append(",\"").append(r.chosen).append("\",")
                    .append(r.parameters).append(',').append(r.devEer).append(',')
                    .append(r.evalEer == null ? "" : r.evalEer).append(',')
                    .append(r.evalMinTdcf == null ? "" : r.evalMinTdcf).append(',').append(r.trainSeconds).append('\n');
        }
        return sb.toString();
    }

    static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| layer | classifier | chosen | parameters | dev EER % | eval EER % | eval min t-DCF |\n"
                + "|---:|---|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %d | %.3f | %s | %s |%n", r.layer, r.classifier,
                    r.chosen, r.parameters, r.devEer, fmt(r.evalEer, "%.3f"), fmt(r.evalMinTdcf, "%.4f")));
        }
        return sb.toString();
    }
}
