package org.greenspoof.audio.flac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.greenspoof.audio.PcmAudio;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bit-exactness against Debian's flac: signals encoded by flac with many settings are decoded by
 * flac -d (the reference) and by FlacDecoder, every sample compared, and FlacDecoder's MD5 of the
 * decoded audio compared with the STREAMINFO MD5 metaflac prints.
 */
class FlacParityTest {

    @TempDir
    static Path dir;

    record Case(String name, Supplier<int[][]> signal, int rate, int bps, List<String> options) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void flacInstalled() {
        FlacTool.assumeInstalled();
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (int level = 0; level <= 8; level++) {
            String l = "-" + level;
            c.add(new Case("mono16@16k " + l, () -> Signals.speechLike(1, 16000, 16000, 16, 1), 16000, 16, List.of(l)));
            c.add(new Case("stereo16@44.1k " + l, () -> Signals.speechLike(2, 11025, 44100, 16, 2), 44100, 16, List.of(l)));
            c.add(new Case("6ch24@48k " + l, () -> Signals.speechLike(6, 6000, 48000, 24, 3), 48000, 24, List.of(l)));
            c.add(new Case("mono8@22.05k " + l, () -> Signals.speechLike(1, 8000, 22050, 8, 4), 22050, 8, List.of(l)));
            c.add(new Case("stereo24@96k " + l, () -> Signals.speechLike(2, 12000, 96000, 24, 5), 96000, 24, List.of(l)));
        }
        // Non-subset encodings: LPC up to order 32, finest coefficient precision, big and odd blocks.
        c.add(new Case("mono16 lax l32 b4608", () -> Signals.speechLike(1, 20000, 16000, 16, 6), 16000, 16,
                List.of("--lax", "-l", "32", "-b", "4608")));
        c.add(new Case("stereo24 lax l32 q15 b4608", () -> Signals.speechLike(2, 10000, 48000, 24, 7), 48000, 24,
                List.of("--lax", "-l", "32", "-q", "15", "-b", "4608", "-m")));
        c.add(new Case("mono16 lax b16384", () -> Signals.speechLike(1, 40000, 16000, 16, 8), 16000, 16,
                List.of("--lax", "-b", "16384", "-l", "16")));
        c.add(new Case("stereo16 lax b65535", () -> Signals.speechLike(2, 70000, 44100, 16, 9), 44100, 16,
                List.of("--lax", "-b", "65535", "-r", "15")));
        c.add(new Case("mono16 exhaustive", () -> Signals.speechLike(1, 12000, 16000, 16, 10), 16000, 16,
                List.of("-8", "-e", "-p", "-r", "8")));
        c.add(new Case("mono16 b16 lax", () -> Signals.speechLike(1, 3000, 16000, 16, 11), 16000, 16,
                List.of("--lax", "-b", "16", "-l", "8")));
        c.add(new Case("mono16 b100 (8-bit size code)", () -> Signals.speechLike(1, 3000, 16000, 16, 12), 16000,
                16, List.of("--lax", "-b", "100")));
        c.add(new Case("stereo16 b1000 (16-bit size code)", () -> Signals.speechLike(2, 5000, 16000, 16, 13),
                16000, 16, List.of("--lax", "-b", "1000")));
        c.add(new Case("mono32 -5", () -> Signals.speechLike(1, 10000, 16000, 32, 14), 16000, 32, List.of("-5")));
        c.add(new Case("stereo32 lax -8 l32", () -> Signals.speechLike(2, 10000, 48000, 32, 15), 48000, 32,
                List.of("--lax", "-8", "-l", "32")));
        // Lengths around the default block of 4096 (and 1152 at -0).
        for (int n : new int[] {0, 1, 2, 4095, 4096, 4097}) {
            c.add(new Case("mono16 length " + n, () -> Signals.speechLike(1, n, 16000, 16, 16), 16000, 16,
                    List.of("-5")));
            c.add(new Case("stereo24 length " + n, () -> Signals.speechLike(2, n, 44100, 24, 17), 44100, 24,
                    List.of("-8")));
        }
        c.add(new Case("8ch16 -5", () -> Signals.speechLike(8, 5000, 32000, 16, 24), 32000, 16, List.of("-5")));
        c.add(new Case("3ch24 -8", () -> Signals.speechLike(3, 5000, 32000, 24, 25), 32000, 24, List.of("-8")));
        for (int n : new int[] {1152, 1153}) {
            c.add(new Case("6ch16 -0 length " + n, () -> Signals.speechLike(6, n, 48000, 16, 18), 48000, 16,
                    List.of("-0")));
        }
        // Sample rates from every header code path: table, kHz byte, Hz and tens-of-Hz 16-bit, STREAMINFO only.
        for (int rate : new int[] {7350, 8000, 11025, 12000, 22050, 44100, 96000, 192000, 352800}) {
            List<String> options = rate > 192000 ? List.of("--lax", "-5") : List.of("-5");
            c.add(new Case("mono16 rate " + rate, () -> Signals.speechLike(1, 5000, rate, 16, 19), rate, 16,
                    options));
        }
        // Extremes: full scale, silence, a constant, white noise (verbatim, 5-bit Rice), wasted bits.
        for (int bps : new int[] {8, 16, 24, 32}) {
            c.add(new Case("stereo" + bps + " full scale", () -> Signals.fullScale(2, 9000, bps, 20), 44100, bps,
                    List.of("-8")));
            c.add(new Case("mono" + bps + " noise", () -> Signals.noise(1, 5000, bps, 21), 16000, bps,
                    List.of("-5")));
        }
        c.add(new Case("stereo16 silence", () -> Signals.constant(2, 10000, 0), 16000, 16, List.of("-5")));
        c.add(new Case("6ch24 constant", () -> Signals.constant(6, 5000, -12345), 48000, 24, List.of("-8")));
        c.add(new Case("mono16 wasted 3 bits", () -> Signals.lowBitsZero(Signals.speechLike(1, 9000, 16000, 16, 22),
                3), 16000, 16, List.of("-5")));
        c.add(new Case("stereo24 wasted 8 bits", () -> Signals.lowBitsZero(Signals.speechLike(2, 9000, 48000, 24, 23),
                8), 48000, 24, List.of("-2")));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesExactlyAsFlac(Case c) throws Exception {
        encodeAndCompare(c);
    }

    /**
     * The matrix above is only as good as the stream features flac chose for it; this asks
     * flac --analyze which subframe types, predictor orders, channel modes, Rice variants and
     * wasted bits a few of its cases really contain, and decodes those too.
     */
    @Test
    void casesCoverEveryEncoderFeature() throws Exception {
        List<Case> probes = List.of(
                new Case("modes", () -> Signals.stereoModes(30000, 44100, 30), 44100, 16, List.of("-8")),
                new Case("silence", () -> Signals.constant(2, 5000, 0), 16000, 16, List.of("-5")),
                new Case("noise", () -> Signals.noise(1, 5000, 24, 31), 16000, 24, List.of("-5")),
                new Case("fixed", () -> Signals.speechLike(2, 20000, 16000, 16, 32), 16000, 16, List.of("-2")),
                new Case("fixed34", () -> Signals.sineSteps(13824, 30000, 1500, 150), 16000, 16, List.of("-2")),
                new Case("lpc32", () -> Signals.tones(20000, 24, 16), 48000, 24,
                        List.of("--lax", "-l", "32", "-b", "4608")),
                new Case("wasted", () -> Signals.lowBitsZero(Signals.speechLike(1, 5000, 16000, 16, 34), 3), 16000,
                        16, List.of("-5")));
        Set<String> seen = new TreeSet<>();
        Pattern feature = Pattern.compile("(channel_assignment=\\w+|type=\\w+\torder=\\d+|type=CONSTANT|type=VERBATIM"
                + "|residual_type=\\w+|wasted_bits=[1-9])");
        for (Case c : probes) {
            Path flac = encodeAndCompare(c);
            Path analysis = dir.resolve(c.name() + ".ana");
            FlacTool.run(List.of("flac", "-s", "-f", "-a", "-o", analysis.toString(), flac.toString()));
            Matcher m = feature.matcher(Files.readString(analysis));
            while (m.find()) {
                seen.add(m.group().replace('\t', ' '));
            }
        }
        List<String> required = new ArrayList<>(List.of("channel_assignment=INDEPENDENT",
                "channel_assignment=LEFT_SIDE", "channel_assignment=RIGHT_SIDE", "channel_assignment=MID_SIDE",
                "type=CONSTANT", "type=VERBATIM", "type=LPC order=32", "residual_type=RICE", "residual_type=RICE2",
                "wasted_bits=3"));
        for (int order = 0; order <= 4; order++) {
            required.add("type=FIXED order=" + order);
        }
        for (String r : required) {
            assertTrue(seen.contains(r), () -> r + " not among the features flac chose: " + seen);
        }
    }

    /** Encodes the case with flac and checks FlacDecoder against flac -d, the signal and metaflac's MD5. */
    private static Path encodeAndCompare(Case c) throws Exception {
        int[][] signal = c.signal().get();
        String name = c.name().replaceAll("[^A-Za-z0-9.-]+", "_");
        Path flac = FlacTool.encode(dir, name, signal, c.rate(), c.bps(), c.options());
        int[][] reference = FlacTool.decode(flac, signal.length, c.bps());

        PcmAudio audio = FlacDecoder.decode(flac);

        assertEquals("flac", audio.format());
        assertEquals(c.rate(), audio.sampleRate());
        assertEquals(c.bps(), audio.bitsPerSample());
        assertEquals(signal.length, audio.channels());
        for (int ch = 0; ch < signal.length; ch++) {
            assertArrayEquals(reference[ch], audio.ints()[ch], "channel " + ch + " against flac -d");
            assertArrayEquals(signal[ch], reference[ch], "channel " + ch + ": flac round trip is lossless");
        }
        assertEquals(FlacTool.md5(flac), HexFormat.of().formatHex(audio.md5()), "MD5 against metaflac");
        return flac;
    }
}
