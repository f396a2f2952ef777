package org.greenspoof.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Wav2Vec2FeatureEncoderTest {

    /**
     * Two double computations of the same statistics in different orders: they agree to about
     * 1e-12 of the variance even with a DC offset 500 x the signal; 1e-9 leaves room for longer
     * inputs while a wrong index, weight or divisor misses by far more.
     */
    private static final double STATS_TOLERANCE = 1e-9;

    /**
     * {@link Wav2Vec2FeatureEncoder#windowStats} against the statistics of the convolution
     * output itself, computed in double: y for every window, then mean and population variance.
     */
    @ParameterizedTest
    @CsvSource({"1, 10, 5, 7, true", "1, 10, 5, 7583, false", "1, 10, 5, 1, false", "3, 3, 2, 129, true",
            "2, 1, 1, 40, false"})
    void statsFromTheWindowCovarianceEqualThoseOfTheOutput(int cIn, int kernel, int stride, int windows,
            boolean withBias) {
        Random rnd = new Random(windows * 31L + kernel);
        int width = kernel * cIn;
        int step = stride * cIn;
        int cOut = 37;
        float[] x = new float[(windows - 1) * step + width];
        for (int i = 0; i < x.length; i++) {
            // A DC offset far above the signal: a one-pass E[y^2] - E[y]^2 would lose it all in float.
            x[i] = 0.5f + 1e-3f * (float) rnd.nextGaussian();
        }
        float[] w = new float[cOut * width];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        float[] bias = withBias ? new float[cOut] : null;
        if (withBias) {
            for (int c = 0; c < cOut; c++) {
                bias[c] = (float) rnd.nextGaussian();
            }
        }
        double[] mean = new double[cOut];
        double[] var = new double[cOut];
        Wav2Vec2FeatureEncoder.windowStats(x, windows, step, width, w, bias, cOut, mean, var,
                new double[width * (width + 2)]);
        for (int c = 0; c < cOut; c++) {
            double[] y = new double[windows];
            double m = 0;
            for (int t = 0; t < windows; t++) {
                y[t] = bias == null ? 0 : bias[c];
                for (int j = 0; j < width; j++) {
                    y[t] += (double) w[c * width + j] * x[t * step + j];
                }
                m += y[t];
            }
            m /= windows;
            double v = 0;
            for (int t = 0; t < windows; t++) {
                v += (y[t] - m) * (y[t] - m);
            }
            v /= windows;
            double scale = Math.sqrt(v) + 1e-300;
            assertEquals(m, mean[c], STATS_TOLERANCE * scale, "mean of channel " + c);
            assertEquals(v, var[c], STATS_TOLERANCE * v + 1e-300, "variance of channel " + c);
        }
    }
}
