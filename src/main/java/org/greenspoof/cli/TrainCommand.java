package org.greenspoof.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.greenspoof.classify.Calibration;
import org.greenspoof.classify.Classifier;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.classify.GridSearch;
import org.greenspoof.classify.TrainingDistribution;
import org.greenspoof.report.RunMeter;
import org.greenspoof.report.RunReport;
import org.greenspoof.store.StoreInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains one classifier on one stored layer. */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Train a classifier on one layer of an embedding store. With --dev, every grid point is "
                + "trained on train and the one with the lowest dev EER is kept; its decision threshold is the dev "
                + "EER threshold. Without --dev, the first grid point is trained and the threshold is the train EER "
                + "threshold (optimistic). The classifier file also stores a Platt calibration of the scores "
                + "(P(bona fide) = sigmoid(a * score + b), fitted on dev, else on train) and the sorted spoof scores "
                + "detect --threshold far=X picks operating points from."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--train", required = true, paramLabel = "STORE", description = "Training embeddings.")
    Path train;

    @Option(names = "--dev", paramLabel = "STORE", description = "Development embeddings, for model selection and the threshold.")
    Path dev;

    @Option(names = "--layer", paramLabel = "K", description = "Layer to train on (default: the store's only layer).")
    Integer layer;

    @Mixin
    KindOption classifier;

    @Mixin
    Grid grid;

    @Option(names = "--out", required = true, paramLabel = "CLASSIFIER.json", description = "Where to write the classifier file.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object (classifier file, kind, layer, parameters, "
            + "threshold, the grid with dev EERs, the run report) instead of text.")
    boolean json;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws IOException {
        Outputs.checkFile("--out", out);
        RunMeter meter = new RunMeter(report.energy());
        StoreData tr = StoreData.load(train, layer);
        List<GridSearch.Candidate> candidates = grid.candidates(classifier.kind);
        PrintStream text = Json.text(json);
        ObjectNode o = Json.object();
        ArrayNode trials = o.putArray("grid");
        Classifier best;
        double threshold;
        StoreData calibrateOn = tr;
        if (dev != null) {
            StoreData dv = StoreData.load(dev, tr.layer());
            dv.requireSameEmbeddings(tr);
            dv.warnIfSameDataAs(tr, "--dev");
            calibrateOn = dv;
            GridSearch.Result r = GridSearch.select(candidates, tr.x(), tr.y(), dv.x(), dv.y(), grid.refit);
            text.println("grid (trained on " + tr.x().length + ", selected on " + dv.x().length + " dev utterances):");
            for (GridSearch.Trial t : r.trials()) {
                text.printf(Locale.ROOT, "  %-24s dev EER %7.3f %%  %6d parameters  %.2f s%s%n", t.description(),
                        t.devEerPercent(), t.parameterCount(), t.trainingSeconds(), t == r.chosen() ? "  <- chosen" : "");
                trials.addObject().put("setting", t.description()).put("dev_eer_percent", t.devEerPercent())
                        .put("parameters", t.parameterCount()).put("training_seconds", t.trainingSeconds())
                        .put("chosen", t == r.chosen());
            }
            o.put("chosen_at_grid_end", !r.chosenAtEdge().isEmpty());
            if (!r.chosenAtEdge().isEmpty()) {
                text.println(Grid.edgeNote(classifier.kind, r.chosenAtEdge(), "train"));
            }
            best = r.best();
            threshold = r.threshold();
        } else {
            GridSearch.Candidate c = candidates.get(0);
            text.println("no --dev: training " + c.description() + " only; threshold = train EER threshold");
            best = c.trainer().apply(tr.x(), tr.y());
            threshold = GridSearch.devEer(best, tr.x(), tr.y()).threshold();
        }
        Calibration calibration = Calibration.fit(best.scores(calibrateOn.x()), calibrateOn.y(), dev != null ? "dev" : "train");
        StoreInfo info = tr.store().info();
        ClassifierFile.write(out, best, threshold, new ClassifierFile.Provenance(info.model(), info.modelSha256(),
                tr.layer(), info.pooling(), ClassifierFile.TrainingData.of(train.toString(), tr.y(), tr.attacks())),
                TrainingDistribution.of(tr.x()), calibration);
        String on = info.frontend().equals("lfcc") ? "LFCC statistics" : "layer " + tr.layer();
        text.printf(Locale.ROOT, "wrote %s: %s on %s, %d parameters, threshold %.6f, calibration on %s: "
                        + "P(bona fide) = sigmoid(%.4f * score %+.4f)%n", out, best.kind().fileName(), on, best.parameterCount(),
                threshold, calibration.fittedOn(), calibration.a(), calibration.b());
        RunReport rep = meter.finish(tr.x().length, 0, 0);
        text.println(rep.format());
        if (json) {
            o.put("classifier", out.toString());
            o.put("kind", best.kind().fileName());
            o.put("frontend", info.frontend());
            o.put("layer", tr.layer());
            o.put("parameters", best.parameterCount());
            o.put("threshold", threshold);
            o.putObject("calibration").put("fitted_on", calibration.fittedOn()).put("a", calibration.a())
                    .put("b", calibration.b());
            o.set("report", Json.report(rep));
            Json.print(o);
        }
        return ExitCode.OK;
    }
}
