package org.greenspoof.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.greenspoof.classify.Classifier;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.classify.GridSearch;
import org.greenspoof.report.RunMeter;
import org.greenspoof.store.StoreInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains one classifier on one stored layer. */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Train a classifier on one layer of an embedding store. With --dev, every grid point is "
                + "trained on train and the one with the lowest dev EER is kept; its decision threshold is the dev "
                + "EER threshold. Without --dev, the first grid point is trained and the threshold is the train EER "
                + "threshold (optimistic)."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--train", required = true, paramLabel = "STORE", description = "Training embeddings.")
    Path train;

    @Option(names = "--dev", paramLabel = "STORE", description = "Development embeddings, for model selection and the threshold.")
    Path dev;

    @Option(names = "--layer", paramLabel = "K", description = "Layer to train on (default: the store's only layer).")
    Integer layer;

    // An initial value, not defaultValue: picocli applies defaultValue after parsing, over what the alias set.
    @Option(names = "--kind", paramLabel = "lr|mlp",
            description = "Classifier kind: logistic regression or a one-hidden-layer MLP.")
    String classifier = "lr";

    /** The old spelling of --kind (--classifier names a classifier file in score and detect). */
    @Option(names = "--classifier", hidden = true, paramLabel = "lr|mlp")
    void oldClassifierOption(String kind) {
        classifier = kind;
    }

    @Mixin
    Grid grid;

    @Option(names = "--out", required = true, paramLabel = "CLASSIFIER.json", description = "Where to write the classifier file.")
    Path out;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws IOException {
        Outputs.checkFile("--out", out);
        RunMeter meter = new RunMeter(report.energy());
        StoreData tr = StoreData.load(train, layer);
        List<GridSearch.Candidate> candidates = grid.candidates(classifier);
        Classifier best;
        double threshold;
        if (dev != null) {
            StoreData dv = StoreData.load(dev, tr.layer());
            dv.requireSameEmbeddings(tr);
            dv.warnIfSameDataAs(tr, "--dev");
            GridSearch.Result r = GridSearch.select(candidates, tr.x(), tr.y(), dv.x(), dv.y(), grid.refit);
            System.out.println("grid (trained on " + tr.x().length + ", selected on " + dv.x().length + " dev utterances):");
            for (GridSearch.Trial t : r.trials()) {
                System.out.printf(Locale.ROOT, "  %-24s dev EER %7.3f %%  %6d parameters  %.2f s%s%n", t.description(),
                        t.devEerPercent(), t.parameterCount(), t.trainingSeconds(), t == r.chosen() ? "  <- chosen" : "");
            }
            if (r.chosenAtEdge()) {
                System.out.println(Grid.edgeNote(classifier));
            }
            best = r.best();
            threshold = r.threshold();
        } else {
            GridSearch.Candidate c = candidates.get(0);
            System.out.println("no --dev: training " + c.description() + " only; threshold = train EER threshold");
            best = c.trainer().apply(tr.x(), tr.y());
            threshold = GridSearch.devEer(best, tr.x(), tr.y()).threshold();
        }
        StoreInfo info = tr.store().info();
        ClassifierFile.write(out, best, threshold, new ClassifierFile.Provenance(info.model(), info.modelSha256(),
                tr.layer(), info.pooling(), ClassifierFile.TrainingData.of(train.toString(), tr.y(), tr.attacks())));
        System.out.printf(Locale.ROOT, "wrote %s: %s on layer %d, %d parameters, threshold %.6f%n", out, best.kind(),
                tr.layer(), best.parameterCount(), threshold);
        System.out.println(meter.finish(tr.x().length, 0, 0).format());
        return 0;
    }
}
