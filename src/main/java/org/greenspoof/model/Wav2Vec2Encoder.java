package org.greenspoof.model;

import org.greenspoof.checkpoint.EncoderConfig;

/**
 * Mirrors transformers' {@code Wav2Vec2Encoder} / {@code Wav2Vec2EncoderStableLayerNorm} (and the
 * HuBERT and WavLM encoders): positional conv added to the projected features, then the layers.
 * hidden_states[0] is {@code LN(x + pos)} in the post-LN layout and {@code x + pos} in the stable
 * one; hidden_states[n] is layer n's output, except that in the stable layout hidden_states[L]
 * alone carries the final {@code encoder.layer_norm}.
 */
final class Wav2Vec2Encoder {

    /** Receives hidden_states[n] ([T][H], valid only during the call). */
    interface Sink {
        void accept(int layer, float[] h, int t);
    }

    /** Rows per feed-forward tile. */
    private static final int FF_ROWS = 256;

    final boolean stable;
    final int hidden;
    final int numLayers;
    final Wav2Vec2PositionalConvEmbedding posConvEmbed;
    /** {@code layer_norm.{weight,bias}} (H). */
    final LayerNorm layerNorm;
    final Wav2Vec2EncoderLayer[] layers;
    private final int heads;
    private final int intermediate;

    /** w: {@code encoder}. */
    Wav2Vec2Encoder(Weights w, EncoderConfig cfg) {
        stable = cfg.doStableLayerNorm();
        hidden = cfg.hiddenSize();
        heads = cfg.numAttentionHeads();
        intermediate = cfg.intermediateSize();
        numLayers = cfg.numHiddenLayers();
        posConvEmbed = new Wav2Vec2PositionalConvEmbedding(w.pp("pos_conv_embed"), cfg);
        layerNorm = new LayerNorm(w.pp("layer_norm"), hidden, cfg.layerNormEps());
        Weights[] lw = w.list("layers", numLayers, "num_hidden_layers");
        layers = new Wav2Vec2EncoderLayer[numLayers];
        for (int n = 0; n < numLayers; n++) {
            layers[n] = new Wav2Vec2EncoderLayer(lw[n], cfg, n);
        }
    }

    /** Multiply-adds x 2 for t frames up to hidden state maxLayer (norms, activations and softmax not counted). */
    double flops(int t, int maxLayer) {
        double f = posConvEmbed.flops(t);
        for (int n = 0; n < maxLayer; n++) {
            f += layers[n].flops(t);
        }
        return f;
    }

    /** Rows per feed-forward tile (the workspace sizes its tile with this). */
    static int ffRows() {
        return FF_ROWS;
    }

    int heads() {
        return heads;
    }

    int intermediate() {
        return intermediate;
    }

    /**
     * Runs layers 1..maxLayer on the projected features x [T][H] (overwritten; ws.x or a caller's
     * array) and hands each hidden state to the sink; nothing above maxLayer is computed.
     * posSink (may be null) receives the positional conv output as layer 0.
     */
    void forward(float[] x, int t, int maxLayer, Sink posSink, Sink sink, Workspace ws, int qTile, int kTile) {
        float[] pos = ws.attnOut;
        posConvEmbed.forward(x, t, pos, ws);
        if (posSink != null) {
            posSink.accept(0, pos, t);
        }
        ws.kernels.axpy(1f, pos, 0, x, 0, t * hidden);
        if (!stable) {
            ws.norm.run(layerNorm, x, null, x, t);
        }
        sink.accept(0, x, t);
        float[] relBias = null;
        for (int n = 1; n <= maxLayer; n++) {
            relBias = layers[n - 1].forward(x, t, relBias, ws, Math.min(qTile, t), Math.min(kTile, t));
            if (stable && n == numLayers) {
                ws.norm.run(layerNorm, x, null, x, t);
            }
            sink.accept(n, x, t);
        }
    }
}
