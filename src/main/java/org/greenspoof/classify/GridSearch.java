package org.greenspoof.classify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.greenspoof.metrics.Eer;

/**
 * Model selection as in the paper: every candidate is trained on train and scored on dev, the one
 * with the lowest dev EER wins (the first in grid order on a tie), and is optionally refitted on
 * train and dev together. The decision threshold stored with a model is the dev EER threshold of
 * the final model.
 */
public final class GridSearch {

    private GridSearch() {
    }

    /**
     * One grid point: a description for reports, its value on each axis of the grid, and how to fit
     * it on (features, labels).
     */
    public record Candidate(String description, Map<String, Double> point, BiFunction<float[][], int[], Classifier> trainer) {
        Classifier fit(float[][] x, int[] y) {
            return trainer.apply(x, y);
        }
    }

    /** One row of the selection table. */
    public record Trial(String description, Map<String, Double> point, double devEerPercent, double devEerThreshold,
                        int parameterCount, double trainingSeconds) {
    }

    /**
     * @param best      the selected (and, if asked, refitted) classifier
     * @param chosen    the selected grid point's row
     * @param trials    every grid point in order
     * @param threshold dev EER threshold of {@code best}
     * @param refitted  whether {@code best} was refitted on train + dev
     */
    public record Result(Classifier best, Trial chosen, List<Trial> trials, double threshold, boolean refitted) {

        /**
         * The axes along which the chosen point is at an end of a line of three or more grid points
         * (the trials that differ from it on that axis only, ordered by that axis' value) and strictly
         * beats its neighbour on that line: the optimum may lie beyond the grid, so a wider one may do
         * better. (On a line of two, every winner is at an end, which says nothing.)
         */
        public List<String> chosenAtEdge() {
            List<String> out = new ArrayList<>();
            for (String axis : chosen.point().keySet()) {
                List<Trial> line = trials.stream().filter(t -> sameExcept(t.point(), chosen.point(), axis))
                        .sorted(Comparator.comparingDouble(t -> t.point().get(axis))).toList();
                int i = line.indexOf(chosen), n = line.size();
                if (n >= 3 && (i == 0 || i == n - 1)
                        && chosen.devEerPercent() < line.get(i == 0 ? 1 : n - 2).devEerPercent()) {
                    out.add(axis);
                }
            }
            return out;
        }

        private static boolean sameExcept(Map<String, Double> a, Map<String, Double> b, String axis) {
            for (Map.Entry<String, Double> e : b.entrySet()) {
                if (!e.getKey().equals(axis) && !e.getValue().equals(a.get(e.getKey()))) {
                    return false;
                }
            }
            return a.keySet().equals(b.keySet());
        }
    }

    /** Runs the grid; see the class comment. */
    public static Result select(List<Candidate> grid, float[][] trainX, int[] trainY, float[][] devX, int[] devY,
                                boolean refit) {
        if (grid.isEmpty()) {
            throw new IllegalArgumentException("empty grid");
        }
        TrainingSet.validate(devX, devY);
        List<Trial> trials = new ArrayList<>();
        Classifier best = null;
        Candidate bestCandidate = null;
        Trial bestTrial = null;
        for (Candidate t : grid) {
            Classifier c = t.fit(trainX, trainY);
            Eer eer = devEer(c, devX, devY);
            Trial trial = new Trial(t.description(), t.point(), eer.percent(), eer.threshold(), c.parameterCount(), c.trainingSeconds());
            trials.add(trial);
            if (bestTrial == null || trial.devEerPercent() < bestTrial.devEerPercent()) {
                best = c;
                bestCandidate = t;
                bestTrial = trial;
            }
        }
        double threshold = bestTrial.devEerThreshold();
        if (refit) {
            float[][] x = new float[trainX.length + devX.length][];
            int[] y = new int[x.length];
            System.arraycopy(trainX, 0, x, 0, trainX.length);
            System.arraycopy(devX, 0, x, trainX.length, devX.length);
            System.arraycopy(trainY, 0, y, 0, trainY.length);
            System.arraycopy(devY, 0, y, trainY.length, devY.length);
            best = bestCandidate.fit(x, y);
            threshold = devEer(best, devX, devY).threshold();
        }
        return new Result(best, bestTrial, List.copyOf(trials), threshold, refit);
    }

    /** EER of a classifier on labelled data (1 = bona fide). */
    public static Eer devEer(Classifier c, float[][] x, int[] y) {
        int positives = 0;
        for (int v : y) {
            positives += v;
        }
        double[] bona = new double[positives];
        double[] spoof = new double[y.length - positives];
        for (int i = 0, b = 0, s = 0; i < x.length; i++) {
            double score = c.score(x[i]);
            if (y[i] == 1) {
                bona[b++] = score;
            } else {
                spoof[s++] = score;
            }
        }
        return Eer.of(bona, spoof);
    }
}
