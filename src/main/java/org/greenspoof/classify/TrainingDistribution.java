package org.greenspoof.classify;

import java.util.Arrays;
import java.util.Locale;

/**
 * A summary of the embeddings a classifier was trained on, kept in the model file so that an input
 * unlike anything it saw (a pure tone, music, silence) is flagged instead of getting a confident score.
 * The distance of an embedding is the root-mean-square of its per-dimension z-scores against the
 * training mean and standard deviation; the summary keeps the 99th percentile of the training
 * embeddings' own distances.
 *
 * @param mean        per-dimension mean of the training embeddings
 * @param std         per-dimension population standard deviation (floored, see {@link #MIN_STD})
 * @param distanceP99 99th percentile of the training embeddings' distances
 */
public record TrainingDistribution(double[] mean, double[] std, double distanceP99) {

    /** A dimension constant in training would make every other value infinitely far; floor its spread. */
    static final double MIN_STD = 1e-6;
    /** Percentile of the training distances kept as the reference. */
    static final double REFERENCE_QUANTILE = 0.99;
    /**
     * An input is flagged beyond this multiple of the reference distance: 1 in 100 training
     * embeddings lies above the reference itself, so the margin keeps ordinary held-out speech
     * unflagged while inputs far from all of it stand out.
     */
    public static final double FAR_FACTOR = 2.0;

    public static TrainingDistribution of(float[][] x) {
        int n = x.length, d = x[0].length;
        double[] mean = new double[d], std = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                double v = row[j] - mean[j];
                std[j] += v * v;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.max(MIN_STD, Math.sqrt(std[j] / n));
        }
        TrainingDistribution partial = new TrainingDistribution(mean, std, Double.NaN);
        double[] dist = new double[n];
        for (int i = 0; i < n; i++) {
            dist[i] = partial.distance(x[i]);
        }
        Arrays.sort(dist);
        return new TrainingDistribution(mean, std, dist[(int) Math.min(n - 1, Math.ceil(REFERENCE_QUANTILE * n) - 1)]);
    }

    /** Root-mean-square z-score of {@code x} against the training distribution. */
    public double distance(float[] x) {
        if (x.length != mean.length) {
            throw new IllegalArgumentException("embedding of " + x.length + " values, the training data had " + mean.length);
        }
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            double z = (x[j] - mean[j]) / std[j];
            s += z * z;
        }
        return Math.sqrt(s / x.length);
    }

    /** A warning for an input far outside the training data, or null when it is not. */
    public String warning(float[] x) {
        double d = distance(x);
        return d > FAR_FACTOR * distanceP99 ? String.format(Locale.ROOT, "far outside the training data: distance %.1f, "
                + "%.1f times the 99th percentile of the training embeddings (%.2f); the score is not meaningful",
                d, d / distanceP99, distanceP99) : null;
    }
}
