package org.greenspoof.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The encoder fields of a Hugging Face {@code config.json} (mirrors transformers' {@code Wav2Vec2Config},
 * {@code HubertConfig} and {@code WavLMConfig}). A missing key takes the default of those classes'
 * constructors: 7 conv layers of 512 channels, kernels (10,3,3,3,3,2,2), strides (5,2,2,2,2,2,2), no
 * conv bias, group norm, GELU, post-LN encoder, hidden 768, 12 layers, 12 heads, intermediate 3072,
 * positional conv 128 taps in 16 groups, LayerNorm eps 1e-5; HuBERT's {@code feat_proj_layer_norm}
 * defaults to true (wav2vec2 and WavLM always have that LayerNorm); WavLM's buckets default to 320
 * with maximum distance 800 (0 and 0 for the other model types, which have no relative position bias).
 */
public record EncoderConfig(
        String modelType,
        int[] convDim,
        int[] convKernel,
        int[] convStride,
        boolean convBias,
        String featExtractNorm,
        String featExtractActivation,
        boolean doStableLayerNorm,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        int numConvPosEmbeddings,
        int numConvPosEmbeddingGroups,
        double layerNormEps,
        boolean featProjLayerNorm,
        int numBuckets,
        int maxBucketDistance) {

    // Sane ranges, checked before anything is sized from the config. The largest published model of
    // the family (XLS-R 2B: 48 layers, hidden 1920, intermediate 7680, 7 conv layers of 512, total
    // conv stride 320) sits far inside them; a forged num_hidden_layers of 2^31 made inspect build
    // billions of expected shapes, and a huge conv_stride overflowed the frame arithmetic.
    /** Transformer layers: 5x the deepest published model. */
    static final int MAX_LAYERS = 256;
    /** hidden_size, conv_dim entries and intermediate_size: a weight matrix of at most 2^32 floats. */
    static final int MAX_WIDTH = 1 << 16;
    /** Conv feature-encoder layers. */
    static final int MAX_CONV_LAYERS = 32;
    /** conv_kernel entries and num_conv_pos_embeddings (the released models use 10 and 128). */
    static final int MAX_KERNEL = 1024;
    /** Samples per output frame (product of conv_stride) and the receptive field: about 4 s at 16 kHz. */
    static final long MAX_SPAN = 1 << 16;
    /** WavLM num_buckets and max_bucket_distance (320 and 800 released). */
    static final int MAX_BUCKETS = 1 << 16;

    public EncoderConfig {
        if (convDim.length > MAX_CONV_LAYERS) {
            throw new IllegalArgumentException("at most " + MAX_CONV_LAYERS + " conv layers, found " + convDim.length);
        }
        checkRange("hidden_size", hiddenSize, MAX_WIDTH);
        checkRange("num_hidden_layers", numHiddenLayers, MAX_LAYERS);
        checkRange("intermediate_size", intermediateSize, MAX_WIDTH);
        checkRange("num_conv_pos_embeddings", numConvPosEmbeddings, MAX_KERNEL);
        if (numBuckets > MAX_BUCKETS || maxBucketDistance > MAX_BUCKETS) {
            throw new IllegalArgumentException("num_buckets and max_bucket_distance of at most " + MAX_BUCKETS + ", found "
                    + numBuckets + " and " + maxBucketDistance);
        }
        if (!(layerNormEps > 0 && layerNormEps < 1)) {
            throw new IllegalArgumentException("layer_norm_eps: expected a number in (0, 1), found " + layerNormEps);
        }
        if (convDim.length == 0 || convDim.length != convKernel.length || convDim.length != convStride.length) {
            throw new IllegalArgumentException("conv_dim, conv_kernel and conv_stride must have the same non-zero length, found "
                    + convDim.length + ", " + convKernel.length + ", " + convStride.length);
        }
        if (!featExtractNorm.equals("group") && !featExtractNorm.equals("layer")) {
            throw new IllegalArgumentException("feat_extract_norm must be 'group' or 'layer', found '" + featExtractNorm + "'");
        }
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads);
        }
        if (numConvPosEmbeddingGroups <= 0 || hiddenSize % numConvPosEmbeddingGroups != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_conv_pos_embedding_groups "
                    + numConvPosEmbeddingGroups);
        }
        long stride = 1, field = 1;
        for (int i = 0; i < convDim.length; i++) {
            checkRange("conv_dim", convDim[i], MAX_WIDTH);
            checkRange("conv_kernel", convKernel[i], MAX_KERNEL);
            checkRange("conv_stride", convStride[i], (int) MAX_SPAN);
            field += (convKernel[i] - 1) * stride;
            stride *= convStride[i];
            if (stride > MAX_SPAN || field > MAX_SPAN) {
                throw new IllegalArgumentException("conv_kernel " + Arrays.toString(convKernel) + " and conv_stride "
                        + Arrays.toString(convStride) + ": expected a total stride and receptive field of at most "
                        + MAX_SPAN + " samples");
            }
        }
        convDim = convDim.clone();
        convKernel = convKernel.clone();
        convStride = convStride.clone();
    }

    private static void checkRange(String key, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(key + ": expected 1 to " + max + ", found " + value);
        }
    }

    /**
     * Reads {@code config.json}; a {@code model_type} not among {@code families} or an inconsistent
     * field is a clear error.
     */
    public static EncoderConfig load(Path configJson, List<ConfigFamily> families) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(configJson);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(configJson + ": no config.json (download it with the weights)");
        }
        JsonNode root = JsonBinding.readObject(configJson, bytes, "a JSON config");
        try {
            return fromJson(root, families);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code config.json} as {@link JsonBinding} binds it: every field this engine reads, at the
     * defaults of transformers' config constructors; the family-owned fields start unset. The
     * record's constructor checks the ranges.
     */
    static final class Fields {
        public String modelType;
        public int[] convDim = {512, 512, 512, 512, 512, 512, 512};
        public int[] convKernel = {10, 3, 3, 3, 3, 2, 2};
        public int[] convStride = {5, 2, 2, 2, 2, 2, 2};
        public boolean convBias;
        public String featExtractNorm = "group";
        public String featExtractActivation = "gelu";
        public boolean doStableLayerNorm;
        public int hiddenSize = 768;
        public int numHiddenLayers = 12;
        public int numAttentionHeads = 12;
        public int intermediateSize = 3072;
        public String hiddenAct = "gelu";
        public int numConvPosEmbeddings = 128;
        public int numConvPosEmbeddingGroups = 16;
        public double layerNormEps = 1e-5;
        public boolean convPosBatchNorm;
        public Boolean featProjLayerNorm;
        public Integer numBuckets;
        public Integer maxBucketDistance;
    }

    static EncoderConfig fromJson(JsonNode j, List<ConfigFamily> families) {
        Fields f = JsonBinding.bind(j, Fields.class);
        Map<String, Object> own = ConfigFamily.of(f.modelType, families).ownFields();
        if (f.convPosBatchNorm) {
            throw new IllegalArgumentException("conv_pos_batch_norm: true (batch-normalised positional conv) is not supported");
        }
        // Fields another family owns keep their neutral value: a LayerNorm, no position buckets.
        return new EncoderConfig(f.modelType, f.convDim, f.convKernel, f.convStride, f.convBias, f.featExtractNorm,
                f.featExtractActivation, f.doStableLayerNorm, f.hiddenSize, f.numHiddenLayers, f.numAttentionHeads,
                f.intermediateSize, f.hiddenAct, f.numConvPosEmbeddings, f.numConvPosEmbeddingGroups, f.layerNormEps,
                (Boolean) owned(own, "feat_proj_layer_norm", f.featProjLayerNorm, true),
                (Integer) owned(own, "num_buckets", f.numBuckets, 0),
                (Integer) owned(own, "max_bucket_distance", f.maxBucketDistance, 0));
    }

    /** A family-owned field: its value, else the family's default; {@code neutral} for other families. */
    private static Object owned(Map<String, Object> own, String key, Object value, Object neutral) {
        if (value instanceof Integer i && i <= 0 && own.containsKey(key)) {
            throw new IllegalArgumentException(key + ": expected a positive integer, found " + i);
        }
        return !own.containsKey(key) ? neutral : value != null ? value : own.get(key);
    }

    /** "large" for the pre-LN (stable layer norm) layout of the large / XLS-R checkpoints, else "base". */
    public String layout() {
        return doStableLayerNorm ? "large" : "base";
    }

    @Override
    public int[] convDim() {
        return convDim.clone();
    }

    @Override
    public int[] convKernel() {
        return convKernel.clone();
    }

    @Override
    public int[] convStride() {
        return convStride.clone();
    }

    @Override
    public String toString() {
        return modelType + " (" + layout() + " layout): conv " + Arrays.toString(convDim) + " kernels " + Arrays.toString(convKernel)
                + " strides " + Arrays.toString(convStride) + (convBias ? " with bias" : "") + ", " + featExtractNorm + " norm, "
                + featExtractActivation + "; hidden " + hiddenSize + ", " + numHiddenLayers + " layers, " + numAttentionHeads
                + " heads, intermediate " + intermediateSize + ", " + hiddenAct + "; pos conv " + numConvPosEmbeddings + " taps / "
                + numConvPosEmbeddingGroups + " groups; layer_norm_eps " + layerNormEps
                + (featProjLayerNorm ? "" : "; no feature-projection LayerNorm")
                + (numBuckets > 0 ? "; relative position buckets " + numBuckets + " / max distance " + maxBucketDistance : "");
    }
}
