package org.greenspoof.audio.flac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import org.greenspoof.audio.PcmAudio;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlacWriterTest {

    @TempDir
    Path tmp;

    /** Lengths around the 4096-sample block, frame numbers past the 1-byte UTF-8 range, and 44.1 kHz. */
    @ParameterizedTest
    @CsvSource({"0,16000", "1,16000", "4095,16000", "4096,16000", "4097,16000", "700000,16000", "5000,44100"})
    void referenceFlacDecodesItToTheSameSamples(int n, int rate) throws IOException, InterruptedException {
        float[] x = new float[n];
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (1.2 * Math.sin(i * 0.013) * Math.cos(i * 0.0007)); // clips at the peaks
            expected[i] = (int) Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768.0)));
        }
        Path f = tmp.resolve("t.flac");
        FlacWriter.write16(f, x, rate);

        PcmAudio a = FlacDecoder.decode(f); // checks CRC-8, CRC-16 and the STREAMINFO MD5
        assertEquals(rate, a.sampleRate());
        assertEquals(16, a.bitsPerSample());
        assertArrayEquals(expected, a.ints()[0]);

        FlacTool.assumeInstalled();
        int[] got = FlacTool.decode(f, 1, 16)[0];
        assertEquals(FlacTool.md5(f), HexFormat.of().formatHex(a.md5()), "STREAMINFO MD5 as metaflac reads it");
        assertArrayEquals(expected, got);
    }
}
