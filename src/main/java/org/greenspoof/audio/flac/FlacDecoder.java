package org.greenspoof.audio.flac;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.audio.PcmAudio;
import org.greenspoof.io.FileFormatException;

/**
 * A complete FLAC decoder (format as in RFC 9639): STREAMINFO, any other metadata skipped,
 * CONSTANT / VERBATIM / FIXED / LPC subframes, Rice residuals with escapes, wasted bits, all
 * stereo decorrelation modes, fixed and variable block sizes, 4 to 32-bit samples.
 *
 * <p>Every check the format offers is made: header CRC-8, frame CRC-16, frame or sample numbers
 * in sequence, the STREAMINFO sample count and, when present, its MD5 of the decoded audio. Any
 * failure is a {@link FileFormatException} naming the file, the byte offset and what was expected.
 */
public final class FlacDecoder implements java.io.Closeable {

    /** Largest file read into memory; an hour of 16 kHz speech is about 60 MB of FLAC. */
    public static final long MAX_FILE_BYTES = 1L << 30;
    /**
     * Most decoded samples (all channels together) held in memory: 2^28 ints are 1 GiB, 4.6 hours
     * of 16 kHz mono; less on a smaller heap (see {@link #sampleLimit()}). Guards against tiny
     * crafted files of CONSTANT frames that expand beyond the heap.
     */
    public static final long MAX_SAMPLES = 1L << 28;
    /**
     * Heap bytes per decoded sample the limit allows for: 4 for the int itself, 8 more while the
     * output arrays double (old and new copy), 4 for the float copy callers usually make.
     */
    private static final int HEAP_BYTES_PER_SAMPLE = 16;
    private static final int STREAMINFO_LENGTH = 34;
    private static final int INVALID_BLOCK_TYPE = 127;
    /** Smallest possible frame: sync+codes (4), coded number (1), CRC-8 (1), one 1-byte subframe, CRC-16 (2). */
    private static final int MIN_FRAME_BYTES = 9;
    /** Starting capacity when STREAMINFO does not state the sample count; arrays then double as needed. */
    private static final int UNKNOWN_LENGTH_CAPACITY = 1 << 16;
    private static final int ID3V1_LENGTH = 128;
    /** Bytes a streaming decoder reads the file through: many frames of common streams (4096 x 2 x 16 bits is 16 KB raw). */
    private static final int STREAM_WINDOW = 1 << 20;

    /**
     * The file's bytes from offset {@code origin}, valid up to {@code limit}: the whole file, or
     * (streaming, {@link #open}) a window of it read from {@code channel} as the frames advance.
     */
    private byte[] data;
    private int limit;
    private long origin;
    private boolean atEnd;
    private FileChannel channel;
    private final Path file;
    private final long maxSamples;
    private final AudioLimits limits;
    /** Most frames the limits allow at the STREAMINFO rate. */
    private long maxFrames;
    private int sampleRate;
    private int channels;
    private int bitsPerSample;
    private int maxBlockSize;
    private long totalSamples;
    private final byte[] md5 = new byte[16];
    private int md5At;
    /** Decoding state, frame by frame: the next frame's offset, frames and samples per channel so far. */
    private FrameDecoder frame;
    private int p;
    private long frames;
    private long decoded;
    private boolean variable;
    /** MD5 of the samples decoded so far; null when STREAMINFO gives none (all zeros) or once checked. */
    private MessageDigest digest;
    private byte[] digestScratch;

    private FlacDecoder(byte[] data, Path file, long maxSamples, AudioLimits limits) {
        this.data = data;
        this.limit = data.length;
        this.atEnd = true;
        this.file = file;
        this.maxSamples = maxSamples;
        this.limits = limits;
    }

    /** The decoded-sample limit on this JVM: {@link #MAX_SAMPLES}, or less when the heap is small. */
    public static long sampleLimit() {
        return Math.min(MAX_SAMPLES, Runtime.getRuntime().maxMemory() / HEAP_BYTES_PER_SAMPLE);
    }

    /** Reads and decodes a whole FLAC file. */
    public static PcmAudio decode(Path file) throws IOException {
        return decode(file, AudioLimits.DEFAULT);
    }

    /** Reads and decodes a whole FLAC file, refusing rates and durations outside {@code limits}. */
    public static PcmAudio decode(Path file, AudioLimits limits) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new FileFormatException(file, 0, "a FLAC file of at most " + MAX_FILE_BYTES + " bytes, found " + size);
        }
        return decode(Files.readAllBytes(file), file, sampleLimit(), limits);
    }

    /**
     * Decodes a FLAC stream held in memory.
     *
     * @param data the whole file
     * @param file the file's name for error messages
     */
    public static PcmAudio decode(byte[] data, Path file) throws FileFormatException {
        return decode(data, file, sampleLimit(), AudioLimits.DEFAULT);
    }

    /** As {@link #decode(byte[], Path)} with at most {@code maxSamples} decoded samples in all channels. */
    static PcmAudio decode(byte[] data, Path file, long maxSamples, AudioLimits limits) throws FileFormatException {
        FlacDecoder d = new FlacDecoder(data, file, maxSamples, limits);
        return d.decodeFrames(d.readMetadata());
    }

    /** Parses the magic and the metadata blocks; returns the offset of the first frame. */
    private int readMetadata() throws FileFormatException {
        int p = skipId3v2();
        require(p, 4, "the FLAC magic \"fLaC\"");
        if (data[p] != 'f' || data[p + 1] != 'L' || data[p + 2] != 'a' || data[p + 3] != 'C') {
            throw new FileFormatException(file, p, "the FLAC magic \"fLaC\", found "
                    + HexFormat.ofDelimiter(" ").formatHex(data, p, p + 4));
        }
        p += 4;
        boolean first = true;
        boolean last = false;
        while (!last) {
            require(p, 4, "a metadata block header");
            last = (data[p] & 0x80) != 0;
            int type = data[p] & 0x7F;
            int length = u24(p + 1);
            if (first != (type == 0)) {
                throw new FileFormatException(file, p, first
                        ? "STREAMINFO (type 0) as the first metadata block, found type " + type
                        : "no second STREAMINFO block");
            }
            if (type == INVALID_BLOCK_TYPE) {
                throw new FileFormatException(file, p, "a metadata block type other than the invalid 127");
            }
            require(p + 4, length, "a metadata block of type " + type + " and " + length + " bytes");
            if (type == 0) {
                readStreamInfo(p + 4, length);
            }
            p += 4 + length;
            first = false;
        }
        return p;
    }

    /** Length of an ID3v2 tag some taggers put before "fLaC", or 0. */
    private int skipId3v2() throws FileFormatException {
        if (limit < 10 || data[0] != 'I' || data[1] != 'D' || data[2] != '3') {
            return 0;
        }
        int size = 0;
        for (int i = 6; i < 10; i++) {
            if ((data[i] & 0x80) != 0) {
                throw new FileFormatException(file, i, "a syncsafe ID3v2 tag size byte (below 0x80)");
            }
            size = (size << 7) | data[i];
        }
        boolean footer = (data[5] & 0x10) != 0;
        int length = 10 + size + (footer ? 10 : 0);
        require(0, length, "the whole ID3v2 tag of " + length + " bytes");
        return length;
    }

    private void readStreamInfo(int q, int length) throws FileFormatException {
        if (length != STREAMINFO_LENGTH) {
            throw new FileFormatException(file, q - 3, "a STREAMINFO block of 34 bytes, found " + length);
        }
        int minBlockSize = u16(q);
        maxBlockSize = u16(q + 2);
        long packed = 0;
        for (int i = 0; i < 8; i++) {
            packed = (packed << 8) | (data[q + 10 + i] & 0xFF);
        }
        sampleRate = (int) (packed >>> 44);
        channels = (int) ((packed >>> 41) & 7) + 1;
        bitsPerSample = (int) ((packed >>> 36) & 31) + 1;
        totalSamples = packed & 0xF_FFFF_FFFFL;
        md5At = q + 18;
        System.arraycopy(data, md5At, md5, 0, 16);
        if (minBlockSize < 16 || maxBlockSize < minBlockSize) {
            throw new FileFormatException(file, q, "STREAMINFO block sizes with 16 <= minimum <= maximum, found "
                    + minBlockSize + " and " + maxBlockSize);
        }
        AudioLimits.checkRate(file, q + 10, sampleRate);
        maxFrames = limits.maxFrames(sampleRate);
        limits.checkFrames(file, q + 13, totalSamples, sampleRate);
        if (bitsPerSample < 4) {
            throw new FileFormatException(file, q + 12, "STREAMINFO bits per sample of 4 to 32, found " + bitsPerSample);
        }
        if (totalSamples * channels > maxSamples) {
            throw new FileFormatException(file, q + 13, "at most " + maxSamples
                    + " samples in all channels (the decoder's memory limit), found " + totalSamples + " frames of "
                    + channels + " channels");
        }
    }

    private PcmAudio decodeFrames(int firstFrame) throws FileFormatException {
        start(firstFrame);
        long plausible = ((long) (data.length - firstFrame) / MIN_FRAME_BYTES + 1) * maxBlockSize;
        long capacity = Math.min(totalSamples > 0 ? totalSamples : UNKNOWN_LENGTH_CAPACITY, plausible);
        int[][] out = new int[channels][(int) Math.min(capacity, maxSamples / channels)];
        int n;
        while ((n = nextHeader()) >= 0) {
            long end = decoded + n;
            if (end * channels > maxSamples) {
                throw new FileFormatException(file, p, "at most " + maxSamples
                        + " decoded samples in all channels (the decoder's memory limit)");
            }
            if (end > out[0].length) {
                int grown = (int) Math.min(Math.max(end, 2L * out[0].length), maxSamples / channels);
                for (int ch = 0; ch < channels; ch++) {
                    out[ch] = Arrays.copyOf(out[ch], grown);
                }
            }
            nextBody(out, (int) decoded);
        }
        if (decoded != out[0].length) {
            for (int ch = 0; ch < channels; ch++) {
                out[ch] = Arrays.copyOf(out[ch], (int) decoded);
            }
        }
        return new PcmAudio("flac", sampleRate, bitsPerSample, out, null);
    }

    /**
     * Opens a FLAC file to decode frame by frame ({@link #next}), refusing rates and durations
     * outside {@code limits}. The file is read through a window that holds the metadata, then a
     * few frames (more only for a frame larger than half of it), and the decoded audio is a frame
     * at a time: memory does not grow with the length, so no memory limit applies.
     */
    public static FlacDecoder open(Path file, AudioLimits limits) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            FlacDecoder d = new FlacDecoder(new byte[STREAM_WINDOW], file, Long.MAX_VALUE, limits);
            d.channel = ch;
            d.limit = 0;
            d.atEnd = false;
            d.fill();
            int first;
            while (true) {
                try {
                    first = d.readMetadata();
                    break;
                } catch (Truncated t) {
                    d.grow(t);
                }
            }
            d.start(first);
            return d;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Closes the file a streaming decoder reads. */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int channels() {
        return channels;
    }

    public int bitsPerSample() {
        return bitsPerSample;
    }

    /** Frames (samples per channel) STREAMINFO declares; 0 when it does not say. */
    public long totalSamples() {
        return totalSamples;
    }

    /** Largest block a frame holds: the size {@link #next}'s arrays need. */
    public int maxBlockSize() {
        return maxBlockSize;
    }

    /**
     * Decodes the next frame into block[channel][0 ..); returns its block size, or -1 after the last
     * frame, once the sample count and MD5 STREAMINFO declares are checked.
     */
    public int next(int[][] block) throws IOException {
        if (channel != null && !atEnd && limit - p < data.length / 2) {
            slide(data.length);
        }
        while (true) {
            try {
                int n = nextHeader();
                if (n >= 0) {
                    nextBody(block, 0);
                }
                return n;
            } catch (Truncated t) {
                grow(t); // a frame larger than what the window had left: decode it again from its start
            }
        }
    }

    /** A truncated file at its end; else the window doubled (from the current frame on) and filled. */
    private void grow(Truncated t) throws IOException {
        if (atEnd) {
            throw t;
        }
        slide(2 * data.length);
    }

    /** Moves the window to start at the current frame, {@code capacity} bytes long, and fills it. */
    private void slide(int capacity) throws IOException {
        byte[] to = capacity == data.length ? data : new byte[capacity];
        System.arraycopy(data, p, to, 0, limit - p);
        data = to;
        limit -= p;
        origin += p;
        p = 0;
        fill();
    }

    /** Reads the file into the window after its valid bytes, until the window is full or the file ends. */
    private void fill() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, limit, data.length - limit);
        while (b.hasRemaining()) {
            if (channel.read(b, origin + b.position()) < 0) {
                atEnd = true;
                break;
            }
        }
        limit = b.position();
        if (frame != null) {
            frame.window(data, limit, origin);
        }
    }

    private void start(int firstFrame) {
        frame = new FrameDecoder(file, sampleRate, channels, bitsPerSample, maxBlockSize);
        frame.window(data, limit, origin);
        p = firstFrame;
        if (!Arrays.equals(md5, new byte[16])) {
            digest = PcmAudio.md5Digest();
            digestScratch = new byte[PcmAudio.DIGEST_SCRATCH];
        }
    }

    /**
     * Reads and checks the next frame's header (its place in the sequence, the declared and allowed
     * lengths); returns its block size, or -1 at the end of the frames after the end's checks.
     */
    private int nextHeader() throws FileFormatException {
        if (atEnd && (p >= limit || isId3v1Trailer(p))) {
            finish();
            return -1;
        }
        frame.readHeader(p);
        if (frames == 0) {
            variable = frame.variableBlockSize();
        } else if (frame.variableBlockSize() != variable) {
            throw new FileFormatException(file, origin + p + 1, (variable ? "variable" : "fixed")
                    + " block size frames as in the first frame");
        }
        long expected = variable ? decoded : frames;
        if (frame.number() != expected) {
            throw new FileFormatException(file, origin + p + 4, (variable ? "sample number " : "frame number ")
                    + expected + " in sequence, found " + frame.number());
        }
        long end = decoded + frame.blockSize();
        if (totalSamples > 0 && end > totalSamples) {
            throw new FileFormatException(file, origin + p, "no more than the " + totalSamples
                    + " samples per channel STREAMINFO declares, but this frame ends at sample " + end);
        }
        if (end > maxFrames) {
            throw new FileFormatException(file, origin + p, "at most " + maxFrames + " frames (" + limits.maxSeconds()
                    + " s at " + sampleRate + " Hz, --max-seconds), but this frame ends at frame " + end
                    + " and the stream goes on");
        }
        return frame.blockSize();
    }

    /** Decodes the body of the frame whose header {@link #nextHeader} read into out[channel][offset ..). */
    private void nextBody(int[][] out, int offset) throws FileFormatException {
        p = frame.decodeBody(out, offset);
        if (digest != null) {
            PcmAudio.digest(digest, out, null, bitsPerSample, offset, frame.blockSize(), digestScratch);
        }
        decoded += frame.blockSize();
        frames++;
    }

    private void finish() throws FileFormatException {
        if (totalSamples > 0 && decoded != totalSamples) {
            throw new FileFormatException(file, origin + p, "the " + totalSamples
                    + " samples per channel STREAMINFO declares, but the stream ends after " + decoded);
        }
        if (digest != null) {
            byte[] actual = digest.digest();
            digest = null; // checked once, however often the end is asked for
            if (!Arrays.equals(actual, md5)) {
                HexFormat hex = HexFormat.of();
                throw new FileFormatException(file, md5At, "the STREAMINFO MD5 " + hex.formatHex(md5)
                        + " of the decoded audio, found " + hex.formatHex(actual));
            }
        }
    }

    /** A 128-byte ID3v1 tag ("TAG...") that some taggers append after the last frame. */
    private boolean isId3v1Trailer(int p) {
        return limit - p == ID3V1_LENGTH
                && new String(data, p, 3, StandardCharsets.ISO_8859_1).equals("TAG");
    }

    private void require(long at, long n, String what) throws FileFormatException {
        if (at + n > limit) {
            throw new Truncated(file, origin + limit, what);
        }
    }

    private int u16(int p) {
        return ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
    }

    private int u24(int p) {
        return ((data[p] & 0xFF) << 16) | u16(p + 1);
    }
}
