package org.greenspoof.model;

import org.greenspoof.checkpoint.EncoderConfig;

/**
 * Mirrors transformers' {@code Wav2Vec2EncoderLayer} (post-LN: {@code h = LN1(h + Attn(h));
 * h = LN2(h + FF(h))}) and {@code Wav2Vec2EncoderLayerStableLayerNorm} (pre-LN:
 * {@code h = h + Attn(LN1(h)); h = h + FF(LN2(h))}), and the HuBERT / WavLM layers of both kinds.
 */
final class Wav2Vec2EncoderLayer {

    final boolean stable;
    final Wav2Vec2Attention attention;
    /** {@code layer_norm.{weight,bias}} (H). */
    final LayerNorm layerNorm;
    final Wav2Vec2FeedForward feedForward;
    /** {@code final_layer_norm.{weight,bias}} (H). */
    final LayerNorm finalLayerNorm;

    /** w: {@code encoder.layers.{n}}. */
    Wav2Vec2EncoderLayer(Weights w, EncoderConfig cfg, int n) {
        int hidden = cfg.hiddenSize();
        stable = cfg.doStableLayerNorm();
        attention = ModelFamily.of(cfg).attention(w.pp("attention"), cfg, n);
        layerNorm = new LayerNorm(w.pp("layer_norm"), hidden, cfg.layerNormEps());
        feedForward = new Wav2Vec2FeedForward(w.pp("feed_forward"), hidden, cfg.intermediateSize());
        finalLayerNorm = new LayerNorm(w.pp("final_layer_norm"), hidden, cfg.layerNormEps());
    }

    double flops(int t) {
        return attention.flops(t) + feedForward.flops(t);
    }

    /** Updates h [T][H] in place; returns the (WavLM) position bias for the next layer. */
    float[] forward(float[] h, int t, float[] relBias, Workspace ws, int qTile, int kTile) {
        float[] bias;
        if (stable) {
            ws.norm.run(layerNorm, h, null, ws.normed, t);
            bias = attention.forward(ws.normed, t, relBias, ws.attnOut, ws, qTile, kTile);
            ws.norm.run(finalLayerNorm, h, ws.attnOut, ws.normed, t);
            feedForward.addTo(ws.normed, t, h, ws);
        } else {
            bias = attention.forward(h, t, relBias, ws.attnOut, ws, qTile, kTile);
            ws.norm.run(layerNorm, h, ws.attnOut, h, t);
            feedForward.addTo(h, t, h, ws);
            ws.norm.run(finalLayerNorm, h, null, h, t);
        }
        return bias;
    }
}
