package org.greenspoof.audio.flac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.greenspoof.audio.Tools;

/** Runs Debian's flac and metaflac, the independent reference, and moves raw PCM in and out of them. */
final class FlacTool {

    private FlacTool() {
    }

    /** Skips the calling test when flac or metaflac is not installed. */
    static void assumeInstalled() {
        Tools.assumeInstalled("flac");
        Tools.assumeInstalled("metaflac");
    }

    /** Runs a command, returns its stdout and stderr, fails on a non-zero exit. */
    static String run(List<String> cmd) throws IOException, InterruptedException {
        return Tools.run(cmd.toArray(String[]::new));
    }

    /** Encodes {@code [channel][frame]} samples with flac and the given options; returns the .flac file. */
    static Path encode(Path dir, String name, int[][] x, int rate, int bps, List<String> options)
            throws IOException, InterruptedException {
        Path raw = dir.resolve(name + ".raw");
        Path flac = dir.resolve(name + ".flac");
        writeRaw(raw, x, bps);
        List<String> cmd = new ArrayList<>(List.of("flac", "-s", "-f", "--force-raw-format", "--endian=little",
                "--sign=signed", "--channels=" + x.length, "--bps=" + bps, "--sample-rate=" + rate));
        cmd.addAll(options);
        cmd.addAll(List.of("-o", flac.toString(), raw.toString()));
        run(cmd);
        return flac;
    }

    /** Decodes with flac -d to signed little-endian raw PCM and reads it back. */
    static int[][] decode(Path flac, int channels, int bps) throws IOException, InterruptedException {
        Path raw = flac.resolveSibling(flac.getFileName() + ".decoded.raw");
        run(List.of("flac", "-s", "-f", "-d", "--force-raw-format", "--endian=little", "--sign=signed",
                "-o", raw.toString(), flac.toString()));
        return readRaw(raw, channels, bps);
    }

    /** The STREAMINFO MD5 as metaflac prints it (32 hex digits). */
    static String md5(Path flac) throws IOException, InterruptedException {
        return run(List.of("metaflac", "--show-md5sum", flac.toString())).trim();
    }

    static void writeRaw(Path file, int[][] x, int bps) throws IOException {
        int bytes = bps / 8;
        int frames = x.length == 0 ? 0 : x[0].length;
        byte[] out = new byte[frames * x.length * bytes];
        int p = 0;
        for (int i = 0; i < frames; i++) {
            for (int[] ch : x) {
                for (int b = 0; b < bytes; b++) {
                    out[p++] = (byte) (ch[i] >> (8 * b));
                }
            }
        }
        Files.write(file, out);
    }

    static int[][] readRaw(Path file, int channels, int bps) throws IOException {
        byte[] in = Files.readAllBytes(file);
        int bytes = bps / 8;
        int frames = in.length / (bytes * channels);
        assertEquals(in.length, frames * bytes * channels, "whole frames in " + file);
        int[][] x = new int[channels][frames];
        int p = 0;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                int v = 0;
                for (int b = 0; b < bytes; b++) {
                    v |= (in[p++] & 0xFF) << (8 * b);
                }
                x[c][i] = (v << (32 - bps)) >> (32 - bps);
            }
        }
        return x;
    }
}
