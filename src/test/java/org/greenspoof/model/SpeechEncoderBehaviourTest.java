package org.greenspoof.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.greenspoof.checkpoint.SafetensorsFile;
import org.greenspoof.checkpoint.SafetensorsWriter;
import org.greenspoof.io.Npy;
import org.greenspoof.kernels.KernelProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tiling, early exit, pooling, the GELU/bucket arithmetic and the bad-input errors. */
class SpeechEncoderBehaviourTest {

    /** Tiled and whole-utterance attention differ only in float summation order. */
    private static final double TILING_TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    private static Path fixture(String variant) {
        return EncoderParityTest.resources().resolve(variant);
    }

    private static float[] wave(String variant, int n) throws IOException {
        return Npy.read(fixture(variant).resolve("single_" + n).resolve("waveform.npy")).data();
    }

    @ParameterizedTest
    @ValueSource(strings = {"w2v2-base", "wavlm-large"})
    void tiledAttentionEqualsWholeUtterance(String variant) throws IOException {
        SpeechEncoder whole = SpeechEncoder.load(fixture(variant), KernelProvider.scalar()).withAttentionTile(1 << 20);
        float[] x = wave(variant, 37920);
        float[][][] ref = whole.hiddenStates(x, whole.numLayers());
        // 118 frames in tiles of 7 (and 1): ragged last tiles, many online-softmax rescalings.
        for (int tile : new int[]{7, 1}) {
            float[][][] tiled = whole.withAttentionTile(tile).hiddenStates(x, whole.numLayers());
            for (int n = 0; n < ref.length; n++) {
                double e = EncoderParityTest.scaled(EncoderParityTest.flat(tiled[n]), EncoderParityTest.flat(ref[n]));
                assertTrue(e <= TILING_TOLERANCE, "tile " + tile + " layer " + n + ": " + e);
            }
        }
    }

    /**
     * Workspaces are pooled and grown: a short input after a long one (buffers larger than
     * needed), a long one after a short one (growth), and two threads at once (two workspaces)
     * all give bit-identical results to a fresh encoder's first call. Scalar kernels: the Vector
     * API's exp differs in the last bit between interpreted and compiled code, so vector results
     * depend on JIT state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"w2v2-base", "wavlm-base"})
    void reusedWorkspacesGiveTheFirstCallsResults(String variant) throws Exception {
        SpeechEncoder enc = SpeechEncoder.load(fixture(variant), KernelProvider.scalar());
        float[] shortWave = wave(variant, 16000);
        float[] longWave = wave(variant, 37920);
        int top = enc.numLayers();
        float[][][] shortRef = SpeechEncoder.load(fixture(variant), KernelProvider.scalar()).hiddenStates(shortWave, top);
        float[][][] longRef = SpeechEncoder.load(fixture(variant), KernelProvider.scalar()).hiddenStates(longWave, top);
        for (float[] w : new float[][] {shortWave, longWave, shortWave, longWave}) {
            assertTrue(Arrays.deepEquals(w == shortWave ? shortRef : longRef, enc.hiddenStates(w, top)),
                    w.length + " samples after other lengths");
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (float[] w : new float[][] {shortWave, longWave}) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 3; i++) {
                    if (!Arrays.deepEquals(w == shortWave ? shortRef : longRef, enc.hiddenStates(w, top))) {
                        failures.add(new AssertionError(w.length + " samples differ when run concurrently"));
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    /** The conv stack streams in chunks; the GroupNorm statistics come from the windows' covariance. */
    @ParameterizedTest
    @ValueSource(strings = {"w2v2-base", "w2v2-large", "w2v2-base-ctc"})
    void chunkedConvStackEqualsTheReference(String variant) throws IOException {
        try (var ck = org.greenspoof.checkpoint.Checkpoint.open(fixture(variant), ModelFamily.CONFIGS)) {
            Wav2Vec2FeatureEncoder fe = new Wav2Vec2FeatureEncoder(
                    Weights.reading(ck, KernelProvider.scalar()).pp("feature_extractor"), ck.config());
            SpeechEncoder enc = SpeechEncoder.load(fixture(variant), KernelProvider.scalar());
            float[] input = enc.inputValues(wave(variant, 37920));
            float[] ref = Npy.read(fixture(variant).resolve("single_37920/conv_features.npy")).data();
            // 118 frames in chunks of 5 (ragged last chunk), of 1 and whole.
            for (int chunk : new int[]{5, 1, 118}) {
                double e = EncoderParityTest.scaled(fe.forward(input, chunk, new Workspace(KernelProvider.scalar())), ref);
                assertTrue(e <= EncoderParityTest.TOLERANCE, "chunk " + chunk + ": " + e);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"w2v2-base", "w2v2-large", "wavlm-large"})
    void earlyExitGivesThePrefixOfTheFullRun(String variant) throws IOException {
        SpeechEncoder enc = SpeechEncoder.load(fixture(variant), KernelProvider.scalar());
        float[] x = wave(variant, 16000);
        float[][][] full = enc.hiddenStates(x, enc.numLayers());
        for (int k = 0; k < enc.numLayers(); k++) {
            float[][][] part = enc.hiddenStates(x, k);
            assertEquals(k + 1, part.length);
            for (int n = 0; n <= k; n++) {
                // Stable layout: hidden_states[k] for k < L is the raw layer output, no final LayerNorm.
                assertArrayEquals(EncoderParityTest.flat(full[n]), EncoderParityTest.flat(part[n]), 0f, "layer " + n);
            }
        }
    }

    @Test
    void layersAboveMaxLayerAreNeverComputed() throws IOException {
        Path dir = copyWithEditedWeights("w2v2-base", tensors -> {
            for (SafetensorsWriter.Entry e : tensors) {
                if (e.name().startsWith("encoder.layers.2.")) {
                    Arrays.fill(e.data(), Float.NaN);
                }
            }
        });
        SpeechEncoder enc = SpeechEncoder.load(dir, KernelProvider.scalar());
        float[] x = wave("w2v2-base", 16000);
        float[][][] hs = enc.hiddenStates(x, 2);
        float[] ref = Npy.read(fixture("w2v2-base").resolve("single_16000/hidden_states.npy")).data();
        int per = ref.length / 4;
        double e = EncoderParityTest.scaled(EncoderParityTest.flat(hs[2]), Arrays.copyOfRange(ref, 2 * per, 3 * per));
        assertTrue(e <= EncoderParityTest.TOLERANCE, "layer 2 of a model whose layer 3 is NaN: " + e);
        assertTrue(Float.isNaN(enc.hiddenStates(x, 3)[3][0][0]), "the poisoned layer does run when asked for");
    }

    @Test
    void pooledEqualsPoolingTheHiddenStates() throws IOException {
        SpeechEncoder enc = SpeechEncoder.load(fixture("wavlm-base"), KernelProvider.scalar());
        float[] x = wave("wavlm-base", 16000);
        float[][][] hs = enc.hiddenStates(x, 3);
        int[] layers = {3, 0, 2, 3};
        float[][] mean = enc.pooled(x, layers, SpeechEncoder.Pooling.MEAN);
        float[][] meanStd = enc.pooled(x, layers, SpeechEncoder.Pooling.MEAN_STD);
        int h = enc.hiddenSize();
        for (int i = 0; i < layers.length; i++) {
            float[][] s = hs[layers[i]];
            assertEquals(h, mean[i].length);
            assertEquals(2 * h, meanStd[i].length);
            for (int c = 0; c < h; c++) {
                double m = 0;
                for (float[] row : s) {
                    m += row[c];
                }
                m /= s.length;
                double v = 0;
                for (float[] row : s) {
                    v += (row[c] - m) * (row[c] - m);
                }
                assertEquals(m, mean[i][c], 1e-6);
                assertEquals(m, meanStd[i][c], 1e-6);
                assertEquals(Math.sqrt(v / s.length), meanStd[i][h + c], 1e-6);
            }
        }
    }

    @Test
    void frameCountsAreTheRealOnes() throws IOException {
        SpeechEncoder enc = SpeechEncoder.load(fixture("w2v2-base"), KernelProvider.scalar());
        assertEquals(49, enc.frames(16000));
        assertEquals(118, enc.frames(37920));
        assertEquals(1, enc.frames(400));
        assertEquals(499, enc.frames(160000));
    }

    /** The model's activation is transformers' exact-erf GELU on every kernel path. */
    @Test
    void geluIsTheExactErfForm() {
        for (var k : EncoderParityTest.kernelPaths()) {
            float[] g = {-10f, -1f, 0f, 1f, 3f};
            k.gelu(g, 0, g.length);
            // torch.nn.functional.gelu (approximate='none'); the tanh form gives -0.158808, 0.841192, 2.996363.
            assertArrayEquals(new float[]{-0.0f, -0.15865529f, 0f, 0.8413447f, 2.9959502f}, g, 3e-7f, k.name());
        }
    }

    @Test
    void wavlmBucketsMatchTheSharedTables() throws IOException {
        String shared = System.getProperty("greenspoof.shared");
        Path p = shared == null ? null : Path.of(shared, "reference", "wavlm-base-tiny-s1");
        Assumptions.assumeTrue(p != null && Files.isDirectory(p), "shared reference absent");
        check(Npy.read(p.resolve("wavlm_buckets.npy")).data(), 48, 96);
        check(Npy.read(p.resolve("wavlm_buckets_320_800.npy")).data(), 320, 800);
    }

    private static void check(float[] table, int buckets, int maxDistance) {
        assertEquals(2001, table.length);
        for (int i = 0; i < table.length; i++) {
            assertEquals((int) table[i], WavLMAttention.bucket(i - 1000, buckets, maxDistance), "rel " + (i - 1000));
        }
    }

    @Test
    void badAudioIsAClearError() throws IOException {
        SpeechEncoder enc = SpeechEncoder.load(fixture("w2v2-base"), KernelProvider.scalar());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> enc.hiddenStates(new float[0], 1))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> enc.hiddenStates(new float[399], 1))
                .getMessage().contains("fewer than one frame (400 samples"));
        float[] nan = new float[1000];
        nan[17] = Float.NaN;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> enc.hiddenStates(nan, 1))
                .getMessage().contains("sample 17"));
        assertThrows(IllegalArgumentException.class, () -> enc.hiddenStates(new float[1000], 4));
        assertThrows(IllegalArgumentException.class, () -> enc.pooled(new float[1000], new int[]{-1}, SpeechEncoder.Pooling.MEAN));
        assertEquals(1, enc.hiddenStates(new float[400], 0)[0].length, "exactly one frame from 400 samples");
    }

    @Test
    void unknownModelTypeIsRejected() throws IOException {
        Exception e = assertThrows(Exception.class, () -> SpeechEncoder.load(copyWithConfig("w2v2-base", c -> c.put("model_type", "data2vec-audio"))));
        assertTrue(e.getMessage().contains("data2vec-audio"), e.getMessage());
    }

    @Test
    void unsupportedActivationIsRejected() throws IOException {
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> SpeechEncoder.load(copyWithConfig("w2v2-base", c -> c.put("hidden_act", "gelu_new"))));
        assertTrue(e.getMessage().contains("hidden_act 'gelu_new'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hidden_size", "num_hidden_layers", "conv_bias", "feat_extract_norm", "num_conv_pos_embeddings"})
    void configDisagreeingWithTensorsIsRejected(String key) throws IOException {
        Path dir = copyWithConfig("w2v2-base", c -> {
            switch (key) {
                case "hidden_size" -> c.put(key, 40);
                case "num_hidden_layers" -> c.put(key, 2);
                case "conv_bias" -> c.put(key, true);
                case "feat_extract_norm" -> c.put(key, "layer");
                default -> c.put(key, 17);
            }
        });
        Exception e = assertThrows(IllegalArgumentException.class, () -> SpeechEncoder.load(dir));
        String expected = switch (key) {
            case "hidden_size", "num_conv_pos_embeddings" -> "expected shape";
            case "num_hidden_layers" -> "disagree";
            default -> "missing tensor";
        };
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    private Path copyWithConfig(String variant, Consumer<ObjectNode> edit) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(variant + "-" + System.nanoTime()));
        for (String f : List.of("model.safetensors", "preprocessor_config.json")) {
            Files.copy(fixture(variant).resolve(f), dir.resolve(f));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) json.readTree(fixture(variant).resolve("config.json").toFile());
        edit.accept(cfg);
        json.writeValue(dir.resolve("config.json").toFile(), cfg);
        return dir;
    }

    private Path copyWithEditedWeights(String variant, Consumer<List<SafetensorsWriter.Entry>> edit) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(variant + "-w"));
        for (String f : List.of("config.json", "preprocessor_config.json")) {
            Files.copy(fixture(variant).resolve(f), dir.resolve(f));
        }
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        try (SafetensorsFile st = SafetensorsFile.open(fixture(variant).resolve("model.safetensors"))) {
            for (String name : st.names()) {
                entries.add(new SafetensorsWriter.Entry(name, st.info(name).shape(), st.readFloats(name)));
            }
        }
        edit.accept(entries);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), Map.of(), entries);
        return dir;
    }
}
