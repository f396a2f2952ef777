package org.greenspoof.model;

/**
 * Mirrors transformers' {@code WavLMAttention}: {@link Wav2Vec2Attention} plus a gated relative
 * position bias. Layer 0 owns the bucketed bias table ({@code rel_attn_embed}) and hands the
 * ungated bias to every later layer; each layer gates it per head and query frame with
 * {@code gate = a (b c_h - 1) + 2}, where (a, b) = sigmoid of the two sums of 4 of the 8 outputs
 * of {@code gru_rel_pos_linear} applied to that head's slice of the attention input.
 */
final class WavLMAttention extends Wav2Vec2Attention {

    private final int numBuckets;
    private final int maxDistance;
    /** {@code encoder.layers.0.attention.rel_attn_embed.weight} (num_buckets, nh); null above layer 0. */
    private final float[] relAttnEmbed;
    /** {@code encoder.layers.{n}.attention.gru_rel_pos_linear}: Linear(d, 8). */
    private final Linear gruLinear;
    /** {@code encoder.layers.{n}.attention.gru_rel_pos_const} (1, nh, 1, 1). */
    private final float[] gruConst;

    /** w: {@code encoder.layers.{n}.attention}. */
    WavLMAttention(Weights w, int hidden, int heads, int numBuckets, int maxDistance, boolean hasRelativeBias) {
        super(w, hidden, heads);
        this.numBuckets = numBuckets;
        this.maxDistance = maxDistance;
        relAttnEmbed = hasRelativeBias ? w.tensor("rel_attn_embed.weight", numBuckets, heads) : null;
        gruLinear = Linear.read(w, "gru_rel_pos_linear", 8, headDim);
        gruConst = w.tensor("gru_rel_pos_const", 1, heads, 1, 1);
    }

    @Override
    float[] forward(float[] x, int t, float[] relBias, float[] out, Workspace ws, int qTile, int kTile) {
        float[] bias = relBias != null ? relBias : positionBias(t);
        project(x, t, ws);
        // x [T][H] read as [T*nh][d]: one gate input per (frame, head).
        gruLinear.apply(x, 0, t * heads, ws.gateRaw, 0, ws);
        for (int i = 0; i < t; i++) {
            for (int h = 0; h < heads; h++) {
                int o = (i * heads + h) * 8;
                float sa = ws.gateRaw[o] + ws.gateRaw[o + 1] + ws.gateRaw[o + 2] + ws.gateRaw[o + 3];
                float sb = ws.gateRaw[o + 4] + ws.gateRaw[o + 5] + ws.gateRaw[o + 6] + ws.gateRaw[o + 7];
                double a = sigmoid(sa);
                double b = sigmoid(sb);
                ws.gate[h * t + i] = (float) (a * (b * gruConst[h] - 1.0) + 2.0);
            }
        }
        attend(t, ws.gate, bias, ws, qTile, kTile);
        output(t, out, ws);
        return bias;
    }

    /** bias[h][rel + T - 1] = rel_attn_embed[bucket(rel)][h] for rel = key - query in [-(T-1), T-1]. */
    private float[] positionBias(int t) {
        if (relAttnEmbed == null) {
            throw new IllegalStateException("WavLM layer without rel_attn_embed received no position bias");
        }
        int span = 2 * t - 1;
        float[] bias = new float[heads * span];
        for (int r = 0; r < span; r++) {
            int bucket = bucket(r - (t - 1), numBuckets, maxDistance);
            for (int h = 0; h < heads; h++) {
                bias[h * span + r] = relAttnEmbed[bucket * heads + h];
            }
        }
        return bias;
    }

    /**
     * transformers' {@code _relative_positions_bucket}, with its float32 evaluation of the log branch:
     * half the buckets per direction, exact below half/2, logarithmic up to max_distance, then clamped.
     */
    static int bucket(int rel, int numBuckets, int maxDistance) {
        int half = numBuckets / 2;
        int out = rel > 0 ? half : 0;
        int a = Math.abs(rel);
        int maxExact = half / 2;
        if (a < maxExact) {
            return out + a;
        }
        float ratio = (float) a / maxExact;
        float lg = (float) Math.log(ratio);
        lg = lg / (float) Math.log((double) maxDistance / maxExact);
        lg = lg * (half - maxExact);
        int large = (int) (maxExact + lg);
        return out + Math.min(large, half - 1);
    }

    private static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }
}
