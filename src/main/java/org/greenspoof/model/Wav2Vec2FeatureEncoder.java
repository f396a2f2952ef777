package org.greenspoof.model;

import java.io.IOException;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.checkpoint.EncoderConfig;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;

/**
 * Mirrors transformers' {@code Wav2Vec2FeatureEncoder} (also HuBERT's and WavLM's): the stack of
 * strided 1-D convolutions turning 16 kHz samples into 50 Hz frames. Activations are frames-major
 * ([T][C]), so the receptive field of one output frame is one contiguous run of the input and each
 * convolution is a single {@link Kernels#linear} over (tiled) im2col rows.
 */
final class Wav2Vec2FeatureEncoder {

    /** Bound on the im2col tile (floats) so long inputs need no second copy of the layer input. */
    private static final int COL_TILE_FLOATS = 1 << 20;
    /** torch GroupNorm / LayerNorm default; transformers does not pass layer_norm_eps to the conv norms. */
    private static final double CONV_NORM_EPS = 1e-5;

    /**
     * Which of transformers' three conv layer classes a layer is:
     * {@code Wav2Vec2GroupNormConvLayer} (layer 0 with feat_extract_norm "group": GroupNorm with one
     * group per channel, i.e. each channel normalised over time), {@code Wav2Vec2NoLayerNormConvLayer}
     * (the other layers in "group" mode), {@code Wav2Vec2LayerNormConvLayer} ("layer": LayerNorm over
     * channels per frame, every layer).
     */
    enum Norm { GROUP, NONE, LAYER }

    /** One conv layer: conv (no padding), norm, GELU. */
    static final class ConvLayer {
        final int cIn;
        final int cOut;
        final int kernel;
        final int stride;
        final Norm norm;
        /** {@code feature_extractor.conv_layers.{i}.conv.weight} (C_out, C_in, K), packed as [C_out][K*C_in]. */
        private final PackedMatrix weight;
        /** {@code feature_extractor.conv_layers.{i}.conv.bias} (C_out), only when conv_bias. */
        private final float[] bias;
        /** {@code feature_extractor.conv_layers.{i}.layer_norm.{weight,bias}} (C_out), GROUP and LAYER only. */
        private final float[] normWeight;
        private final float[] normBias;

        ConvLayer(Checkpoint ck, EncoderConfig cfg, int i, Kernels kernels) throws IOException {
            String p = "feature_extractor.conv_layers." + i + ".";
            cIn = i == 0 ? 1 : cfg.convDim()[i - 1];
            cOut = cfg.convDim()[i];
            kernel = cfg.convKernel()[i];
            stride = cfg.convStride()[i];
            norm = cfg.featExtractNorm().equals("layer") ? Norm.LAYER : i == 0 ? Norm.GROUP : Norm.NONE;
            float[] w = ck.tensor(p + "conv.weight", cOut, cIn, kernel);
            weight = kernels.pack(tapsMajor(w, cOut, cIn, kernel), cOut, kernel * cIn);
            bias = cfg.convBias() ? ck.tensor(p + "conv.bias", cOut) : null;
            normWeight = norm == Norm.NONE ? null : ck.tensor(p + "layer_norm.weight", cOut);
            normBias = norm == Norm.NONE ? null : ck.tensor(p + "layer_norm.bias", cOut);
        }

        int outLength(int tIn) {
            return tIn < kernel ? 0 : (tIn - kernel) / stride + 1;
        }

        /** x: [tIn][cIn]; returns [tOut][cOut]. */
        float[] forward(float[] x, int tIn, Kernels kernels, float[] col) {
            int tOut = outLength(tIn);
            float[] y = new float[tOut * cOut];
            int rowLen = kernel * cIn;
            if (kernel == stride) {
                // Non-overlapping windows: the input rows already are the im2col rows.
                kernels.linear(x, 0, tOut, weight, bias, y, 0);
            } else {
                int tile = Math.max(1, Math.min(tOut, col.length / rowLen));
                for (int t0 = 0; t0 < tOut; t0 += tile) {
                    int rows = Math.min(tile, tOut - t0);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(x, (t0 + r) * stride * cIn, col, r * rowLen, rowLen);
                    }
                    kernels.linear(col, 0, rows, weight, bias, y, t0 * cOut);
                }
            }
            switch (norm) {
                case GROUP -> groupNorm(y, tOut);
                case LAYER -> layerNorm(y, tOut);
                case NONE -> { }
            }
            Activation.gelu(y, 0, y.length);
            return y;
        }

        private void groupNorm(float[] y, int t) {
            double[] sum = new double[cOut];
            double[] sq = new double[cOut];
            for (int r = 0; r < t; r++) {
                for (int c = 0; c < cOut; c++) {
                    sum[c] += y[r * cOut + c];
                }
            }
            for (int c = 0; c < cOut; c++) {
                sum[c] /= t;
            }
            for (int r = 0; r < t; r++) {
                for (int c = 0; c < cOut; c++) {
                    double d = y[r * cOut + c] - sum[c];
                    sq[c] += d * d;
                }
            }
            for (int c = 0; c < cOut; c++) {
                sq[c] = 1.0 / Math.sqrt(sq[c] / t + CONV_NORM_EPS);
            }
            for (int r = 0; r < t; r++) {
                for (int c = 0; c < cOut; c++) {
                    int i = r * cOut + c;
                    y[i] = (float) ((y[i] - sum[c]) * sq[c] * normWeight[c] + normBias[c]);
                }
            }
        }

        private void layerNorm(float[] y, int t) {
            for (int r = 0; r < t; r++) {
                int o = r * cOut;
                double s = 0;
                for (int c = 0; c < cOut; c++) {
                    s += y[o + c];
                }
                double mean = s / cOut;
                double sq = 0;
                for (int c = 0; c < cOut; c++) {
                    double d = y[o + c] - mean;
                    sq += d * d;
                }
                double inv = 1.0 / Math.sqrt(sq / cOut + CONV_NORM_EPS);
                for (int c = 0; c < cOut; c++) {
                    y[o + c] = (float) ((y[o + c] - mean) * inv * normWeight[c] + normBias[c]);
                }
            }
        }
    }

    final ConvLayer[] layers;
    /** Samples one output frame sees; shorter input yields no frame. */
    final int receptiveField;

    Wav2Vec2FeatureEncoder(Checkpoint ck, EncoderConfig cfg, Kernels kernels) throws IOException {
        int n = cfg.convDim().length;
        layers = new ConvLayer[n];
        int rf = 1;
        int jump = 1;
        for (int i = 0; i < n; i++) {
            layers[i] = new ConvLayer(ck, cfg, i, kernels);
            rf += (layers[i].kernel - 1) * jump;
            jump *= layers[i].stride;
        }
        receptiveField = rf;
    }

    int outLength(int samples) {
        int t = samples;
        for (ConvLayer l : layers) {
            t = l.outLength(t);
        }
        return t;
    }

    int channels() {
        return layers[layers.length - 1].cOut;
    }

    /** samples (one channel) -> conv features [T][C_last]. */
    float[] forward(float[] samples, Kernels kernels) {
        long need = 0;
        int t = samples.length;
        for (ConvLayer l : layers) {
            t = l.outLength(t);
            need = Math.max(need, (long) t * l.kernel * l.cIn);
        }
        float[] col = new float[(int) Math.min(need, COL_TILE_FLOATS)];
        float[] x = samples;
        t = samples.length;
        for (ConvLayer l : layers) {
            x = l.forward(x, t, kernels, col);
            t = l.outLength(t);
        }
        return x;
    }

    /** (C_out, C_in, K) -> [C_out][K][C_in], the order of a frames-major im2col row. */
    static float[] tapsMajor(float[] w, int cOut, int cIn, int k) {
        float[] r = new float[w.length];
        for (int o = 0; o < cOut; o++) {
            for (int c = 0; c < cIn; c++) {
                for (int j = 0; j < k; j++) {
                    r[(o * k + j) * cIn + c] = w[(o * cIn + c) * k + j];
                }
            }
        }
        return r;
    }
}
