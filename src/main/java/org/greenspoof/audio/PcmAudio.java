package org.greenspoof.audio;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Decoded audio exactly as stored: per-channel integer samples (signed, in [-2^(b-1), 2^(b-1)))
 * or, for IEEE float WAV, per-channel floating-point samples. Conversion to the float32 mono
 * signal the encoders consume happens in {@link #toMonoFloat()}.
 *
 * @param format        container name for reports ("flac", "wav")
 * @param sampleRate    frames per second
 * @param bitsPerSample bits of one stored sample (8..32 for integers, 32 or 64 for float)
 * @param ints          {@code [channel][frame]} signed integer samples; null for float audio
 * @param floats        {@code [channel][frame]} float samples; null for integer audio
 */
public record PcmAudio(String format, int sampleRate, int bitsPerSample, int[][] ints, double[][] floats) {
    /** Bytes {@link #digest} stages samples in: many frames of FLAC's widest (8 channels of 32 bits). */
    public static final int DIGEST_SCRATCH = 1 << 14;

    public PcmAudio {
        if ((ints == null) == (floats == null)) {
            throw new IllegalArgumentException("exactly one of ints and floats must be given");
        }
    }

    public boolean isFloat() {
        return floats != null;
    }

    public int channels() {
        return isFloat() ? floats.length : ints.length;
    }

    public int frames() {
        int c = channels();
        return c == 0 ? 0 : (isFloat() ? floats[0].length : ints[0].length);
    }

    public double seconds() {
        return sampleRate == 0 ? 0 : (double) frames() / sampleRate;
    }

    /**
     * Float32 mono samples scaled as soundfile and torchaudio scale them (an integer sample s of b
     * bits becomes s / 2^(b-1), so int16 / 32768), channels averaged.
     */
    public float[] toMonoFloat() {
        float[] out = new float[frames()];
        mix(ints, floats, bitsPerSample, 0, out.length, out);
        return out;
    }

    /**
     * Frames {@code from .. from + n} of {@code ints} (b-bit integers) or {@code floats} (one is
     * null) as {@link #toMonoFloat()} makes them, into out[0 .. n): decoders that stream a file
     * block by block use it so their samples are the whole file's.
     */
    public static void mix(int[][] ints, double[][] floats, int bitsPerSample, int from, int n, float[] out) {
        int c = ints != null ? ints.length : floats.length;
        if (c == 0) {
            return;
        }
        double scale = floats != null ? 1.0 : 1.0 / (1L << (bitsPerSample - 1));
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int ch = 0; ch < c; ch++) {
                sum += floats != null ? floats[ch][from + i] : ints[ch][from + i];
            }
            // Mono input stays exact: (float) (s * 2^-k) is what soundfile produces.
            out[i] = (float) (sum * scale / c);
        }
    }

    /**
     * MD5 of the samples as FLAC's STREAMINFO defines it: interleaved, little-endian, signed,
     * ceil(bits/8) bytes per sample. Float audio is hashed as its little-endian IEEE bytes.
     */
    public byte[] md5() {
        MessageDigest md = md5Digest();
        digest(md, ints, floats, bitsPerSample, 0, frames(), new byte[Math.max(DIGEST_SCRATCH, 8 * channels())]);
        return md.digest();
    }

    public static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds frames {@code from .. from + n} to {@code md} as {@link #md5()} hashes them, staged in
     * {@code scratch} (one frame at least; {@value #DIGEST_SCRATCH} bytes are plenty), so a FLAC decoder checks its MD5
     * frame by frame.
     */
    public static void digest(MessageDigest md, int[][] ints, double[][] floats, int bitsPerSample, int from, int n,
            byte[] scratch) {
        int c = ints != null ? ints.length : floats.length;
        boolean isFloat = floats != null;
        int bytes = isFloat ? bitsPerSample / 8 : (bitsPerSample + 7) / 8;
        int frame = c * bytes;
        byte[] buf = scratch;
        int pos = 0;
        for (int i = from; i < from + n; i++) {
            for (int ch = 0; ch < c; ch++) {
                pos = isFloat ? putFloat(buf, pos, floats[ch][i], bytes) : putInt(buf, pos, ints[ch][i], bytes);
            }
            if (pos + frame > buf.length) {
                md.update(buf, 0, pos);
                pos = 0;
            }
        }
        md.update(buf, 0, pos);
    }

    /** Little-endian, {@code bytes} wide; unrolled because this runs for every sample of every FLAC decode. */
    private static int putInt(byte[] buf, int pos, int v, int bytes) {
        buf[pos] = (byte) v;
        if (bytes > 1) {
            buf[pos + 1] = (byte) (v >> 8);
            if (bytes > 2) {
                buf[pos + 2] = (byte) (v >> 16);
                if (bytes > 3) {
                    buf[pos + 3] = (byte) (v >> 24);
                }
            }
        }
        return pos + bytes;
    }

    private static int putFloat(byte[] buf, int pos, double v, int bytes) {
        long bits = bytes == 4 ? Float.floatToRawIntBits((float) v) : Double.doubleToRawLongBits(v);
        for (int b = 0; b < bytes; b++) {
            buf[pos + b] = (byte) (bits >>> (8 * b));
        }
        return pos + bytes;
    }
}
