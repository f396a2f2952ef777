package org.greenspoof.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.greenspoof.io.Npy;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.kernels.Kernels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java encoder against torch references: our fixtures (tools/make_encoder_fixtures.py,
 * committed under src/test/resources/encoder) always, and the independent shared set
 * ({@code greenspoof.shared}/reference) when present. Every intermediate tensor is compared.
 */
class EncoderParityTest {

    /**
     * max|ours - ref| / max(1, max|ref|) per tensor. float32 torch vs float64 NumPy differ by
     * <= 2.5e-6 on these sets; 1e-4 leaves room for float32 summation order while every
     * semantic slip (tanh GELU 1e-3, LayerNorm eps 7e-3, unscaled q bias 6e-2, ...) fails.
     */
    static final double TOLERANCE = 1e-4;

    static Path resources() {
        try {
            return Path.of(EncoderParityTest.class.getResource("/encoder").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Thread counts every kernel path is checked on (results must not depend on them). */
    static final int[] THREADS = {1, 2};

    /** Scalar and, when this JVM has them, vector kernels of every tile shape, each on 1 and 2 threads. */
    static List<Kernels> kernelPaths() {
        List<Kernels> bases = new ArrayList<>(List.of(KernelProvider.scalar()));
        bases.addAll(KernelProvider.vectorEveryTile());
        List<Kernels> ks = new ArrayList<>();
        for (Kernels base : bases) {
            for (int threads : THREADS) {
                ks.add(base.withThreads(threads));
            }
        }
        return ks;
    }

    static Stream<Arguments> variants() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(resources())) {
            for (Path d : dirs.sorted().toList()) {
                for (Kernels k : kernelPaths()) {
                    out.add(Arguments.of(d.getFileName().toString(), k));
                }
            }
        }
        return out.stream();
    }

    /** {@code greenspoof.shared}/reference, or null when it is absent. */
    static Path sharedReference() {
        String shared = System.getProperty("greenspoof.shared");
        Path ref = shared == null ? null : Path.of(shared, "reference");
        return ref != null && Files.isDirectory(ref) ? ref : null;
    }

    /** Every folder of the shared reference: one without its config or weights fails its test, not silently drops out. */
    static List<Path> sharedSetFolders(Path ref) throws IOException {
        try (Stream<Path> dirs = Files.list(ref)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    static Stream<Arguments> sharedSets() throws IOException {
        Path ref = sharedReference();
        if (ref == null) {
            return Stream.of(Arguments.of(null, KernelProvider.scalar()));
        }
        List<Arguments> out = new ArrayList<>();
        for (Path d : sharedSetFolders(ref)) {
            for (Kernels k : kernelPaths()) {
                out.add(Arguments.of(d, k));
            }
        }
        return out.stream();
    }

    /**
     * The shared reference's README tables its sets (a "| set | ..." table of "| `name` | ..." rows):
     * all of them, and only them, are there to compare.
     */
    @Test
    void sharedReferenceHoldsEverySetItsReadmeLists() throws IOException {
        Path ref = sharedReference();
        Assumptions.assumeTrue(ref != null, "shared reference fixtures absent");
        List<String> lines = Files.readAllLines(ref.resolve("README.md"));
        List<String> listed = new ArrayList<>();
        for (int i = lines.indexOf("| set | layout | HF class | notes |") + 2; i > 1 && i < lines.size()
                && lines.get(i).startsWith("| `"); i++) {
            listed.add(lines.get(i).substring(3, lines.get(i).indexOf('`', 3)));
        }
        listed.sort(null);
        assertFalse(listed.isEmpty(), ref + "/README.md: no table of sets");
        assertEquals(listed, sharedSetFolders(ref).stream().map(d -> d.getFileName().toString()).toList(),
                ref + ": the set folders against those its README lists");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void matchesTorchReference(String variant, Kernels kernels) throws IOException {
        Path dir = resources().resolve(variant);
        SpeechEncoder enc = SpeechEncoder.load(dir, kernels);
        int singles = 0;
        try (Stream<Path> subs = Files.list(dir)) {
            for (Path s : subs.filter(p -> p.getFileName().toString().startsWith("single_")).sorted().toList()) {
                compare(enc, s, variant, kernels, false);
                singles++;
            }
        }
        assertEquals(2, singles, "fixture inputs of 1.0 s and 2.37 s");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sharedSets")
    void matchesSharedReference(Path set, Kernels kernels) throws IOException {
        Assumptions.assumeTrue(set != null, "shared reference fixtures absent");
        SpeechEncoder enc = SpeechEncoder.load(set, kernels);
        // The set's manifest lists its inputs (frames per single_* folder): every one must be there and compared.
        JsonNode frames = new ObjectMapper().readTree(set.resolve("manifest.json").toFile()).get("frames");
        assertNotNull(frames, set + "/manifest.json: no \"frames\" listing the inputs");
        List<String> expected = new ArrayList<>();
        frames.fieldNames().forEachRemaining(expected::add);
        List<String> compared = new ArrayList<>();
        try (Stream<Path> subs = Files.list(set)) {
            for (Path s : subs.filter(p -> p.getFileName().toString().startsWith("single_")).sorted().toList()) {
                compare(enc, s, set.getFileName().toString(), kernels, true);
                compared.add(s.getFileName().toString());
            }
        }
        assertEquals(expected.stream().sorted().toList(), compared, set + ": inputs compared against the manifest's");
        assertFalse(compared.isEmpty(), set + ": no single_* inputs");
    }

    /** Compares every stored tensor; the shared set keeps a leading batch axis of 1. */
    static void compare(SpeechEncoder enc, Path s, String name, Kernels kernels, boolean batched) throws IOException {
        float[] wave = Npy.read(s.resolve("waveform.npy")).data();
        Npy.Array iv = Npy.read(s.resolve("input_values.npy"));
        assertTrue(scaled(enc.inputValues(wave), iv.data()) <= TOLERANCE, "input_values");
        int layers = enc.numLayers();
        SpeechEncoder.Activations a = enc.activations(wave, layers);
        StringBuilder line = new StringBuilder(String.format("%-32s %-22s %-13s", name, kernels.name(), s.getFileName()));
        double worst = 0;
        worst = Math.max(worst, check(line, "conv_features", flat(a.convFeatures()), s, batched));
        if (a.extractFeatures() != null) {
            worst = Math.max(worst, check(line, "extract_features", flat(a.extractFeatures()), s, batched));
        } else {
            assertTrue(!Files.exists(s.resolve("extract_features.npy")), "reference has extract_features but ours is null");
        }
        worst = Math.max(worst, check(line, "projected", flat(a.projected()), s, batched));
        worst = Math.max(worst, check(line, "pos_conv", flat(a.posConv()), s, batched));
        Npy.Array hs = Npy.read(s.resolve("hidden_states.npy"));
        assertEquals(layers + 1, hs.shape()[0], "hidden state count");
        int per = hs.data().length / (layers + 1);
        for (int n = 0; n <= layers; n++) {
            float[] ref = java.util.Arrays.copyOfRange(hs.data(), n * per, (n + 1) * per);
            float[] ours = flat(a.hiddenStates()[n]);
            assertEquals(ref.length, ours.length, "hidden_states[" + n + "] size");
            double e = scaled(ours, ref);
            line.append(String.format(" hs%d=%.1e", n, e));
            assertTrue(e <= TOLERANCE, name + " " + s.getFileName() + " hidden_states[" + n + "] scaled error " + e);
            worst = Math.max(worst, e);
        }
        System.out.println(line.append(String.format(" worst=%.2e", worst)));
    }

    private static double check(StringBuilder line, String what, float[] ours, Path s, boolean batched) throws IOException {
        Npy.Array ref = Npy.read(s.resolve(what + ".npy"));
        long[] shape = ref.shape();
        int t = (int) shape[batched ? 1 : 0];
        int c = (int) shape[batched ? 2 : 1];
        assertEquals((long) t * c, ours.length, what + " shape " + java.util.Arrays.toString(shape));
        double e = scaled(ours, ref.data());
        line.append(String.format(" %s=%.1e", what.substring(0, 4), e));
        assertTrue(e <= TOLERANCE, s + " " + what + " scaled error " + e);
        return e;
    }

    static double scaled(float[] ours, float[] ref) {
        assertEquals(ref.length, ours.length, "length");
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            double d = Math.abs((double) ours[i] - ref[i]);
            if (!(d <= maxDiff)) {
                maxDiff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return maxDiff / Math.max(1.0, maxRef);
    }

    static float[] flat(float[][] rows) {
        int w = rows.length == 0 ? 0 : rows[0].length;
        float[] f = new float[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, f, i * w, w);
        }
        return f;
    }
}
