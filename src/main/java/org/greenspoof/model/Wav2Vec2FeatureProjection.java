package org.greenspoof.model;

import org.greenspoof.checkpoint.EncoderConfig;

/**
 * Mirrors transformers' {@code Wav2Vec2FeatureProjection} / {@code HubertFeatureProjection}:
 * LayerNorm over the conv channels (HuBERT: only with {@code feat_proj_layer_norm}), then Linear to
 * the hidden size.
 */
final class Wav2Vec2FeatureProjection {

    final int in;
    final int out;
    /** {@code layer_norm.{weight,bias}} (C_last); null for HuBERT without it. */
    final LayerNorm layerNorm;
    private final Linear projection;

    /** w: {@code feature_projection}. */
    Wav2Vec2FeatureProjection(Weights w, EncoderConfig cfg, int in) {
        this.in = in;
        this.out = cfg.hiddenSize();
        if (ModelFamily.of(cfg).projectionLayerNorm(cfg)) {
            layerNorm = new LayerNorm(w.pp("layer_norm"), in, cfg.layerNormEps());
        } else {
            if (w.has("layer_norm.weight")) {
                throw new IllegalArgumentException("config.json says feat_proj_layer_norm: false but the checkpoint has "
                        + "feature_projection.layer_norm.weight");
            }
            layerNorm = null;
        }
        projection = Linear.read(w, "projection", out, in);
    }

    double flops(int t) {
        return 2.0 * t * in * out;
    }

    /**
     * features [T][C] -> projected [T][H], normalising the features in place first (they become
     * HF's {@code extract_features}; unchanged without a LayerNorm).
     */
    void forward(float[] features, int t, float[] projected, Workspace ws) {
        if (layerNorm != null) {
            ws.norm.run(layerNorm, features, null, features, t);
        }
        projection.apply(features, 0, t, projected, 0, ws);
    }
}
