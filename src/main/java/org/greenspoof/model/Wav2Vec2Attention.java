package org.greenspoof.model;

import java.io.IOException;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;

/**
 * Mirrors transformers' {@code Wav2Vec2Attention} (HuBERT's is the same): multi-head self-attention
 * with q scaled by d^-1/2 (bias included), heads = contiguous chunks of d = H/nh features.
 *
 * <p>Attention runs in tiles with an online softmax (running max and sum per query), key tiles
 * outermost so each K/V tile is packed once; memory is linear in T and the result equals the
 * whole-utterance softmax up to float rounding. An optional additive bias (WavLM) is
 * {@code gate[h][i] * relBias[h][j - i + T - 1]}.
 */
class Wav2Vec2Attention {

    final int hidden;
    final int heads;
    final int headDim;
    /**
     * {@code encoder.layers.{n}.attention.{q,k,v}_proj.weight} (H, H) each, fused as [3H][H] with
     * the q rows pre-multiplied by d^-1/2.
     */
    private final PackedMatrix qkv;
    /** {@code encoder.layers.{n}.attention.{q,k,v}_proj.bias} (H) each, fused; q part scaled. */
    private final float[] qkvBias;
    /** {@code encoder.layers.{n}.attention.out_proj.weight} (H, H). */
    private final PackedMatrix outProj;
    /** {@code encoder.layers.{n}.attention.out_proj.bias} (H). */
    private final float[] outBias;

    Wav2Vec2Attention(Checkpoint ck, String prefix, int hidden, int heads, Kernels kernels) throws IOException {
        this.hidden = hidden;
        this.heads = heads;
        this.headDim = hidden / heads;
        float scaling = (float) Math.pow(headDim, -0.5);
        float[] w = new float[3 * hidden * hidden];
        qkvBias = new float[3 * hidden];
        String[] names = {"q_proj", "k_proj", "v_proj"};
        for (int p = 0; p < 3; p++) {
            float[] wp = ck.tensor(prefix + names[p] + ".weight", hidden, hidden);
            float[] bp = ck.tensor(prefix + names[p] + ".bias", hidden);
            float s = p == 0 ? scaling : 1f;
            for (int i = 0; i < wp.length; i++) {
                w[p * hidden * hidden + i] = wp[i] * s;
            }
            for (int i = 0; i < hidden; i++) {
                qkvBias[p * hidden + i] = bp[i] * s;
            }
        }
        qkv = kernels.pack(w, 3 * hidden, hidden);
        outProj = kernels.pack(ck.tensor(prefix + "out_proj.weight", hidden, hidden), hidden, hidden);
        outBias = ck.tensor(prefix + "out_proj.bias", hidden);
    }

    /**
     * x [T][H] -> out [T][H]. {@code relBias} is the ungated position bias handed down from layer 0
     * (WavLM) or null; the return value is the bias the next layer receives.
     */
    float[] forward(float[] x, int t, float[] relBias, float[] out, Workspace ws, Kernels kernels, int qTile, int kTile) {
        project(x, t, ws, kernels);
        attend(t, null, null, ws, kernels, qTile, kTile);
        output(t, out, ws, kernels);
        return relBias;
    }

    /** softmax(q k^T + gate*bias) v per head from ws.qkv into ws.context. */
    final void attend(int t, float[] gate, float[] relBias, Workspace ws, Kernels kernels, int qTile, int kTile) {
        int d = headDim;
        int h3 = 3 * hidden;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                int row = i * h3 + h * d;
                System.arraycopy(ws.qkv, row, ws.qHead, i * d, d);
                System.arraycopy(ws.qkv, row + hidden, ws.kHead, i * d, d);
                for (int c = 0; c < d; c++) {
                    ws.vHeadT[c * t + i] = ws.qkv[row + 2 * hidden + c];
                }
            }
            java.util.Arrays.fill(ws.runMax, 0, t, Float.NEGATIVE_INFINITY);
            java.util.Arrays.fill(ws.runSum, 0, t, 0f);
            java.util.Arrays.fill(ws.acc, 0, t * d, 0f);
            for (int j0 = 0; j0 < t; j0 += kTile) {
                int nk = Math.min(kTile, t - j0);
                System.arraycopy(ws.kHead, j0 * d, ws.kTile, 0, nk * d);
                for (int c = 0; c < d; c++) {
                    System.arraycopy(ws.vHeadT, c * t + j0, ws.vTile, c * nk, nk);
                }
                PackedMatrix kp = kernels.pack(ws.kTile, nk, d);
                PackedMatrix vp = kernels.pack(ws.vTile, d, nk);
                for (int i0 = 0; i0 < t; i0 += qTile) {
                    int nq = Math.min(qTile, t - i0);
                    kernels.linear(ws.qHead, i0 * d, nq, kp, null, ws.scores, 0);
                    for (int r = 0; r < nq; r++) {
                        int i = i0 + r;
                        int so = r * nk;
                        if (relBias != null) {
                            float g = gate[h * t + i];
                            int bo = h * (2 * t - 1) + (j0 - i) + t - 1;
                            for (int c = 0; c < nk; c++) {
                                ws.scores[so + c] += g * relBias[bo + c];
                            }
                        }
                        float m = Math.max(ws.runMax[i], kernels.max(ws.scores, so, nk));
                        float corr = (float) Math.exp(ws.runMax[i] - m);
                        float sum = kernels.expSum(ws.scores, so, nk, m);
                        ws.runSum[i] = ws.runSum[i] * corr + sum;
                        ws.runMax[i] = m;
                        if (corr != 1f) {
                            for (int c = 0; c < d; c++) {
                                ws.acc[i * d + c] *= corr;
                            }
                        }
                    }
                    kernels.linear(ws.scores, 0, nq, vp, null, ws.pv, 0);
                    for (int k = 0; k < nq * d; k++) {
                        ws.acc[i0 * d + k] += ws.pv[k];
                    }
                }
            }
            for (int i = 0; i < t; i++) {
                float inv = 1f / ws.runSum[i];
                for (int c = 0; c < d; c++) {
                    ws.context[i * hidden + h * d + c] = ws.acc[i * d + c] * inv;
                }
            }
        }
    }

    final void project(float[] x, int t, Workspace ws, Kernels kernels) {
        kernels.linear(x, 0, t, qkv, qkvBias, ws.qkv, 0);
    }

    final void output(int t, float[] out, Workspace ws, Kernels kernels) {
        kernels.linear(ws.context, 0, t, outProj, outBias, out, 0);
    }
}
