package org.greenspoof.model;

import java.io.IOException;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.checkpoint.EncoderConfig;
import org.greenspoof.kernels.Kernels;

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
    /** {@code encoder.layer_norm.{weight,bias}} (H). */
    final LayerNorm layerNorm;
    final Wav2Vec2EncoderLayer[] layers;
    private final int heads;
    private final int intermediate;

    Wav2Vec2Encoder(Checkpoint ck, EncoderConfig cfg, Kernels kernels) throws IOException {
        stable = cfg.doStableLayerNorm();
        hidden = cfg.hiddenSize();
        heads = cfg.numAttentionHeads();
        intermediate = cfg.intermediateSize();
        numLayers = cfg.numHiddenLayers();
        posConvEmbed = new Wav2Vec2PositionalConvEmbedding(ck, cfg, kernels);
        layerNorm = new LayerNorm(ck, "encoder.layer_norm", hidden, cfg.layerNormEps());
        layers = new Wav2Vec2EncoderLayer[numLayers];
        for (int n = 0; n < numLayers; n++) {
            layers[n] = new Wav2Vec2EncoderLayer(ck, cfg, n, kernels);
        }
    }

    /**
     * Runs layers 1..maxLayer on the projected features x [T][H] (overwritten) and hands each
     * hidden state to the sink; nothing above maxLayer is computed. posConv (may be null) receives
     * the positional conv output.
     */
    void forward(float[] x, int t, int maxLayer, float[] posConv, Sink sink, Kernels kernels, int qTile, int kTile) {
        float[] pos = posConv != null ? posConv : new float[t * hidden];
        posConvEmbed.forward(x, t, kernels, pos);
        for (int i = 0; i < t * hidden; i++) {
            x[i] += pos[i];
        }
        if (!stable) {
            layerNorm.apply(x, 0, t, x, 0);
        }
        sink.accept(0, x, t);
        if (maxLayer == 0) {
            return;
        }
        Workspace ws = new Workspace(t, hidden, heads, intermediate, Math.min(qTile, t), Math.min(kTile, t), FF_ROWS);
        float[] bias = null;
        for (int n = 1; n <= maxLayer; n++) {
            bias = layers[n - 1].forward(x, t, bias, ws, kernels, Math.min(qTile, t), Math.min(kTile, t));
            if (stable && n == numLayers) {
                layerNorm.apply(x, 0, t, x, 0);
            }
            sink.accept(n, x, t);
        }
    }
}
