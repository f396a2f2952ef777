package org.greenspoof.classify;

/**
 * Checks for training inputs: a non-empty rectangular matrix of finite features and 0/1 labels
 * (1 = bona fide) with both classes present, plus the per-sample weights of
 * {@code class_weight='balanced'}.
 */
final class TrainingSet {
    private TrainingSet() {
    }

    static void validate(float[][] x, int[] y) {
        if (x.length == 0) {
            throw new IllegalArgumentException("no training samples");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " feature rows but " + y.length + " labels");
        }
        int d = x[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("feature rows are empty");
        }
        int positives = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, expected " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(x[i][j])) {
                    throw new IllegalArgumentException("row " + i + " feature " + j + " is " + x[i][j] + ", expected a finite number");
                }
            }
            if (y[i] != 0 && y[i] != 1) {
                throw new IllegalArgumentException("label of row " + i + " is " + y[i] + ", expected 1 (bona fide) or 0 (spoof)");
            }
            positives += y[i];
        }
        if (positives == 0 || positives == y.length) {
            throw new IllegalArgumentException("training data has a single class (" + (positives == 0 ? "spoof" : "bona fide")
                    + " only); both bona fide and spoof samples are needed");
        }
    }

    /** Per-sample weights: 1, or n / (2 n_class) as scikit-learn's {@code 'balanced'}. */
    static double[] sampleWeights(int[] y, boolean balanced) {
        double[] w = new double[y.length];
        int positives = 0;
        for (int v : y) {
            positives += v;
        }
        double wPos = balanced ? y.length / (2.0 * positives) : 1.0;
        double wNeg = balanced ? y.length / (2.0 * (y.length - positives)) : 1.0;
        for (int i = 0; i < y.length; i++) {
            w[i] = y[i] == 1 ? wPos : wNeg;
        }
        return w;
    }
}
