package org.greenspoof.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.greenspoof.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HiddenStatesCommandTest {

    /** Same bound as the encoder parity test: the CLI must not lose anything on the way. */
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    private static Path fixture(String variant) throws URISyntaxException {
        return Path.of(HiddenStatesCommandTest.class.getResource("/encoder/" + variant).toURI());
    }

    @Test
    void writesHfHiddenStatesAndConvFeatures() throws Exception {
        Path model = fixture("wavlm-large");
        Path ref = model.resolve("single_37920");
        Path wav = floatWav(Npy.read(ref.resolve("waveform.npy")).data());
        Path out = tmp.resolve("hs.npy");
        Path feat = tmp.resolve("feat.npy");
        assertEquals(0, GreenspoofCli.run("hidden-states", "--model", model.toString(), "--audio", wav.toString(),
                "--out", out.toString(), "--features", feat.toString()));
        Npy.Array hs = Npy.read(out);
        Npy.Array refHs = Npy.read(ref.resolve("hidden_states.npy"));
        assertArrayEquals(refHs.shape(), hs.shape());
        assertTrue(scaled(hs.data(), refHs.data()) <= TOLERANCE);
        Npy.Array f = Npy.read(feat);
        Npy.Array refF = Npy.read(ref.resolve("conv_features.npy"));
        assertArrayEquals(refF.shape(), f.shape());
        assertTrue(scaled(f.data(), refF.data()) <= TOLERANCE);

        assertEquals(0, GreenspoofCli.run("hidden-states", "--model", model.toString(), "--audio", wav.toString(),
                "--out", out.toString(), "--max-layer", "1"));
        Npy.Array two = Npy.read(out);
        assertArrayEquals(new long[]{2, 118, 48}, two.shape());
        assertTrue(scaled(two.data(), Arrays.copyOf(refHs.data(), two.data().length)) <= TOLERANCE);
    }

    @Test
    void badInputExitsNonZeroWithOneLine() throws Exception {
        Path model = fixture("w2v2-base");
        Path shortWav = floatWav(new float[399]);
        Path out = tmp.resolve("x.npy");
        String err = runErr("hidden-states", "--model", model.toString(), "--audio", shortWav.toString(), "--out", out.toString());
        assertTrue(err.contains("fewer than one frame") && err.contains(shortWav.toString()), err);
        Path ok = floatWav(new float[16000]);
        err = runErr("hidden-states", "--model", model.toString(), "--audio", ok.toString(), "--out", out.toString(), "--depth", "9");
        assertTrue(err.contains("--depth 9 out of range") && err.contains("0..3"), err);
        err = runErr("hidden-states", "--model", tmp.resolve("nope").toString(), "--audio", ok.toString(), "--out", out.toString());
        assertTrue(err.contains("nope"), err);
        assertFalse(Files.exists(out), "no output on failure");
    }

    private static String runErr(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try {
            assertEquals(1, GreenspoofCli.run(args));
        } finally {
            System.setErr(old);
        }
        return buf.toString();
    }

    /** A 16 kHz mono IEEE-float WAV, so the samples reach the encoder unchanged. */
    private Path floatWav(float[] x) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(44 + 4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 4 * x.length).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 3).putShort((short) 1).putInt(16000).putInt(64000)
                .putShort((short) 4).putShort((short) 32);
        b.put("data".getBytes()).putInt(4 * x.length);
        for (float v : x) {
            b.putFloat(v);
        }
        Path p = Files.createTempFile(tmp, "a", ".wav");
        Files.write(p, b.array());
        return p;
    }

    private static double scaled(float[] ours, float[] ref) {
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxDiff = Math.max(maxDiff, Math.abs((double) ours[i] - ref[i]));
        }
        return maxDiff / Math.max(1.0, maxRef);
    }
}
