package org.greenspoof.model;

import org.greenspoof.checkpoint.EncoderConfig;
import org.greenspoof.kernels.FastFirConv1d;
import org.greenspoof.kernels.ThreadPool;

/**
 * Mirrors transformers' {@code Wav2Vec2PositionalConvEmbedding} (shared by HuBERT and WavLM): a
 * grouped Conv1d(H, H, K, padding K/2, groups G) under weight norm with dim=2, then
 * {@code Wav2Vec2SamePadLayer} (drops the last frame when K is even) and GELU. The output is what
 * the encoder adds to its input.
 */
final class Wav2Vec2PositionalConvEmbedding {

    final int hidden;
    final int kernel;
    final int groups;
    final int perGroup;
    /**
     * Effective weight {@code g[k] * v[o,i,k] / ||v[:,:,k]||} from {@code conv.weight_g} (1, 1, K) and
     * {@code conv.weight_v} (H, H/G, K) (or their {@code parametrizations.weight.original0/1} names),
     * one convolution per group from its [H/G][K][H/G] taps, in the fast FIR form (a quarter fewer
     * multiply-adds than the direct product).
     */
    private final FastFirConv1d[] weight;
    /** {@code conv.bias} (H), split per group. */
    private final float[][] bias;

    /** w: {@code encoder.pos_conv_embed}. */
    Wav2Vec2PositionalConvEmbedding(Weights w, EncoderConfig cfg) {
        hidden = cfg.hiddenSize();
        kernel = cfg.numConvPosEmbeddings();
        groups = cfg.numConvPosEmbeddingGroups();
        perGroup = hidden / groups;
        float[] g = w.tensor("conv.weight_g", 1, 1, kernel);
        float[] v = w.scratchTensor("conv.weight_v", hidden, perGroup, kernel);
        float[] b = w.tensor("conv.bias", hidden);
        if (!w.reads()) {
            weight = null;
            bias = null;
            return;
        }
        // Weight norm with dim=2: the norm runs over all output and input channels of one tap.
        double[] scale = new double[kernel];
        for (int i = 0; i < hidden * perGroup * kernel; i++) {
            scale[i % kernel] += (double) v[i] * v[i];
        }
        for (int k = 0; k < kernel; k++) {
            scale[k] = g[k] / Math.sqrt(scale[k]);
        }
        weight = new FastFirConv1d[groups];
        bias = new float[groups][perGroup];
        for (int gi = 0; gi < groups; gi++) {
            float[] wg = w.scratch(perGroup * kernel * perGroup);
            for (int o = 0; o < perGroup; o++) {
                int oc = gi * perGroup + o;
                for (int c = 0; c < perGroup; c++) {
                    for (int k = 0; k < kernel; k++) {
                        wg[(o * kernel + k) * perGroup + c] = (float) (v[(oc * perGroup + c) * kernel + k] * scale[k]);
                    }
                }
                bias[gi][o] = b[oc];
            }
            weight[gi] = new FastFirConv1d(w.kernels(), wg, perGroup, perGroup, kernel);
        }
    }

    /** Multiply-adds x 2 for t frames of the direct convolution (what the references compute). */
    double flops(int t) {
        return 2.0 * t * hidden * kernel * perGroup;
    }

    /** Floats of one group's padded input for t frames (the workspace sizes its buffers with this). */
    int paddedLength(int t) {
        return (t + kernel - 1) * perGroup;
    }

    /**
     * x [T][H] -> out [T][H] = GELU(conv(x)) with the frame alignment of the padded, trimmed conv.
     * The groups are split over the threads, each part with its own buffers.
     */
    void forward(float[] x, int t, float[] out, Workspace ws) {
        GroupJob job = ws.posConv;
        job.set(this, x, t, out, ws);
        try {
            ThreadPool.shared().run(Math.min(groups, ws.parts), job);
        } finally {
            job.set(null, null, 0, null, null);
        }
        ws.kernels.gelu(out, 0, t * hidden);
    }

    /** One caller's reusable job (held by its workspace): part p does groups p, p + parts, ... */
    static final class GroupJob implements ThreadPool.Task {
        private Wav2Vec2PositionalConvEmbedding conv;
        private float[] x;
        private int t;
        private float[] out;
        private Workspace ws;

        void set(Wav2Vec2PositionalConvEmbedding conv, float[] x, int t, float[] out, Workspace ws) {
            this.conv = conv;
            this.x = x;
            this.t = t;
            this.out = out;
            this.ws = ws;
        }

        @Override
        public void run(int part, int parts) {
            for (int gi = part; gi < conv.groups; gi += parts) {
                conv.group(gi, x, t, out, ws, part);
            }
        }
    }

    /**
     * One group, in part's buffers of ws: its channels copied into a zero-padded [pad + T + pad][C/G]
     * buffer, in which the window of output frame t is the run of K rows from row t; the fast FIR
     * form writes the group's columns of out.
     */
    private void group(int gi, float[] x, int t, float[] out, Workspace ws, int part) {
        float[] padded = ws.posPadded[part];
        int pad = kernel / 2;
        int c0 = gi * perGroup;
        java.util.Arrays.fill(padded, 0, pad * perGroup, 0f);
        for (int r = 0; r < t; r++) {
            System.arraycopy(x, r * hidden + c0, padded, (pad + r) * perGroup, perGroup);
        }
        // Rows past the end: up to kernel - 1 - pad of them are read by the last windows.
        java.util.Arrays.fill(padded, (pad + t) * perGroup, (t + kernel - 1) * perGroup, 0f);
        weight[gi].conv(ws.kernels, padded, 0, t, bias[gi], out, c0, hidden, ws.posFir[part]);
    }
}
