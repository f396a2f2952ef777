package org.greenspoof.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.greenspoof.model.ModelFamily;
import org.greenspoof.model.SpeechEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointTest {

    @TempDir
    Path tmp;

    /** A tiny but complete config: 2 conv layers, hidden 8, 2 layers, 2 heads. */
    private static final String TINY = "{\"model_type\":\"%s\",\"conv_dim\":[4,6],\"conv_kernel\":[5,3],\"conv_stride\":[3,2],"
            + "\"hidden_size\":8,\"num_hidden_layers\":2,\"num_attention_heads\":2,\"intermediate_size\":12,"
            + "\"num_conv_pos_embeddings\":4,\"num_conv_pos_embedding_groups\":2,\"num_buckets\":6,\"max_bucket_distance\":10}";

    /** Writes a checkpoint with every expected tensor (seeded random), names passed through {@code rename}, plus extras. */
    private Path write(String dirName, String type, UnaryOperator<String> rename, Map<String, long[]> extra) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(dirName));
        Files.writeString(dir.resolve("config.json"), TINY.formatted(type));
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"do_normalize\":false,\"sampling_rate\":16000}");
        EncoderConfig c = EncoderConfig.load(dir.resolve("config.json"), ModelFamily.CONFIGS);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        Random r = new Random(7);
        for (var e : expectedOf(c).entrySet()) {
            entries.add(new SafetensorsWriter.Entry(rename.apply(e.getKey()), e.getValue(), values(r, e.getValue())));
        }
        extra.forEach((k, s) -> entries.add(new SafetensorsWriter.Entry(k, s, values(r, s))));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), Map.of("format", "pt"), entries);
        return dir;
    }

    private static Map<String, long[]> expectedOf(EncoderConfig c) {
        return SpeechEncoder.expectedTensors(c);
    }

    private static float[] values(Random r, long[] shape) {
        float[] x = new float[(int) TensorInfo.numel(shape)];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        return x;
    }

    private static String ctcName(String prefix, String key) {
        return prefix + key.replace("conv.weight_g", "conv.parametrizations.weight.original0")
                .replace("conv.weight_v", "conv.parametrizations.weight.original1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wav2vec2", "hubert", "wavlm"})
    void prefixedAndParametrizedNamesResolveToTheSameTensors(String type) throws IOException {
        Path bare = write("bare", type, k -> k, Map.of("masked_spec_embed", new long[] {8}));
        Path ctc = write("ctc", type, k -> ctcName(type + ".", k), Map.of("lm_head.weight", new long[] {5, 8},
                "lm_head.bias", new long[] {5}, type + ".masked_spec_embed", new long[] {8}, "quantizer.codevectors", new long[] {1, 4, 2},
                "project_q.weight", new long[] {2, 2}, "project_hid.weight", new long[] {2, 8}));
        try (Checkpoint a = Checkpoint.open(bare, ModelFamily.CONFIGS); Checkpoint b = Checkpoint.open(ctc, ModelFamily.CONFIGS)) {
            assertEquals(type, a.config().modelType());
            assertFalse(a.preprocessor().doNormalize());
            assertEquals(List.of("masked_spec_embed"), a.ignored());
            assertEquals(6, b.ignored().size());
            Map<String, long[]> expected = expectedOf(a.config());
            assertTrue(expected.containsKey("encoder.layers.1.attention.gru_rel_pos_const") == type.equals("wavlm"));
            long params = 0;
            for (var e : expected.entrySet()) {
                assertTrue(a.has(e.getKey()) && b.has(e.getKey()), e.getKey());
                assertArrayEquals(a.tensor(e.getKey(), e.getValue()), b.tensor(e.getKey(), e.getValue()), e.getKey());
                params += TensorInfo.numel(e.getValue());
            }
            assertEquals(params, SpeechEncoder.check(a));
            assertEquals(params, SpeechEncoder.check(b));
            // either spelling of the weight norm is accepted as a key
            assertArrayEquals(a.tensor("encoder.pos_conv_embed.conv.weight_g", 1, 1, 4),
                    b.tensor("encoder.pos_conv_embed.conv.parametrizations.weight.original0", 1, 1, 4));
            assertFalse(b.has("lm_head.weight"));
            assertEquals(Checkpoint.sha256(bare.resolve("model.safetensors")), a.sha256());
            assertNotEquals(a.sha256(), b.sha256());
        }
    }

    @Test
    void sha256MatchesAKnownDigest() throws IOException {
        Path f = tmp.resolve("abc");
        Files.writeString(f, "abc");
        // FIPS 180-2 test vector
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checkpoint.sha256(f));
    }

    @Test
    void wrongShapeNamesKeyExpectedAndFound() throws IOException {
        Path dir = write("m", "wav2vec2", k -> k, Map.of());
        try (Checkpoint c = Checkpoint.open(dir, ModelFamily.CONFIGS)) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> c.tensor("encoder.layers.0.attention.q_proj.weight", 8, 9));
            assertTrue(e.getMessage().contains("encoder.layers.0.attention.q_proj.weight")
                    && e.getMessage().contains("[8, 9]") && e.getMessage().contains("[8, 8]"), e.getMessage());
            var missing = assertThrows(IllegalArgumentException.class, () -> c.tensor("encoder.nope.weight", 3));
            assertTrue(missing.getMessage().contains("missing tensor 'encoder.nope.weight'"), missing.getMessage());
        }
    }

    /** Opens {@code dir} and checks its weights against its config, as loading and inspect do. */
    private static void check(Path dir) throws IOException {
        try (Checkpoint c = Checkpoint.open(dir, ModelFamily.CONFIGS)) {
            SpeechEncoder.check(c);
        }
    }

    @Test
    void configThatDisagreesWithTheWeightsFailsTheCheck() throws IOException {
        Path dir = write("m", "wav2vec2", k -> k, Map.of());
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, TINY.formatted("wav2vec2").replace("\"hidden_size\":8", "\"hidden_size\":6"));
        var e = assertThrows(IllegalArgumentException.class, () -> check(dir));
        assertTrue(e.getMessage().contains("feature_projection.projection.weight") && e.getMessage().contains("expected shape [6, 6]")
                && e.getMessage().contains("found [8, 6]"), e.getMessage());

        Files.writeString(cfg, TINY.formatted("wav2vec2").replace("\"num_hidden_layers\":2", "\"num_hidden_layers\":3"));
        e = assertThrows(IllegalArgumentException.class, () -> check(dir));
        assertTrue(e.getMessage().contains("missing tensor 'encoder.layers.2."), e.getMessage());

        Files.writeString(cfg, TINY.formatted("wav2vec2").replace("\"num_hidden_layers\":2", "\"num_hidden_layers\":1"));
        e = assertThrows(IllegalArgumentException.class, () -> check(dir));
        assertTrue(e.getMessage().contains("encoder.layers.1.") && e.getMessage().contains("num_hidden_layers = 1"), e.getMessage());

        Files.writeString(cfg, TINY.formatted("wav2vec2").replace("\"conv_dim\":[4,6],\"conv_kernel\":[5,3],\"conv_stride\":[3,2]",
                "\"conv_dim\":[4],\"conv_kernel\":[5],\"conv_stride\":[3]"));
        e = assertThrows(IllegalArgumentException.class, () -> check(dir));
        assertTrue(e.getMessage().contains("feature_projection"), e.getMessage());

        // a stray tensor inside an existing layer is named as such, not as a layer beyond the config
        Path stray = write("stray", "wav2vec2", k -> k, Map.of("feature_extractor.conv_layers.1.conv.bias", new long[] {6}));
        e = assertThrows(IllegalArgumentException.class, () -> check(stray));
        assertTrue(e.getMessage().contains("'feature_extractor.conv_layers.1.conv.bias' is not part of the layer")
                && e.getMessage().contains("conv_bias"), e.getMessage());

        // wav2vec2 weights under a WavLM config lack the relative position bias
        Files.writeString(cfg, TINY.formatted("wavlm"));
        e = assertThrows(IllegalArgumentException.class, () -> check(dir));
        assertTrue(e.getMessage().contains("missing tensor 'encoder.layers.0.attention.rel_attn_embed.weight', expected shape [6, 2]"),
                e.getMessage());
    }

    @Test
    void prefixOfAnotherModelTypeIsRejected() throws IOException {
        Path dir = write("m", "wav2vec2", k -> "hubert." + k, Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(dir, ModelFamily.CONFIGS));
        assertTrue(e.getMessage().contains("'hubert.'") && e.getMessage().contains("model_type 'wav2vec2'"), e.getMessage());
    }

    @Test
    void missingWeightsPointToTheConverter() throws IOException {
        Path dir = write("m", "wav2vec2", k -> k, Map.of());
        Files.move(dir.resolve("model.safetensors"), dir.resolve("pytorch_model.bin"));
        var e = assertThrows(NoSuchFileException.class, () -> Checkpoint.open(dir, ModelFamily.CONFIGS));
        assertTrue(e.getMessage().contains("greenspoof convert"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> Checkpoint.open(tmp.resolve("absent"), ModelFamily.CONFIGS));
    }

    /** The CTC reference set holds the same encoder weights as the base set, prefixed and parametrized. */
    @Test
    void referenceCtcCheckpointResolvesToTheBaseWeights() throws IOException {
        try (Checkpoint base = Checkpoint.open(SharedFixtures.referenceSet("w2v2-base-tiny-s1"), ModelFamily.CONFIGS);
                Checkpoint ctc = Checkpoint.open(SharedFixtures.referenceSet("w2v2-base-ctc-altnames-tiny-s1"), ModelFamily.CONFIGS)) {
            assertTrue(ctc.weights().info("wav2vec2.encoder.pos_conv_embed.conv.parametrizations.weight.original1") != null);
            assertEquals(List.of("lm_head.bias", "lm_head.weight", "wav2vec2.masked_spec_embed"), ctc.ignored().stream().sorted().toList());
            for (var e : SpeechEncoder.expectedTensors(base.config()).entrySet()) {
                assertArrayEquals(base.tensor(e.getKey(), e.getValue()), ctc.tensor(e.getKey(), e.getValue()), e.getKey());
            }
            assertEquals(SpeechEncoder.check(base), SpeechEncoder.check(ctc));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"w2v2-base-tiny-s1", "w2v2-large-tiny-s1", "hubert-base-tiny-s1", "wavlm-base-tiny-s1", "wavlm-large-tiny-s1"})
    void referenceSetsOpenWithEveryExpectedTensor(String set) throws IOException {
        try (Checkpoint c = Checkpoint.open(SharedFixtures.referenceSet(set), ModelFamily.CONFIGS)) {
            Map<String, long[]> expected = SpeechEncoder.expectedTensors(c.config());
            // every tensor the file holds is one the encoder uses (nothing left over, nothing missing)
            assertEquals(c.weights().names().size() - c.ignored().size(), expected.size());
            for (var e : expected.entrySet()) {
                assertEquals(TensorInfo.numel(e.getValue()), c.tensor(e.getKey(), e.getValue()).length);
            }
            assertEquals(64, c.sha256().length());
        }
    }
}
