package org.greenspoof.audio.flac;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.greenspoof.io.AtomicFiles;

/**
 * The smallest valid FLAC encoder: mono 16-bit, fixed 4096-sample blocks, VERBATIM subframes (no
 * compression), STREAMINFO with the MD5 of the samples. Enough to write test and demonstration
 * corpora in the format the ASVspoof layouts use, readable by any FLAC decoder.
 */
public final class FlacWriter {
    private static final int BLOCK = 4096;

    private FlacWriter() {
    }

    /** Writes float samples in [-1, 1) as 16-bit (rounded, clipped) FLAC, atomically. */
    public static void write16(Path file, float[] samples, int sampleRate) throws IOException {
        if (sampleRate <= 0 || sampleRate >= 1 << 20) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " out of FLAC's range");
        }
        short[] s = new short[samples.length];
        byte[] pcm = new byte[2 * s.length];
        for (int i = 0; i < s.length; i++) {
            long v = Math.round(samples[i] * 32768.0);
            s[i] = (short) Math.max(-32768, Math.min(32767, v));
            pcm[2 * i] = (byte) s[i];
            pcm[2 * i + 1] = (byte) (s[i] >> 8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(2 * s.length + 1024);
        out.write(new byte[] {'f', 'L', 'a', 'C', (byte) 0x80, 0, 0, 34});
        byte[] info = new byte[34];
        info[0] = (byte) (BLOCK >> 8);
        info[2] = (byte) (BLOCK >> 8);
        // 20 bits rate, 3 bits channels-1 (0), 5 bits bps-1 (15), 36 bits total samples.
        long packed = ((long) sampleRate << 44) | (15L << 36) | (s.length & 0xFFFFFFFFFL);
        for (int i = 0; i < 8; i++) {
            info[10 + i] = (byte) (packed >>> (56 - 8 * i));
        }
        System.arraycopy(md5(pcm), 0, info, 18, 16);
        out.write(info);
        byte[] frame = new byte[16 + 2 * BLOCK + 2];
        for (int start = 0, number = 0; start < s.length; start += BLOCK, number++) {
            int n = Math.min(BLOCK, s.length - start), p = 0;
            frame[p++] = (byte) 0xFF;
            frame[p++] = (byte) 0xF8; // sync, fixed-blocksize stream
            // Block size: 16-bit (n-1) after the header; rate: 16 kHz code, else "from STREAMINFO".
            frame[p++] = (byte) (0x70 | (sampleRate == 16000 ? 0x5 : 0x0));
            frame[p++] = (byte) 0x08; // mono, 16 bits per sample
            p = utf8(frame, p, number);
            frame[p++] = (byte) ((n - 1) >> 8);
            frame[p++] = (byte) (n - 1);
            frame[p] = (byte) Crc.crc8(frame, 0, p);
            p++;
            frame[p++] = 0x02; // VERBATIM subframe, no wasted bits
            for (int i = 0; i < n; i++) {
                frame[p++] = (byte) (s[start + i] >> 8);
                frame[p++] = (byte) s[start + i];
            }
            int crc = Crc.crc16(frame, 0, p);
            frame[p++] = (byte) (crc >> 8);
            frame[p++] = (byte) crc;
            out.write(frame, 0, p);
        }
        AtomicFiles.write(file, out.toByteArray());
    }

    /** FLAC's UTF-8-like coding of the frame number (up to 31 bits here). */
    private static int utf8(byte[] b, int p, int v) {
        if (v < 0x80) {
            b[p++] = (byte) v;
            return p;
        }
        int extra = v < 0x800 ? 1 : v < 0x10000 ? 2 : v < 0x200000 ? 3 : v < 0x4000000 ? 4 : 5;
        b[p++] = (byte) ((0xFF00 >> (extra + 1)) | (v >>> (6 * extra)));
        for (int i = extra - 1; i >= 0; i--) {
            b[p++] = (byte) (0x80 | ((v >>> (6 * i)) & 0x3F));
        }
        return p;
    }

    private static byte[] md5(byte[] pcm) {
        try {
            return MessageDigest.getInstance("MD5").digest(pcm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
