package org.greenspoof.model;

import org.greenspoof.kernels.FastFirConv1d;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;
import org.greenspoof.kernels.ThreadPool;

/**
 * Every buffer of one forward pass, owned by one caller at a time (see {@link SpeechEncoder}'s
 * pool) and reused across utterances: {@link #ensure} grows the frame-sized buffers when a longer
 * input arrives and otherwise allocates nothing, so a steady stream of utterances allocates only
 * its results. Also holds the reusable parallel jobs, so that splitting work over the
 * {@link ThreadPool} allocates nothing either.
 *
 * <p>Holds the kernels (and so the thread count) of the encoder that owns it; every module of the
 * pass reads them here, as the modules hold only weights: packed for these kernels at load, and
 * shared by the copies {@link SpeechEncoder#withAttentionTile} makes.
 */
final class Workspace {

    final Kernels kernels;
    /** Threads the parallel passes use: the kernels', capped by the pool (a job's parts index {@link #heads}). */
    final int parts;

    /** Capacity in frames and in samples. */
    private int frames = -1;
    private int samples = -1;
    /** The normalised input samples. */
    float[] input = new float[0];
    /**
     * Encoder state [T][H]; the conv stack output [T][C] (normalised in place by the feature
     * projection's LayerNorm), which is dead once projected, and so shares its array with the
     * positional conv output / attention output [T][H] that come after.
     */
    float[] x;
    float[] conv;
    float[] attnOut;
    /** A LayerNorm'd copy of the layer input, [T][H]; only the stable (pre-LN) layout has one. */
    float[] normed;
    /** Fused q|k|v projections, [T][3H]; attention then writes its context over the q columns. */
    float[] qkv;
    /** WavLM gate per head and frame, [nh][T], and its raw 8 outputs per (frame, head). */
    float[] gate;
    float[] gateRaw;
    /** Feed-forward intermediate for one row tile, [ffRows][I], and its output [ffRows][H]. */
    float[] ffInter;
    float[] ffOut;
    int ffRows;
    /** Per-part attention scratch. */
    final Head[] heads;
    /** Per-part positional conv input (one group, padded) and the fast FIR buffers (grown on use). */
    final float[][] posPadded;
    final FastFirConv1d.Buffers[] posFir;
    /** Pooling sums (double, like the reference's accumulation), 2H. */
    double[] poolSum = new double[0];
    /** The conv stack's chunk buffers and GroupNorm statistics. */
    final Wav2Vec2FeatureEncoder.Scratch features = new Wav2Vec2FeatureEncoder.Scratch();

    final NormJob norm = new NormJob();
    final Wav2Vec2Attention.AttendJob attend = new Wav2Vec2Attention.AttendJob();
    final Wav2Vec2PositionalConvEmbedding.GroupJob posConv = new Wav2Vec2PositionalConvEmbedding.GroupJob();

    /** One part's attention buffers: the online-softmax state, a tile of scores and packed K and V tiles. */
    static final class Head {
        /** Running max and sum per query frame, accumulated output [T][d]. */
        float[] runMax;
        float[] runSum;
        float[] acc;
        /** One tile of scores [qTile][kTile] and its P.V product [qTile][d]. */
        float[] scores;
        float[] pv;
        /** K and V tiles packed for the kernels straight from the q/k/v projection, storage reused from tile to tile. */
        PackedMatrix kPacked;
        PackedMatrix vPacked;
    }

    Workspace(Kernels kernels) {
        this.kernels = kernels;
        parts = Math.max(1, Math.min(ThreadPool.shared().size(), kernels.threads()));
        heads = new Head[parts];
        posPadded = new float[parts][];
        posFir = new FastFirConv1d.Buffers[parts];
        for (int p = 0; p < parts; p++) {
            posFir[p] = new FastFirConv1d.Buffers();
        }
    }

    /**
     * Makes every buffer hold a forward of {@code t} frames from {@code n} samples through
     * {@code model} with attention tiles of {@code tile} rows; reallocates only when the input is
     * longer than any before (the model's sizes are fixed per encoder).
     */
    void ensure(int n, int t, Wav2Vec2Model model, int tile) {
        if (n > samples) {
            input = new float[n];
            samples = n;
        }
        if (t <= frames) {
            return;
        }
        Wav2Vec2Encoder enc = model.encoder;
        int channels = model.featureExtractor.channels();
        int hidden = enc.hidden;
        int heads = enc.heads();
        Wav2Vec2PositionalConvEmbedding pos = enc.posConvEmbed;
        // Tiles are capped by the frame count, so sizes only grow with it.
        int qTile = Math.min(tile, t);
        int kTile = qTile;
        int d = hidden / heads;
        x = new float[t * hidden];
        attnOut = new float[t * Math.max(hidden, channels)];
        conv = attnOut;
        normed = enc.stable ? new float[t * hidden] : null;
        qkv = new float[t * 3 * hidden];
        gate = new float[heads * t];
        gateRaw = new float[t * heads * 8];
        ffRows = Math.min(Wav2Vec2Encoder.ffRows(), t);
        ffInter = new float[ffRows * enc.intermediate()];
        ffOut = new float[ffRows * hidden];
        for (int p = 0; p < parts; p++) {
            Head h = new Head();
            h.runMax = new float[t];
            h.runSum = new float[t];
            h.acc = new float[t * d];
            h.scores = new float[qTile * kTile];
            h.pv = new float[qTile * d];
            this.heads[p] = h;
            posPadded[p] = new float[pos.paddedLength(t)];
        }
        frames = t;
    }

    /** Samples the buffers hold. */
    int samples() {
        return samples;
    }

    /**
     * Row-parallel over {@link #parts}: {@code x[r] += residual[r]} (when residual is not null),
     * then {@code y[r] = LN(x[r])}; y may be x.
     */
    final class NormJob implements ThreadPool.Task {
        private LayerNorm ln;
        private float[] x;
        private float[] residual;
        private float[] y;
        private int rows;

        void run(LayerNorm ln, float[] x, float[] residual, float[] y, int rows) {
            this.ln = ln;
            this.x = x;
            this.residual = residual;
            this.y = y;
            this.rows = rows;
            try {
                ThreadPool.shared().run(parts, this);
            } finally {
                this.x = null;
                this.residual = null;
                this.y = null;
            }
        }

        @Override
        public void run(int part, int parts) {
            int r0 = (int) ((long) rows * part / parts);
            int r1 = (int) ((long) rows * (part + 1) / parts);
            int dim = ln.dim;
            ln.apply(x, r0 * dim, residual, r1 - r0, y, r0 * dim, Workspace.this);
        }
    }
}
