package org.greenspoof.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.greenspoof.classify.GridSearch;
import org.greenspoof.classify.LogisticRegression;
import org.greenspoof.classify.Mlp;
import picocli.CommandLine.Option;

/** The classifier grid shared by train and sweep; values are tried in ascending order, duplicates once. */
final class Grid {
    @Option(names = "--c", split = ",", defaultValue = "0.01,0.1,1,10", paramLabel = "C", splitSynopsisLabel = ",",
            description = "Logistic regression: inverse L2 strengths to try (sklearn's C).")
    double[] cs;

    @Option(names = "--hidden", split = ",", defaultValue = "16,64", paramLabel = "H", splitSynopsisLabel = ",",
            description = "MLP: hidden-layer sizes to try.")
    int[] hidden;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "MLP seed (initialisation, batches, validation split).")
    long seed;

    @Option(names = "--refit", description = "Refit the chosen grid point on train + dev.")
    boolean refit;

    List<GridSearch.Candidate> candidates(String classifier) {
        switch (classifier) {
            case "lr":
                return GridSearch.logisticRegression(Arrays.stream(cs).sorted().distinct().toArray(),
                        LogisticRegression.Options.DEFAULT);
            case "mlp":
                Mlp.Options d = Mlp.Options.DEFAULT;
                return GridSearch.mlp(Arrays.stream(hidden).sorted().distinct().toArray(), new Mlp.Options(d.hidden(), d.activation(), d.alpha(), d.learningRate(),
                        d.batchSize(), d.maxEpochs(), d.validationFraction(), d.patience(), d.tolerance(), seed,
                        d.balanced(), d.standardize()));
            default:
                throw new IllegalArgumentException("--kind must be lr or mlp, not " + classifier);
        }
    }

    /** What to tell a user whose chosen grid point is at the end of the grid; names the command whose option widens it. */
    static String edgeNote(String classifier, String command) {
        return "note: the chosen " + classifier + " point is at the end of the grid and beats its neighbour; "
                + "the best may lie beyond it (widen it: greenspoof " + command + " "
                + (classifier.equals("mlp") ? "--hidden" : "--c") + ")";
    }

    static List<String> parseClassifiers(String spec) {
        List<String> out = new ArrayList<>(Arrays.asList(spec.split(",")));
        for (String c : out) {
            if (!c.equals("lr") && !c.equals("mlp")) {
                throw new IllegalArgumentException("--kinds: expected lr and/or mlp, found '" + c + "'");
            }
        }
        return out;
    }
}
