package org.greenspoof.audio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external references (sox, flac, metaflac) for the audio and CLI tests; they skip when one is missing. */
public final class Tools {
    private Tools() {
    }

    public static void assumeInstalled(String tool) {
        assumeTrue(onPath(tool), tool + " is not installed");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads {@code trials} copies of {@code good}, each with 1 to {@code maxFlips} random bits
     * flipped (seeded), from {@code f}: each must decode or fail as a {@link org.greenspoof.io.FileFormatException}
     * naming f at an offset inside the file, never otherwise. Returns how many were refused.
     */
    public static int readBitFlipped(byte[] good, Path f, int trials, int maxFlips, long seed) throws IOException {
        java.util.Random r = new java.util.Random(seed);
        int refused = 0;
        for (int trial = 0; trial < trials; trial++) {
            byte[] b = good.clone();
            for (int k = 0; k < 1 + trial % maxFlips; k++) {
                b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
            Files.write(f, b);
            try {
                AudioReader.read(f);
            } catch (org.greenspoof.io.FileFormatException e) {
                org.junit.jupiter.api.Assertions.assertTrue(e.offset() >= 0 && e.offset() <= b.length
                        && e.getMessage().startsWith(f + ": "), e.getMessage());
                refused++;
            }
        }
        return refused;
    }

    /** Runs a command, fails with its output when it exits non-zero, returns its stdout. */
    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** sox's decode of a file as interleaved signed 32-bit integers (samples left-justified). */
    public static int[] soxInt32(Path in, Path dir) throws IOException, InterruptedException {
        Path raw = dir.resolve(in.getFileName() + ".s32");
        run("sox", in.toString(), "-t", "raw", "-e", "signed", "-b", "32", "-L", raw.toString());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[b.remaining() / 4];
        b.asIntBuffer().get(v);
        return v;
    }

    /** sox's decode of a file as interleaved 64-bit floats. */
    public static double[] soxFloat64(Path in, Path dir) throws IOException, InterruptedException {
        Path raw = dir.resolve(in.getFileName() + ".f64");
        run("sox", in.toString(), "-t", "raw", "-e", "floating-point", "-b", "64", "-L", raw.toString());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(v);
        return v;
    }

    /** Writes mono 32-bit float WAV, the lossless way to hand a float signal to sox. */
    public static void writeFloatWav(Path file, float[] x, int sampleRate) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(46 + 4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(38 + 4 * x.length)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(18)
                .putShort((short) 3).putShort((short) 1).putInt(sampleRate).putInt(4 * sampleRate)
                .putShort((short) 4).putShort((short) 32).putShort((short) 0)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(4 * x.length);
        for (float v : x) {
            b.putFloat(v);
        }
        Files.write(file, b.array());
    }
}
