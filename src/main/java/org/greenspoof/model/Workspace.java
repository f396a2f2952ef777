package org.greenspoof.model;

/**
 * Scratch buffers of one forward pass, sized once for its frame count and reused by every layer,
 * so the per-layer loops allocate nothing proportional to T.
 */
final class Workspace {

    /** A LayerNorm'd copy of the layer input (stable layout) and the attention output, [T][H] each. */
    final float[] normed;
    final float[] attnOut;
    /** Fused q|k|v projections, [T][3H]. */
    final float[] qkv;
    /** Per-head copies: q and k as [T][d], v transposed as [d][T]; context [T][H]. */
    final float[] qHead;
    final float[] kHead;
    final float[] vHeadT;
    final float[] context;
    /** Online-softmax state per query frame: running max, running sum, accumulated output [T][d]. */
    final float[] runMax;
    final float[] runSum;
    final float[] acc;
    /** One tile of scores [qTile][kTile], its P.V product [qTile][d], K tile [kTile][d], V^T tile [d][kTile]. */
    final float[] scores;
    final float[] pv;
    final float[] kTile;
    final float[] vTile;
    /** WavLM gate per head and frame, [nh][T], and its raw 8 outputs per (frame, head). */
    final float[] gate;
    final float[] gateRaw;
    /** Feed-forward intermediate for one row tile, [ffRows][I]. */
    final float[] ffInter;
    final float[] ffOut;
    final int ffRows;

    Workspace(int frames, int hidden, int heads, int intermediate, int qTile, int kTile, int ffRows) {
        int d = hidden / heads;
        normed = new float[frames * hidden];
        attnOut = new float[frames * hidden];
        qkv = new float[frames * 3 * hidden];
        qHead = new float[frames * d];
        kHead = new float[frames * d];
        vHeadT = new float[frames * d];
        context = new float[frames * hidden];
        runMax = new float[frames];
        runSum = new float[frames];
        acc = new float[frames * d];
        scores = new float[qTile * kTile];
        pv = new float[qTile * d];
        this.kTile = new float[kTile * d];
        vTile = new float[kTile * d];
        gate = new float[heads * frames];
        gateRaw = new float[frames * heads * 8];
        this.ffRows = Math.min(ffRows, frames);
        ffInter = new float[this.ffRows * intermediate];
        ffOut = new float[this.ffRows * hidden];
    }
}
