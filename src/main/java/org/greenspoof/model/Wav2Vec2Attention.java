package org.greenspoof.model;

import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;
import org.greenspoof.kernels.ThreadPool;

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
    /** {@code {q,k,v}_proj} Linear(H, H) each, fused as Linear(H, 3H) with the q rows and bias pre-multiplied by d^-1/2. */
    private final Linear qkv;
    private final Linear outProj;

    /** w: {@code encoder.layers.{n}.attention}. */
    Wav2Vec2Attention(Weights w, int hidden, int heads) {
        this.hidden = hidden;
        this.heads = heads;
        this.headDim = hidden / heads;
        float scaling = (float) Math.pow(headDim, -0.5);
        float[] fused = w.reads() ? w.scratch(3 * hidden * hidden) : null;
        float[] fusedBias = w.reads() ? new float[3 * hidden] : null;
        String[] names = {"q_proj", "k_proj", "v_proj"};
        for (int p = 0; p < 3; p++) {
            float[] wp = w.scratchTensor(names[p] + ".weight", hidden, hidden);
            float[] bp = w.tensor(names[p] + ".bias", hidden);
            if (fused != null) {
                float s = p == 0 ? scaling : 1f;
                for (int i = 0; i < hidden * hidden; i++) {
                    fused[p * hidden * hidden + i] = wp[i] * s;
                }
                for (int i = 0; i < hidden; i++) {
                    fusedBias[p * hidden + i] = bp[i] * s;
                }
            }
        }
        qkv = new Linear(fused == null ? null : w.pack(fused, 3 * hidden, hidden), fusedBias);
        outProj = Linear.read(w, "out_proj", hidden, hidden);
    }

    /** Multiply-adds x 2 for t frames: the four projections and the two T x T products. */
    double flops(int t) {
        return 2.0 * t * hidden * 4.0 * hidden + 4.0 * t * t * hidden;
    }

    /**
     * x [T][H] -> out [T][H]. {@code relBias} is the ungated position bias handed down from layer 0
     * (WavLM) or null; the return value is the bias the next layer receives.
     */
    float[] forward(float[] x, int t, float[] relBias, float[] out, Workspace ws, int qTile, int kTile) {
        project(x, t, ws);
        attend(t, null, null, ws, qTile, kTile);
        output(t, out, ws);
        return relBias;
    }

    /**
     * softmax(q k^T + gate*bias) v per head from ws.qkv, the context written over q's slot in ws.qkv
     * (each head reads only its own slots, and writes after its last read); the heads are split over
     * the threads (each part with its own {@link Workspace.Head}, the kernels it calls then run
     * inline on that part's thread).
     */
    final void attend(int t, float[] gate, float[] relBias, Workspace ws, int qTile, int kTile) {
        AttendJob job = ws.attend.of(this);
        job.set(t, gate, relBias, ws, qTile, kTile);
        try {
            ThreadPool.shared().run(Math.min(heads, ws.parts), job);
        } finally {
            job.set(0, null, null, null, 0, 0);
        }
    }

    /** One caller's reusable attention job (held by its workspace): part p does heads p, p + parts, ... */
    static final class AttendJob implements ThreadPool.Task {
        private Wav2Vec2Attention attention;
        private int t;
        private float[] gate;
        private float[] relBias;
        private Workspace ws;
        private int qTile;
        private int kTile;

        void set(int t, float[] gate, float[] relBias, Workspace ws, int qTile, int kTile) {
            this.t = t;
            this.gate = gate;
            this.relBias = relBias;
            this.ws = ws;
            this.qTile = qTile;
            this.kTile = kTile;
        }

        AttendJob of(Wav2Vec2Attention a) {
            attention = a;
            return this;
        }

        @Override
        public void run(int part, int parts) {
            Workspace.Head hs = ws.heads[part];
            for (int h = part; h < attention.heads; h += parts) {
                attention.head(h, t, gate, relBias, ws, hs, qTile, kTile);
            }
        }
    }

    private void head(int h, int t, float[] gate, float[] relBias, Workspace ws, Workspace.Head hs, int qTile,
            int kTile) {
        Kernels kernels = ws.kernels;
        int d = headDim;
        int h3 = 3 * hidden;
        float[] qkvAll = ws.qkv;
        // This head's q, k and v are columns [h d, h d + d) of the q, k and v blocks of ws.qkv
        // (row stride 3H): q is read there, K and V tiles are packed from there, V from its
        // transpose (its rows are keys, the inner dimension of P.V), so nothing is copied.
        int qOff = h * d;
        int kOff = hidden + h * d;
        int vOff = 2 * hidden + h * d;
        java.util.Arrays.fill(hs.runMax, 0, t, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(hs.runSum, 0, t, 0f);
        java.util.Arrays.fill(hs.acc, 0, t * d, 0f);
        float[] scores = hs.scores;
        for (int j0 = 0; j0 < t; j0 += kTile) {
            int nk = Math.min(kTile, t - j0);
            PackedMatrix kp = hs.kPacked = kernels.pack(qkvAll, j0 * h3 + kOff, h3, nk, d, hs.kPacked);
            PackedMatrix vp = hs.vPacked = kernels.packTransposed(qkvAll, j0 * h3 + vOff, h3, d, nk, hs.vPacked);
            for (int i0 = 0; i0 < t; i0 += qTile) {
                int nq = Math.min(qTile, t - i0);
                kernels.linear(qkvAll, i0 * h3 + qOff, h3, nq, kp, null, scores, 0);
                for (int r = 0; r < nq; r++) {
                    int i = i0 + r;
                    int so = r * nk;
                    if (relBias != null) {
                        float g = gate[h * t + i];
                        int bo = h * (2 * t - 1) + (j0 - i) + t - 1;
                        kernels.axpy(g, relBias, bo, scores, so, nk);
                    }
                    float m = Math.max(hs.runMax[i], kernels.max(scores, so, nk));
                    float corr = (float) Math.exp(hs.runMax[i] - m);
                    float sum = kernels.expSum(scores, so, nk, m);
                    hs.runSum[i] = hs.runSum[i] * corr + sum;
                    hs.runMax[i] = m;
                    if (corr != 1f) {
                        for (int c = 0; c < d; c++) {
                            hs.acc[i * d + c] *= corr;
                        }
                    }
                }
                kernels.linear(scores, 0, nq, vp, null, hs.pv, 0);
                kernels.axpy(1f, hs.pv, 0, hs.acc, i0 * d, nq * d);
            }
        }
        for (int i = 0; i < t; i++) {
            float inv = 1f / hs.runSum[i];
            int o = i * h3 + qOff;
            for (int c = 0; c < d; c++) {
                qkvAll[o + c] = hs.acc[i * d + c] * inv;
            }
        }
    }

    final void project(float[] x, int t, Workspace ws) {
        qkv.apply(x, 0, t, ws.qkv, 0, ws);
    }

    final void output(int t, float[] out, Workspace ws) {
        // The context sits in the q columns of ws.qkv: rows of H read at a stride of 3H.
        outProj.apply(ws.qkv, 0, 3 * hidden, t, out, 0, ws);
    }
}
