package org.greenspoof.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.greenspoof.checkpoint.ConfigFamily;
import org.greenspoof.checkpoint.EncoderConfig;

/**
 * The wav2vec2-family architectures this engine runs, one entry each (after Jlama's model-type
 * registry): the {@code model_type} of {@code config.json}, the key prefix of its task checkpoints
 * (transformers' {@code base_model_prefix}, which need not equal the model type: data2vec-audio's is
 * {@code data2vec_audio}), the config fields only this family has with their defaults, and the
 * modules in which it differs from wav2vec2. Adding a family is one entry here plus its own module
 * classes. The first three are the {@link ConfigFamily} the checkpoint reader is handed
 * ({@link #CONFIGS}), so that it knows no model.
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

    /** Every family's {@link #config()}, in registry order: what {@code Checkpoint.open} is handed. */
    public static final List<ConfigFamily> CONFIGS = Arrays.stream(values()).map(ModelFamily::config).toList();

    private final ConfigFamily config;

    ModelFamily(String modelType, String prefix, Map<String, Object> ownFields) {
        this.config = new ConfigFamily(modelType, prefix, ownFields);
    }

    /**
     * {@code config.json}'s {@code model_type}, the key prefix of task checkpoints ({@code *ForCTC},
     * {@code *ForPreTraining}) and the config fields only this family reads, with the defaults of its
     * transformers config class ({@link EncoderConfig} leaves them neutral for the other families).
     */
    public ConfigFamily config() {
        return config;
    }

    /** The self-attention of encoder layer {@code layer}, w its {@code attention} scope. */
    Wav2Vec2Attention attention(Weights w, EncoderConfig cfg, int layer) {
        return new Wav2Vec2Attention(w, cfg.hiddenSize(), cfg.numAttentionHeads());
    }

    /** Whether the feature projection normalises the conv features first. */
    boolean projectionLayerNorm(EncoderConfig cfg) {
        return true;
    }

    /** The family of a config, which {@code EncoderConfig.load} read against {@link #CONFIGS}. */
    public static ModelFamily of(EncoderConfig cfg) {
        return values()[CONFIGS.indexOf(ConfigFamily.of(cfg.modelType(), CONFIGS))];
    }
}
