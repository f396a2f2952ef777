package org.greenspoof.audio.flac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.greenspoof.audio.PcmAudio;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streams flac's encoder cannot produce, written by {@link CraftedFlac}: each is first accepted by
 * flac -t (libFLAC decodes it and checks the STREAMINFO MD5 of the original signal), then
 * FlacDecoder must return exactly the signal.
 */
class FlacCraftedTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void flacInstalled() {
        FlacTool.assumeInstalled();
    }

    /**
     * Variable block sizes chosen to hit every block size code (table, 8-bit and 16-bit values
     * after the header), with every stereo mode, fixed order, both Rice widths and escaped
     * partitions rotating from frame to frame.
     */
    @Test
    void variableBlockSizesWithEscapesAndAllStereoModes() throws Exception {
        int[] sizes = {1000, 4096, 17, 576, 192, 4608, 333, 256, 2304, 1152, 16, 4000, 61};
        int total = 0;
        for (int n : sizes) {
            total += n;
        }
        int[][] x = Signals.speechLike(2, total, 16000, 16, 40);
        CraftedFlac w = new CraftedFlac(16000, 2, 16, true);
        int[] modes = {0, 8, 9, 10};
        w.maxPartitionOrder = 4;
        for (int f = 0, at = 0; f < sizes.length; at += sizes[f], f++) {
            w.assignment = modes[f % 4];
            w.fixedOrder = Math.min(f % 5, sizes[f]);
            w.riceMethod = f % 2;
            w.escapeEvery = 1 + f % 3;
            w.frame(x, at, sizes[f]);
        }
        Path file = write("variable.flac", w.build());

        String analysis = analyze(file);
        assertTrue(analysis.contains("ESCAPE"), "flac --analyze sees escaped partitions");
        assertTrue(analysis.contains("blocksize=17\t"), "flac --analyze sees the 17-sample block");
        assertDecodesTo(file, x, 16000, 16);
        assertArrayEquals(FlacTool.decode(file, 2, 16), FlacDecoder.decode(file).ints(), "against flac -d");
    }

    /** Bit depths with their own header code (12, 20) and without one (4, 13: taken from STREAMINFO). */
    @ParameterizedTest
    @ValueSource(ints = {4, 12, 13, 20})
    void uncommonBitDepths(int bps) throws Exception {
        int[][] x = Signals.speechLike(2, 9000, 22050, bps, 41);
        x[1] = Signals.fullScale(1, 9000, bps, 42)[0];
        CraftedFlac w = new CraftedFlac(22050, 2, bps, false);
        for (int at = 0; at < 9000; at += 4096) {
            w.assignment = at == 0 ? 10 : 0;
            w.frame(x, at, Math.min(4096, 9000 - at));
        }
        assertDecodesTo(write("depth" + bps + ".flac", w.build()), x, 22050, bps);
    }

    /** STREAMINFO may leave the sample count (0) and the MD5 (all zero) unknown. */
    @Test
    void unknownLengthAndMd5() throws Exception {
        int[][] x = Signals.speechLike(1, 70000, 16000, 16, 43);
        CraftedFlac w = new CraftedFlac(16000, 1, 16, false);
        for (int at = 0; at < x[0].length; at += 4096) {
            w.frame(x, at, Math.min(4096, x[0].length - at));
        }
        assertDecodesTo(write("unknown.flac", w.build(0, new byte[16])), x, 16000, 16);
    }

    /** Metadata blocks of every kind, including a reserved type, are skipped by their length. */
    @Test
    void skipsOtherMetadataBlocks() throws Exception {
        int[][] x = Signals.speechLike(1, 5000, 16000, 16, 44);
        CraftedFlac w = new CraftedFlac(16000, 1, 16, false)
                .metadata(1, new byte[100])
                .metadata(2, "grsp-application-data".getBytes(StandardCharsets.US_ASCII))
                .metadata(10, new byte[] {1, 2, 3, 4, 5})
                .metadata(1, new byte[0]);
        w.frame(x, 0, 4096).frame(x, 4096, 904);
        Path crafted = write("metadata.flac", w.build());
        assertDecodesTo(crafted, x, 16000, 16);

        // A picture and tags added by metaflac to a flac-encoded file (which has a seek table and padding).
        Path png = dir.resolve("cover.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", png.toFile());
        Path encoded = FlacTool.encode(dir, "tagged", x, 16000, 16, List.of("-5"));
        FlacTool.run(List.of("metaflac", "--import-picture-from=3|image/png|cover||" + png, "--set-tag=TITLE=test",
                encoded.toString()));
        String listing = FlacTool.run(List.of("metaflac", "--list", encoded.toString()));
        for (String type : List.of("PICTURE", "VORBIS_COMMENT", "SEEKTABLE", "PADDING")) {
            assertTrue(listing.contains(type), () -> type + " block present");
        }
        assertDecodesTo(encoded, x, 16000, 16);
    }

    /**
     * An ID3v2 tag before "fLaC" (libFLAC skips it too) and a 128-byte ID3v1 tag after the last
     * frame (which libFLAC reports as lost sync; we accept exactly that tag and nothing else).
     */
    @Test
    void skipsId3Tags() throws Exception {
        int[][] x = Signals.speechLike(1, 5000, 16000, 16, 45);
        byte[] flac = Files.readAllBytes(FlacTool.encode(dir, "id3", x, 16000, 16, List.of("-5")));
        byte[] id3v2 = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 20};
        byte[] tagged = new byte[id3v2.length + 20 + flac.length + 128];
        System.arraycopy(id3v2, 0, tagged, 0, id3v2.length);
        System.arraycopy(flac, 0, tagged, 30, flac.length);
        assertDecodesTo(write("id3v2.flac", Arrays.copyOf(tagged, 30 + flac.length)), x, 16000, 16);

        byte[] id3v1 = "TAGtitle".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(id3v1, 0, tagged, 30 + flac.length, id3v1.length);
        assertArrayEquals(x, FlacDecoder.decode(write("id3v1.flac", tagged)).ints());
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private String analyze(Path file) throws Exception {
        Path out = dir.resolve(file.getFileName() + ".ana");
        FlacTool.run(List.of("flac", "-s", "-f", "-a", "-o", out.toString(), file.toString()));
        return Files.readString(out);
    }

    /** flac -t accepts the file, and FlacDecoder returns exactly {@code x} with a matching MD5. */
    private static void assertDecodesTo(Path file, int[][] x, int rate, int bps) throws Exception {
        FlacTool.run(List.of("flac", "-s", "-t", file.toString()));
        PcmAudio audio = FlacDecoder.decode(file);
        assertEquals(rate, audio.sampleRate());
        assertEquals(bps, audio.bitsPerSample());
        assertArrayEquals(x, audio.ints());
        String md5 = FlacTool.md5(file);
        if (!md5.equals("00000000000000000000000000000000")) {
            assertEquals(md5, HexFormat.of().formatHex(audio.md5()));
        }
    }
}
