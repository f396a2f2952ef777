package org.greenspoof.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.greenspoof.checkpoint.EncoderConfig;

/**
 * The wav2vec2-family architectures this engine runs, one entry each (after Jlama's model-type
 * registry): the {@code model_type} of {@code config.json}, the key prefix of its task checkpoints
 * (transformers' {@code base_model_prefix}, which need not equal the model type: data2vec-audio's is
 * {@code data2vec_audio}), the config fields only this family has with their defaults, and the
 * modules in which it differs from wav2vec2. Adding a family is one entry here plus its own module
 * classes.
 */
public enum ModelFamily {

    WAV2VEC2("wav2vec2", "wav2vec2", Map.of()),

    /** {@code HubertFeatureProjection} has its LayerNorm only with {@code feat_proj_layer_norm}. */
    HUBERT("hubert", "hubert", Map.of("feat_proj_layer_norm", true)) {
        @Override
        boolean projectionLayerNorm(EncoderConfig cfg) {
            return cfg.featProjLayerNorm();
        }
    },

    /** {@code WavLMAttention}: a gated relative position bias whose bucket table layer 0 owns. */
    WAVLM("wavlm", "wavlm", Map.of("num_buckets", 320, "max_bucket_distance", 800)) {
        @Override
        Wav2Vec2Attention attention(Weights w, EncoderConfig cfg, int layer) {
            return new WavLMAttention(w, cfg.hiddenSize(), cfg.numAttentionHeads(), cfg.numBuckets(),
                    cfg.maxBucketDistance(), layer == 0);
        }
    };

    private final String modelType;
    private final String prefix;
    private final Map<String, Object> ownFields;

    ModelFamily(String modelType, String prefix, Map<String, Object> ownFields) {
        this.modelType = modelType;
        this.prefix = prefix;
        this.ownFields = ownFields;
    }

    /** {@code config.json}'s {@code model_type}. */
    public String modelType() {
        return modelType;
    }

    /** What task checkpoints ({@code *ForCTC}, {@code *ForPreTraining}) put before the bare keys, without the dot. */
    public String prefix() {
        return prefix;
    }

    /**
     * The config fields only this family reads, with the defaults of its transformers config class;
     * {@link EncoderConfig} leaves them at their neutral value for the other families.
     */
    public Map<String, Object> ownFields() {
        return ownFields;
    }

    /** The self-attention of encoder layer {@code layer}, w its {@code attention} scope. */
    Wav2Vec2Attention attention(Weights w, EncoderConfig cfg, int layer) {
        return new Wav2Vec2Attention(w, cfg.hiddenSize(), cfg.numAttentionHeads());
    }

    /** Whether the feature projection normalises the conv features first. */
    boolean projectionLayerNorm(EncoderConfig cfg) {
        return true;
    }

    /** The family of {@code modelType}; an unknown one is a clear error naming those supported. */
    public static ModelFamily of(String modelType) {
        for (ModelFamily f : values()) {
            if (f.modelType.equals(modelType)) {
                return f;
            }
        }
        throw new IllegalArgumentException("model_type '" + modelType + "' is not supported; expected one of " + modelTypes());
    }

    /** Every supported model_type, in registry order. */
    public static List<String> modelTypes() {
        return Arrays.stream(values()).map(ModelFamily::modelType).toList();
    }
}
