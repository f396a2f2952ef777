package org.greenspoof.model;

import java.util.Arrays;
import org.greenspoof.checkpoint.EncoderConfig;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;
import org.greenspoof.kernels.ScratchArrays;
import org.greenspoof.kernels.WinogradConv1d;

/**
 * Mirrors transformers' {@code Wav2Vec2FeatureEncoder} (also HuBERT's and WavLM's): the stack of
 * strided 1-D convolutions turning 16 kHz samples into 50 Hz frames. Activations are frames-major
 * ([T][C]), so the receptive field of one output frame is one contiguous run of the input and each
 * convolution is a {@link Kernels#linear} reading those runs in place (overlapping rows at a stride
 * of stride x C_in: no im2col copy). Layers whose kernel is one tap longer than the stride (kernel
 * 3, stride 2) use {@link WinogradConv1d}: two ninths fewer multiply-adds.
 *
 * <p>The stack runs in chunks of output frames (each chunk recomputes its small receptive-field
 * overlap), so the wide early layers never exist for the whole utterance: for 10 minutes of audio
 * layer 0 alone would be 1.9 M frames x 512 channels. The one utterance-wide operation, the
 * GroupNorm of layer 0 in "group" mode, needs each channel's mean and variance over time before
 * the first chunk; as layer 0 is linear in its input windows, those follow from the windows' mean
 * and covariance (see {@link #windowStats}), without computing layer 0 twice.
 */
final class Wav2Vec2FeatureEncoder {

    /**
     * Final frames per chunk (1.28 s): bounds the working set (16 MB for wav2vec2-base); the
     * receptive-field overlap recomputed per chunk is under 1 % of the conv stack's work.
     */
    private static final int CHUNK_FRAMES = 64;
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
        /**
         * {@code conv.weight} (C_out, C_in, K), packed as [C_out][K*C_in]; null when the kernel is one
         * tap longer than the stride, which {@link #winograd} computes with fewer multiply-adds.
         */
        private final PackedMatrix weight;
        /** {@code conv.weight} as [C_out][K*C_in] (the order of a window), GROUP only: its statistics need it. */
        private final float[] windowWeight;
        private final WinogradConv1d winograd;
        /** {@code conv.bias} (C_out), only when conv_bias. */
        private final float[] bias;
        /** {@code layer_norm.{weight,bias}} (C_out), GROUP and LAYER only. */
        private final float[] normWeight;
        private final float[] normBias;

        /** w: {@code feature_extractor.conv_layers.{i}}. */
        ConvLayer(Weights w, EncoderConfig cfg, int i) {
            cIn = i == 0 ? 1 : cfg.convDim()[i - 1];
            cOut = cfg.convDim()[i];
            kernel = cfg.convKernel()[i];
            stride = cfg.convStride()[i];
            norm = cfg.featExtractNorm().equals("layer") ? Norm.LAYER : i == 0 ? Norm.GROUP : Norm.NONE;
            float[] conv = w.scratchTensor("conv.weight", cOut, cIn, kernel);
            float[] taps = conv == null ? null : tapsMajor(conv, cOut, cIn, kernel, w.scratch(cOut * cIn * kernel));
            boolean shared = WinogradConv1d.applies(kernel, stride);
            weight = taps == null || shared ? null : w.pack(taps, cOut, kernel * cIn);
            windowWeight = taps == null || norm != Norm.GROUP ? null : taps.clone();
            winograd = taps == null || !shared ? null : new WinogradConv1d(w.kernels(), taps, cOut, cIn, stride);
            bias = cfg.convBias() ? w.tensor("conv.bias", cOut) : null;
            normWeight = norm == Norm.NONE ? null : w.tensor("layer_norm.weight", cOut);
            normBias = norm == Norm.NONE ? null : w.tensor("layer_norm.bias", cOut);
        }

        /**
         * Multiply-adds x 2 for tOut output frames of the direct convolution (what torch and ONNX
         * Runtime compute, so rates compare across engines; the Winograd form does 7/9 of it).
         */
        double flops(long tOut) {
            return 2.0 * tOut * cOut * cIn * kernel;
        }

        int outLength(int tIn) {
            return tIn < kernel ? 0 : (tIn - kernel) / stride + 1;
        }

        /**
         * Rows [0, tOut) of y (from element yOff) = conv of x ([*][cIn]) from row xRow, before norm.
         * Frames-major, the window of output t is the contiguous run of kernel rows from
         * (xRow + t * stride): the product reads the windows in place, overlapping, at that stride
         * (or, with a shared tap, the Winograd form copies them once, transformed).
         */
        void conv(float[] x, int xRow, int tOut, float[] y, int yOff, Workspace ws) {
            if (winograd != null) {
                winograd.conv(ws.kernels, x, xRow * cIn, tOut, bias, y, yOff, ws.features.winograd);
            } else {
                ws.kernels.linear(x, xRow * cIn, stride * cIn, tOut, weight, bias, y, yOff);
            }
        }

        /**
         * Norm and GELU in place on t rows of y from yOff; GROUP applies the utterance statistics
         * folded into one float scale and shift per channel (a loop C2 vectorises), from ws.features.
         */
        void normActivate(float[] y, int yOff, int t, Workspace ws) {
            Kernels kernels = ws.kernels;
            float[] scale = ws.features.scale;
            float[] shift = ws.features.shift;
            for (int r = 0; r < t; r++) {
                int o = yOff + r * cOut;
                switch (norm) {
                    case GROUP -> {
                        for (int c = 0; c < cOut; c++) {
                            y[o + c] = y[o + c] * scale[c] + shift[c];
                        }
                    }
                    case LAYER -> kernels.layerNorm(y, o, null, y, o, cOut, CONV_NORM_EPS, normWeight, normBias);
                    case NONE -> { }
                }
            }
            kernels.gelu(y, yOff, t * cOut);
        }
    }

    final ConvLayer[] layers;
    /** Samples one output frame sees; shorter input yields no frame. */
    final int receptiveField;

    /** w: {@code feature_extractor}. */
    Wav2Vec2FeatureEncoder(Weights w, EncoderConfig cfg) {
        int n = cfg.convDim().length;
        Weights[] lw = w.list("conv_layers", n, "len(conv_dim)");
        layers = new ConvLayer[n];
        int rf = 1;
        int jump = 1;
        for (int i = 0; i < n; i++) {
            layers[i] = new ConvLayer(lw[i], cfg, i);
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

    /** Multiply-adds x 2 of the conv stack for this many samples. */
    double flops(int samples) {
        double f = 0;
        int t = samples;
        for (ConvLayer l : layers) {
            t = l.outLength(t);
            f += l.flops(t);
        }
        return f;
    }

    int channels() {
        return layers[layers.length - 1].cOut;
    }

    /**
     * The first {@code n} samples (one channel, at least one receptive field) -> conv features
     * written to out [T][C_last], with the buffers of ws.features.
     */
    void forward(float[] samples, int n, Workspace ws, float[] out) {
        forward(samples, n, CHUNK_FRAMES, ws, out);
    }

    /** All of samples -> new conv features, with an explicit chunk size (tests use small ones). */
    float[] forward(float[] samples, int chunkFrames, Workspace ws) {
        float[] out = new float[outLength(samples.length) * channels()];
        forward(samples, samples.length, chunkFrames, ws, out);
        return out;
    }

    /**
     * Buffers of one conv stack pass, reused across calls (grown when too small); sized by the
     * chunk, not by the input length.
     */
    static final class Scratch {
        private int[] rows = new int[0];
        private int[] start = new int[0];
        private int[] len = new int[0];
        private float[][] buf = new float[0][];
        private double[] mean = new double[0];
        private double[] var = new double[0];
        private double[] windowWork = new double[0];
        private float[] scale = new float[0];
        private float[] shift = new float[0];
        private final WinogradConv1d.Buffers winograd = new WinogradConv1d.Buffers();
    }

    private void forward(float[] samples, int nSamples, int chunkFrames, Workspace ws, float[] out) {
        Scratch s = ws.features;
        int n = layers.length;
        int total = outLength(nSamples);
        int chunk = Math.min(chunkFrames, total);
        if (s.rows.length != n) {
            s.rows = new int[n];
            s.start = new int[n];
            s.len = new int[n];
            s.buf = new float[n - 1][0];
        }
        // Rows layer i produces for one chunk of final frames (a ragged last chunk needs fewer).
        int[] rows = s.rows;
        rows[n - 1] = chunk;
        for (int i = n - 1; i > 0; i--) {
            rows[i - 1] = (rows[i] - 1) * layers[i].stride + layers[i].kernel;
        }
        for (int i = 0; i < n - 1; i++) {
            s.buf[i] = ScratchArrays.atLeast(s.buf[i], rows[i] * layers[i].cOut);
        }
        if (layers[0].norm == Norm.GROUP) {
            groupStats(samples, nSamples, ws);
        }
        int[] start = s.start;
        int[] len = s.len;
        for (int f0 = 0; f0 < total; f0 += chunk) {
            // Output rows [start, start + len) of each layer for final frames [f0, f0 + chunk), back to front.
            start[n - 1] = f0;
            len[n - 1] = Math.min(chunk, total - f0);
            for (int i = n - 1; i > 0; i--) {
                start[i - 1] = start[i] * layers[i].stride;
                len[i - 1] = (len[i] - 1) * layers[i].stride + layers[i].kernel;
            }
            float[] x = samples;
            int xRow = start[0] * layers[0].stride;
            for (int i = 0; i < n; i++) {
                // The last layer writes straight into the result, the others into their chunk buffer.
                float[] y = i == n - 1 ? out : s.buf[i];
                int yOff = i == n - 1 ? f0 * channels() : 0;
                layers[i].conv(x, xRow, len[i], y, yOff, ws);
                layers[i].normActivate(y, yOff, len[i], ws);
                x = y;
                xRow = 0;
            }
        }
    }

    /**
     * Layer 0's GroupNorm (one group per channel, torch's population variance) as one float scale
     * and shift per channel in ws.features: y' = y * scale + shift.
     */
    private void groupStats(float[] samples, int nSamples, Workspace ws) {
        Scratch s = ws.features;
        ConvLayer l = layers[0];
        s.mean = ScratchArrays.atLeast(s.mean, l.cOut);
        s.var = ScratchArrays.atLeast(s.var, l.cOut);
        s.scale = ScratchArrays.atLeast(s.scale, l.cOut);
        s.shift = ScratchArrays.atLeast(s.shift, l.cOut);
        int width = l.kernel * l.cIn;
        s.windowWork = ScratchArrays.atLeast(s.windowWork, (long) width * (width + 2));
        windowStats(samples, l.outLength(nSamples), l.stride * l.cIn, width, l.windowWeight, l.bias, l.cOut, s.mean,
                s.var, s.windowWork);
        for (int c = 0; c < l.cOut; c++) {
            double sc = l.normWeight[c] / Math.sqrt(s.var[c] + CONV_NORM_EPS);
            s.scale[c] = (float) sc;
            s.shift[c] = (float) (l.normBias[c] - s.mean[c] * sc);
        }
    }

    /**
     * Per output channel c, the mean and population variance over t in [0, windows) of
     * y[t][c] = bias[c] + w[c] . x[t stride, t stride + width), w = weight[c width, (c + 1) width),
     * bias may be null. As y is linear in the window, mean[c] = bias[c] + w . mu and var[c] = w^T S w
     * with mu and S the windows' mean and covariance: O(T width^2) in double instead of the
     * O(T width C_out) of computing y (for wav2vec2's layer 0, width 10 and C_out 512). Two passes
     * (centred products), so a DC offset in x costs no precision. work holds width (width + 2)
     * doubles: mu, one centred window, then S.
     */
    static void windowStats(float[] x, int windows, int stride, int width, float[] weight, float[] bias, int cOut,
            double[] mean, double[] var, double[] work) {
        int d = width;
        int cov = 2 * width;
        Arrays.fill(work, 0, width * (width + 2), 0);
        for (int t = 0; t < windows; t++) {
            for (int j = 0, o = t * stride; j < width; j++) {
                work[j] += x[o + j];
            }
        }
        for (int j = 0; j < width; j++) {
            work[j] /= windows;
        }
        for (int t = 0; t < windows; t++) {
            for (int j = 0, o = t * stride; j < width; j++) {
                work[d + j] = x[o + j] - work[j];
            }
            for (int j = 0; j < width; j++) {
                for (int k = 0; k <= j; k++) {
                    work[cov + j * width + k] += work[d + j] * work[d + k];
                }
            }
        }
        for (int j = 0; j < width; j++) {
            for (int k = 0; k <= j; k++) {
                work[cov + j * width + k] /= windows;
                work[cov + k * width + j] = work[cov + j * width + k];
            }
        }
        for (int c = 0; c < cOut; c++) {
            int w0 = c * width;
            double m = bias == null ? 0 : bias[c];
            double v = 0;
            for (int j = 0; j < width; j++) {
                m += weight[w0 + j] * work[j];
                double sw = 0;
                for (int k = 0; k < width; k++) {
                    sw += work[cov + j * width + k] * weight[w0 + k];
                }
                v += weight[w0 + j] * sw;
            }
            mean[c] = m;
            // S is positive semi-definite; only rounding could take the quadratic form below zero.
            var[c] = Math.max(v, 0);
        }
    }

    /** (C_out, C_in, K) -> r = [C_out][K][C_in], the order of a frames-major im2col row; returns r. */
    static float[] tapsMajor(float[] w, int cOut, int cIn, int k, float[] r) {
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
