package org.greenspoof.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.greenspoof.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 15 #1-#3 for WAV: hostile headers are refused at the header, naming file and byte. */
class HostileAudioTest {
    /** Refusal is a header check: far below the 58 s a 1 Hz file took to upsample. */
    private static final Duration AT_THE_HEADER = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** A canonical 16-bit mono WAV (RIFF, or RF64 with a ds64 chunk claiming {@code ds64Size} data bytes). */
    static byte[] wav(boolean rf64, long ds64Size, long rate, byte[] samples) {
        ByteBuffer b = ByteBuffer.allocate(12 + (rf64 ? 36 : 0) + 24 + 8 + samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((rf64 ? "RF64" : "RIFF").getBytes(StandardCharsets.US_ASCII)).putInt(rf64 ? -1 : b.capacity() - 8)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        if (rf64) {
            b.put("ds64".getBytes(StandardCharsets.US_ASCII)).putInt(28).putLong(b.capacity() - 8).putLong(ds64Size)
                    .putLong(ds64Size / 2).putInt(0);
        }
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt((int) rate).putInt((int) rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(rf64 ? -1 : samples.length).put(samples);
        return b.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static FileFormatException refused(Path f, AudioLimits limits) {
        FileFormatException e = assertTimeoutPreemptively(AT_THE_HEADER,
                () -> assertThrows(FileFormatException.class, () -> AudioReader.readMono16k(f, limits)));
        assertTrue(e.getMessage().startsWith(f + ": at byte " + e.offset() + ": expected "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e;
    }

    @ParameterizedTest
    @ValueSource(longs = {0x7FFF_FFFF_FFFF_FFF0L, 0x8000_0000_0000_0000L, 0xFFFF_FFFF_FFFF_FFF0L, 1L << 40})
    void anRf64DataSizeNear2To63IsRefusedNamingTheFile(long ds64Size) throws IOException {
        Path f = write("rf64.wav", wav(true, ds64Size, 16000, new byte[64]));
        FileFormatException e = refused(f, AudioLimits.DEFAULT);
        assertTrue(e.getMessage().contains("a data chunk of at most 64 bytes")
                && e.getMessage().contains(Long.toUnsignedString(ds64Size)), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 3999, 384001, 1_000_000, Integer.MAX_VALUE, 0xFFFF_FFFFL})
    void ratesOutsideTheSupportedRangeAreRefusedAtTheHeader(long rate) throws IOException {
        Path f = write("rate.wav", wav(false, 0, rate, new byte[844 - 44]));
        FileFormatException e = refused(f, AudioLimits.DEFAULT);
        assertEquals(24, e.offset(), "the fmt chunk's rate field");
        assertTrue(e.getMessage().contains("a sample rate from 4000 to 384000 Hz, found " + rate + " Hz"), e.getMessage());
    }

    @Test
    void theEdgesOfTheRangeAreRead() throws IOException {
        for (int rate : new int[] {AudioLimits.MIN_RATE, AudioLimits.MAX_RATE}) {
            Path f = write("edge.wav", wav(false, 0, rate, new byte[2 * rate / 10]));
            assertEquals(rate, AudioReader.read(f).sampleRate());
            assertEquals(1600, AudioReader.readMono16k(f).length, "0.1 s at 16 kHz from " + rate + " Hz");
        }
    }

    @Test
    void audioLongerThanMaxSecondsIsRefusedBeforeDecoding() throws IOException {
        Path f = write("long.wav", wav(false, 0, 8000, new byte[2 * 8000 * 3]));
        FileFormatException e = refused(f, new AudioLimits(2.5));
        assertTrue(e.getMessage().contains("at most 2.5 s of audio (--max-seconds), found 24000 frames at 8000 Hz (3.0 s)"),
                e.getMessage());
        assertEquals(24000, AudioReader.read(f, new AudioLimits(3)).frames(), "exactly the limit is read");
    }
}
