package org.greenspoof.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.greenspoof.model.ModelFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderConfigTest {

    @TempDir
    Path tmp;

    private EncoderConfig load(String json) throws IOException {
        Path p = tmp.resolve("config.json");
        Files.writeString(p, json);
        return EncoderConfig.load(p, ModelFamily.CONFIGS);
    }

    /** Defaults as in the constructors of transformers' Wav2Vec2Config / HubertConfig / WavLMConfig. */
    @Test
    void missingKeysTakeTransformersDefaults() throws IOException {
        for (ConfigFamily family : ModelFamily.CONFIGS) {
            String type = family.modelType();
            EncoderConfig c = load("{\"model_type\":\"" + type + "\"}");
            assertEquals(type, c.modelType());
            assertArrayEquals(new int[] {512, 512, 512, 512, 512, 512, 512}, c.convDim());
            assertArrayEquals(new int[] {10, 3, 3, 3, 3, 2, 2}, c.convKernel());
            assertArrayEquals(new int[] {5, 2, 2, 2, 2, 2, 2}, c.convStride());
            assertFalse(c.convBias());
            assertEquals("group", c.featExtractNorm());
            assertEquals("gelu", c.featExtractActivation());
            assertFalse(c.doStableLayerNorm());
            assertEquals(768, c.hiddenSize());
            assertEquals(12, c.numHiddenLayers());
            assertEquals(12, c.numAttentionHeads());
            assertEquals(3072, c.intermediateSize());
            assertEquals("gelu", c.hiddenAct());
            assertEquals(128, c.numConvPosEmbeddings());
            assertEquals(16, c.numConvPosEmbeddingGroups());
            assertEquals(1e-5, c.layerNormEps());
            assertTrue(c.featProjLayerNorm());
            assertEquals(type.equals("wavlm") ? 320 : 0, c.numBuckets());
            assertEquals(type.equals("wavlm") ? 800 : 0, c.maxBucketDistance());
        }
    }

    @Test
    void featProjLayerNormIsAHubertOption() throws IOException {
        assertFalse(load("{\"model_type\":\"hubert\",\"feat_proj_layer_norm\":false}").featProjLayerNorm());
        // Wav2Vec2FeatureProjection always has its LayerNorm, whatever the key says
        assertTrue(load("{\"model_type\":\"wav2vec2\",\"feat_proj_layer_norm\":false}").featProjLayerNorm());
    }

    @Test
    void largeLayoutIsRead() throws IOException {
        EncoderConfig c = load("{\"model_type\":\"wavlm\",\"do_stable_layer_norm\":true,\"feat_extract_norm\":\"layer\","
                + "\"conv_bias\":true,\"hidden_size\":1024,\"num_hidden_layers\":24,\"num_attention_heads\":16,"
                + "\"intermediate_size\":4096,\"layer_norm_eps\":1e-6,\"num_buckets\":48,\"max_bucket_distance\":96}");
        assertEquals("large", c.layout());
        assertEquals("layer", c.featExtractNorm());
        assertTrue(c.convBias());
        assertEquals(1024, c.hiddenSize());
        assertEquals(24, c.numHiddenLayers());
        assertEquals(1e-6, c.layerNormEps());
        assertEquals(48, c.numBuckets());
        assertEquals(96, c.maxBucketDistance());
    }

    @Test
    void badConfigsGiveClearErrors() {
        String[][] cases = {
            {"{\"model_type\":\"bert\"}", "model_type 'bert' is not supported"},
            {"{\"hidden_size\":8}", "no model_type"},
            {"{\"model_type\":\"wav2vec2\",\"conv_dim\":[1,2],\"conv_kernel\":[3],\"conv_stride\":[1]}", "same non-zero length"},
            {"{\"model_type\":\"wav2vec2\",\"hidden_size\":100}", "multiple of num_attention_heads"},
            {"{\"model_type\":\"wav2vec2\",\"feat_extract_norm\":\"batch\"}", "'group' or 'layer'"},
            {"{\"model_type\":\"wav2vec2\",\"hidden_size\":\"768\"}", "hidden_size: expected a positive integer"},
            {"{\"model_type\":\"hubert\",\"conv_pos_batch_norm\":true}", "conv_pos_batch_norm"},
            // issue 15 #12: inspect built 2^31 expected shapes from this before failing
            {"{\"model_type\":\"wav2vec2\",\"num_hidden_layers\":2147479552}", "num_hidden_layers: expected 1 to 256, found 2147479552"},
            // issue 15 #13: a huge WavLM conv_stride entry overflowed the frame arithmetic
            {"{\"model_type\":\"wavlm\",\"conv_stride\":[5,2,2,2,2,2,2147483647]}", "conv_stride: expected 1 to 65536"},
            {"{\"model_type\":\"wavlm\",\"conv_stride\":[5,2,2,2,2,2,4000]}", "total stride and receptive field of at most 65536"},
            {"{\"model_type\":\"wav2vec2\",\"hidden_size\":1048576,\"num_attention_heads\":1}", "hidden_size: expected 1 to 65536"},
            {"{\"model_type\":\"wav2vec2\",\"layer_norm_eps\":1e300}", "layer_norm_eps"},
        };
        for (String[] c : cases) {
            var e = assertThrows(IllegalArgumentException.class, () -> load(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("config.json"), e.getMessage());
        }
        assertThrows(IOException.class, () -> load("{not json"));
        assertThrows(IOException.class, () -> EncoderConfig.load(tmp.resolve("absent.json"), ModelFamily.CONFIGS));
    }

    @Test
    void referenceConfigsRead() throws IOException {
        EncoderConfig w = EncoderConfig.load(SharedFixtures.referenceSet("w2v2-large-tiny-s1").resolve("config.json"), ModelFamily.CONFIGS);
        assertEquals("wav2vec2", w.modelType());
        assertEquals("large", w.layout());
        assertEquals("layer", w.featExtractNorm());
        assertArrayEquals(new int[] {32, 40, 40, 48, 48, 64, 64}, w.convDim());
        assertEquals(48, w.hiddenSize());
        assertEquals(16, w.numConvPosEmbeddings());
        EncoderConfig l = EncoderConfig.load(SharedFixtures.referenceSet("wavlm-base-tiny-s1").resolve("config.json"), ModelFamily.CONFIGS);
        assertEquals(48, l.numBuckets());
        assertEquals(96, l.maxBucketDistance());
    }

    @Test
    void preprocessorConfigReadsOrDefaults() throws IOException {
        Path p = tmp.resolve("preprocessor_config.json");
        assertEquals(PreprocessorConfig.DEFAULT, PreprocessorConfig.load(p));
        assertTrue(PreprocessorConfig.DEFAULT.doNormalize());
        assertEquals(16000, PreprocessorConfig.DEFAULT.samplingRate());
        Files.writeString(p, "{\"do_normalize\":false,\"sampling_rate\":8000,\"feature_size\":1}");
        assertEquals(new PreprocessorConfig(false, 8000), PreprocessorConfig.load(p));
        Files.writeString(p, "{\"feature_size\":1}");
        assertEquals(PreprocessorConfig.DEFAULT, PreprocessorConfig.load(p));
        Files.writeString(p, "{\"do_normalize\":\"yes\"}");
        assertThrows(IOException.class, () -> PreprocessorConfig.load(p));
    }
}
