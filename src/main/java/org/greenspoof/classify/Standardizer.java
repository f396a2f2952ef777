package org.greenspoof.classify;

/**
 * Per-feature centring and scaling, fitted like scikit-learn's {@code StandardScaler}: mean and
 * population standard deviation, with a scale of 1 for (near-)constant features so they map to 0
 * instead of dividing by zero.
 *
 * @param mean  per-feature mean
 * @param scale per-feature divisor
 */
public record Standardizer(double[] mean, double[] scale) {

    /** scikit-learn's {@code _handle_zeros_in_scale} threshold: ten machine epsilons. */
    private static final double ZERO_SCALE = 10 * Math.ulp(1.0);

    public Standardizer {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException("standardiser mean has " + mean.length + " values, scale " + scale.length);
        }
        for (int j = 0; j < scale.length; j++) {
            if (!(scale[j] > 0) || !Double.isFinite(scale[j]) || !Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("standardiser feature " + j + ": mean " + mean[j] + ", scale " + scale[j]);
            }
        }
    }

    /** Fits on the rows of {@code x} (two passes in double for accuracy). */
    public static Standardizer fit(float[][] x) {
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= x.length;
        }
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - mean[j];
                scale[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(scale[j] / x.length);
            scale[j] = sd < ZERO_SCALE ? 1.0 : sd;
        }
        return new Standardizer(mean, scale);
    }

    /** The identity transform of dimension {@code d}. */
    public static Standardizer identity(int d) {
        double[] ones = new double[d];
        java.util.Arrays.fill(ones, 1.0);
        return new Standardizer(new double[d], ones);
    }

    public int dimension() {
        return mean.length;
    }

    /** Writes the standardised {@code x} into {@code out}. */
    public void apply(float[] x, double[] out) {
        for (int j = 0; j < mean.length; j++) {
            out[j] = (x[j] - mean[j]) / scale[j];
        }
    }
}
