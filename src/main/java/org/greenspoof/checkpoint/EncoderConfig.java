package org.greenspoof.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.greenspoof.io.JsonErrors;
import org.greenspoof.model.ModelFamily;

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

    /** The model types this engine runs ({@link ModelFamily}'s registry). */
    public static final List<String> MODEL_TYPES = ModelFamily.modelTypes();

    private static final ObjectMapper JSON = new ObjectMapper();

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
        ModelFamily.of(modelType);
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

    /** Reads {@code config.json}; an unknown {@code model_type} or an inconsistent field is a clear error. */
    public static EncoderConfig load(Path configJson) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(configJson);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(configJson + ": no config.json (download it with the weights)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) { // Jackson's, or a decoder's when the first bytes made it guess UTF-16/32
            throw new IOException(configJson + ": not valid JSON: " + JsonErrors.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(configJson + ": expected a JSON object");
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
        }
    }

    static EncoderConfig fromJson(JsonNode j) {
        JsonNode type = j.get("model_type");
        if (type == null || !type.isTextual()) {
            throw new IllegalArgumentException("no model_type; expected one of " + MODEL_TYPES);
        }
        String modelType = type.textValue();
        Map<String, Object> own = ModelFamily.of(modelType).ownFields();
        if (bool(j, "conv_pos_batch_norm", false)) {
            throw new IllegalArgumentException("conv_pos_batch_norm: true (batch-normalised positional conv) is not supported");
        }
        return new EncoderConfig(
                modelType,
                ints(j, "conv_dim", new int[] {512, 512, 512, 512, 512, 512, 512}),
                ints(j, "conv_kernel", new int[] {10, 3, 3, 3, 3, 2, 2}),
                ints(j, "conv_stride", new int[] {5, 2, 2, 2, 2, 2, 2}),
                bool(j, "conv_bias", false),
                text(j, "feat_extract_norm", "group"),
                text(j, "feat_extract_activation", "gelu"),
                bool(j, "do_stable_layer_norm", false),
                integer(j, "hidden_size", 768),
                integer(j, "num_hidden_layers", 12),
                integer(j, "num_attention_heads", 12),
                integer(j, "intermediate_size", 3072),
                text(j, "hidden_act", "gelu"),
                integer(j, "num_conv_pos_embeddings", 128),
                integer(j, "num_conv_pos_embedding_groups", 16),
                number(j, "layer_norm_eps", 1e-5),
                // Fields another family owns keep their neutral value: a LayerNorm, no position buckets.
                !own.containsKey("feat_proj_layer_norm") || bool(j, "feat_proj_layer_norm", (Boolean) own.get("feat_proj_layer_norm")),
                own.containsKey("num_buckets") ? integer(j, "num_buckets", (Integer) own.get("num_buckets")) : 0,
                own.containsKey("max_bucket_distance") ? integer(j, "max_bucket_distance", (Integer) own.get("max_bucket_distance")) : 0);
    }

    /** The architecture registry entry of {@link #modelType}. */
    public ModelFamily family() {
        return ModelFamily.of(modelType);
    }

    /** "large" for the pre-LN (stable layer norm) layout of the large / XLS-R checkpoints, else "base". */
    public String layout() {
        return doStableLayerNorm ? "large" : "base";
    }

    private static JsonNode present(JsonNode j, String key) {
        JsonNode v = j.get(key);
        return v == null || v.isNull() ? null : v;
    }

    private static int integer(JsonNode j, String key, int def) {
        JsonNode v = present(j, key);
        if (v == null) {
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() <= 0) {
            throw new IllegalArgumentException(key + ": expected a positive integer, found " + v);
        }
        return v.intValue();
    }

    private static int[] ints(JsonNode j, String key, int[] def) {
        JsonNode v = present(j, key);
        if (v == null) {
            return def;
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(key + ": expected an array of positive integers, found " + v);
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = v.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.intValue() <= 0) {
                throw new IllegalArgumentException(key + ": expected an array of positive integers, found " + v);
            }
            out[i] = e.intValue();
        }
        return out;
    }

    private static boolean bool(JsonNode j, String key, boolean def) {
        JsonNode v = present(j, key);
        if (v == null) {
            return def;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(key + ": expected true or false, found " + v);
        }
        return v.booleanValue();
    }

    private static String text(JsonNode j, String key, String def) {
        JsonNode v = present(j, key);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(key + ": expected a string, found " + v);
        }
        return v.textValue();
    }

    private static double number(JsonNode j, String key, double def) {
        JsonNode v = present(j, key);
        if (v == null) {
            return def;
        }
        if (!v.isNumber() || !(v.doubleValue() > 0)) {
            throw new IllegalArgumentException(key + ": expected a positive number, found " + v);
        }
        return v.doubleValue();
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
