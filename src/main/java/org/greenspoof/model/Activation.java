package org.greenspoof.model;

/**
 * transformers' {@code ACT2FN["gelu"]}: the exact GELU {@code x * Phi(x) = 0.5 x erfc(-x / sqrt 2)}
 * (not the tanh approximation, which differs by ~1e-3 and fails the parity tolerance).
 */
final class Activation {

    private static final double INV_SQRT2 = 0.7071067811865476;

    private Activation() {
    }

    /** Rejects activations other than exact GELU, naming the config key. */
    static void requireGelu(String key, String value) {
        if (!"gelu".equals(value)) {
            throw new IllegalArgumentException("config.json: " + key + " '" + value
                    + "' is not supported; this engine implements 'gelu' (exact erf form)");
        }
    }

    /** In place on x[off, off+n). */
    static void gelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * erfc(-v * INV_SQRT2));
        }
    }

    /**
     * Complementary error function with fractional error below 1.2e-7 everywhere: the Chebyshev
     * fit of Press et al., Numerical Recipes 2nd ed., sec. 6.2 ({@code erfcc}), evaluated in double.
     * Relative accuracy in the far tail matters here because GELU multiplies it by x.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        double r = t * Math.exp(poly);
        return x >= 0 ? r : 2.0 - r;
    }
}
