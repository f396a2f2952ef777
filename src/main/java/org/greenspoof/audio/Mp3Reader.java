package org.greenspoof.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.JavaLayerException;
import javazoom.jl.decoder.Obuffer;
import org.greenspoof.io.FileFormatException;

/**
 * MPEG-1, -2 and -2.5 audio layer III ("MP3"), decoded by JLayer 1.0.1 (javazoom, LGPL 2.1).
 *
 * <p>JLayer resynchronises silently on damage and fails with runtime exceptions on garbage, so it
 * never sees the file itself: this class walks the frame chain first, frame by frame, and hands
 * JLayer only whole, consistent frames. Every frame must follow the previous one directly, with
 * the version, layer, sample rate and channel count of the first; only an ID3v2 tag in front and
 * an ID3v1 or APEv2 tag at the end are skipped. Anything else (a cut last frame, bytes between
 * frames, free-format bitrates) is a {@link FileFormatException} at that frame's byte, and so is
 * any exception JLayer throws while decoding one.
 *
 * <p>Samples are taken as JLayer's synthesis filter computes them, in float, before its rounding
 * to 16 bits, and scaled back to full scale +-1 (JLayer scales by {@value #JLAYER_SCALE}, not
 * 32768). A LAME/Xing info frame is not audio and is skipped; the encoder delay and padding it
 * records are trimmed as mpg123 and ffmpeg trim them (gapless decoding), so the samples line up
 * with the encoder's input.
 */
final class Mp3Reader {
    /** The output scale of JLayer's SynthesisFilter (Decoder hard-codes it to keep 16-bit output off the clip). */
    private static final float JLAYER_SCALE = 32700f;
    /**
     * Samples every layer III decoder emits before the first input sample: the hybrid filter bank's
     * 528 plus one of the polyphase synthesis; LAME's delay field excludes it, decoders add it
     * (mpg123's GAPLESS_DELAY).
     */
    static final int DECODER_DELAY = 529;
    private static final int ID3V2_HEADER = 10;
    private static final int ID3V1_LENGTH = 128;
    private static final int HEADER_BYTES = 4;
    /** Largest layer III frame: 144 * 320 kbit/s / 32 kHz + 1 padding byte (LSF: 72 * 160 / 8 + 1, the same). */
    private static final int MAX_FRAME_BYTES = 1441;
    /**
     * Frames JLayer may have read ahead of the one it decodes: its BufferedInputStream (8192 bytes)
     * and pushback buffer (1732) hold at most 9924 / 48 (the smallest layer III frame) + 2 frames.
     */
    private static final int READ_AHEAD_FRAMES = 256;
    /** Bytes of the LAME extension of an info frame, after the Xing fields. */
    private static final int LAME_TAG_BYTES = 36;
    /** Offset of the 12-bit encoder delay and padding inside the LAME extension. */
    private static final int LAME_DELAY_AT = 21;

    private static final int[] MPEG1_KBPS = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1};
    private static final int[] LSF_KBPS = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1};
    private static final int[][] RATES = {{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000}};

    private Mp3Reader() {
    }

    /** Whether a file starting with these two bytes starts with an MPEG audio frame sync (11 bits set). */
    static boolean isSync(int b0, int b1) {
        return b0 == 0xFF && (b1 & 0xE0) == 0xE0;
    }

    static PcmAudio read(Path file, AudioLimits limits) throws IOException {
        long size = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            Frames frames = new Frames(raw, file, size);
            frames.begin(limits, Frames.sampleLimit());
            while (frames.decodeFrame()) {
                // the sink collects the samples
            }
            return new PcmAudio("mp3", frames.first.rate, 32, null, frames.sink.take((int) frames.outFrames));
        }
    }

    /** Opens {@code file} to decode frame by frame, within {@code limits}; the stream closes the file. */
    static AudioStream open(Path file, AudioLimits limits) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        try {
            Frames frames = new Frames(raw, file, Files.size(file));
            frames.begin(limits, Long.MAX_VALUE);
            return new AudioStream(frames.new Blocks());
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** One layer III frame header, as ISO 11172-3 / 13818-3 define it. */
    private record FrameHeader(int version, int rate, boolean mono, int length, int samples, boolean crc) {
        /** Layer III header at {@code at}, or an exception saying what is wrong with it. */
        static FrameHeader parse(int h, Path file, long at) throws FileFormatException {
            if ((h >>> 21) != 0x7FF) {
                throw new FileFormatException(file, at, String.format("an MP3 frame header (sync 0xFFE), found %08x", h));
            }
            int version = (h >>> 19) & 3, layer = (h >>> 17) & 3, br = (h >>> 12) & 15, sr = (h >>> 10) & 3;
            if (version == 1 || layer == 0 || sr == 3) {
                throw new FileFormatException(file, at, String.format("an MP3 frame header with a defined "
                        + "version, layer and sample rate, found %08x", h));
            }
            if (layer != 1) {
                throw AudioReader.unsupported(file, at, "MPEG audio layer " + (layer == 3 ? "I (MP1)" : "II (MP2)"));
            }
            boolean mpeg1 = version == 3;
            int kbps = (mpeg1 ? MPEG1_KBPS : LSF_KBPS)[br];
            if (kbps <= 0) {
                throw new FileFormatException(file, at + 2, (kbps == 0 ? "a fixed bitrate (free-format MP3 is not supported)"
                        : "a bitrate index other than the reserved 15") + String.format(", found header %08x", h));
            }
            int rate = RATES[version][sr];
            int pad = (h >>> 9) & 1;
            int length = (mpeg1 ? 144 : 72) * kbps * 1000 / rate + pad;
            return new FrameHeader(version, rate, ((h >>> 6) & 3) == 3, length, mpeg1 ? 1152 : 576, ((h >>> 16) & 1) == 0);
        }

        /** Bytes from the frame's start to its main data: header, CRC, side information. */
        int sideInfoEnd() {
            boolean mpeg1 = version == 3;
            return HEADER_BYTES + (crc ? 2 : 0) + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
        }

        String describe() {
            return "MPEG-" + (version == 3 ? "1" : version == 2 ? "2" : "2.5") + " layer III at " + rate + " Hz, "
                    + (mono ? "mono" : "stereo");
        }
    }

    /**
     * The file's audio frames as one stream for JLayer, checked one by one as JLayer asks for them,
     * plus the decoding loop. Remembers where the recent frames start, for error messages.
     */
    private static final class Frames extends InputStream {
        private final InputStream in;
        private final Path file;
        private final long size;
        private final byte[] frame = new byte[MAX_FRAME_BYTES];
        private final long[] starts = new long[READ_AHEAD_FRAMES];
        private final byte[] one = new byte[1];
        private int frameLength;
        private int served;
        /** Byte offset of the next unread byte of the file. */
        private long pos;
        /** Frames handed to JLayer so far. */
        private long handed;
        private FrameHeader first;
        private boolean ended;
        private int delay = -1, padding;
        private long declaredFrames = -1;
        /** Decoding state, set by begin: the limits, JLayer and the sink it fills, frames decoded so far. */
        private AudioLimits limits;
        private long firstAt;
        private long maxFrames;
        private long limit;
        private Sink sink;
        private Bitstream bits;
        private Decoder decoder;
        private long decoded;
        /** Samples per channel of the audio, once the last frame is decoded. */
        private long outFrames;

        Frames(InputStream in, Path file, long size) {
            this.in = in;
            this.file = file;
            this.size = size;
        }

        /**
         * Reads up to the first audio frame (an info frame gives the length and the encoder's delay
         * and padding) and checks the declared length; at most {@code memoryLimit} samples in all
         * channels will be decoded.
         */
        void begin(AudioLimits limits, long memoryLimit) throws IOException {
            this.limits = limits;
            skipId3v2();
            if (!loadFrame()) {
                throw new FileFormatException(file, pos, "an MP3 frame, but the file holds none");
            }
            firstAt = starts[0];
            if (readInfoFrame() && !loadFrame()) {
                ended = true; // an info frame alone: no audio
            }
            int channels = first.mono ? 1 : 2;
            maxFrames = limits.maxFrames(first.rate);
            if (declaredFrames >= 0) {
                limits.checkFrames(file, firstAt, declaredFrames * first.samples - Math.max(0, delay) - padding, first.rate);
            }
            limit = Math.min(maxFrames + skipFront() + padding + first.samples, memoryLimit / channels);
            sink = new Sink(channels, skipFront());
            bits = new Bitstream(this);
            decoder = new Decoder();
            decoder.setOutputBuffer(sink);
        }

        /**
         * Decodes the next frame into the sink; false after the last one, once the frame count
         * and length are checked and {@link #outFrames} is set.
         */
        boolean decodeFrame() throws IOException {
            long at = starts[(int) (decoded % READ_AHEAD_FRAMES)];
            try {
                Header h = bits.readFrame();
                if (h == null) {
                    finish();
                    return false;
                }
                if (sink.position() + first.samples > limit) {
                    throw new FileFormatException(file, at, "at most " + maxFrames + " MP3 frames (" + limits.maxSeconds()
                            + " s at " + first.rate + " Hz, --max-seconds, or the decoder's memory limit), but the stream goes on");
                }
                decoder.decodeFrame(h, bits);
                bits.closeFrame();
            } catch (JavaLayerException | RuntimeException e) {
                throw ownOr(e, at);
            }
            decoded++;
            return true;
        }

        private void finish() throws FileFormatException {
            if (decoded != handed) {
                throw new FileFormatException(file, starts[(int) (decoded % READ_AHEAD_FRAMES)], "every frame decoded, but "
                        + "JLayer stopped after " + decoded + " of " + handed);
            }
            long total = decoded * first.samples;
            outFrames = Math.max(0, total - trimmedEnd() - skipFront());
            limits.checkFrames(file, firstAt, outFrames, first.rate);
        }

        /** Samples at the end that are the encoder's padding, not its input (all of them but the decoder's delay). */
        private long trimmedEnd() {
            return delay < 0 ? 0 : Math.max(0, padding - DECODER_DELAY);
        }

        /** The frames a few at a time, mixed to mono, holding back what may be the encoder's padding until the end. */
        final class Blocks extends AudioStream.Source {
            private final double[][] block = new double[first.mono ? 1 : 2][first.samples];

            Blocks() {
                super(first.rate, first.mono ? 1 : 2, first.samples, in);
            }

            @Override
            public long frames() {
                return declaredFrames < 0 || delay < 0 ? -1
                        : Math.max(0, declaredFrames * first.samples - trimmedEnd() - skipFront());
            }

            @Override
            public int next() throws IOException {
                while (sink.written() <= trimmedEnd()) {
                    if (!decodeFrame()) {
                        return -1; // what is left is the padding
                    }
                }
                int n = (int) Math.min(mono.length, sink.written() - trimmedEnd());
                sink.moveTo(block, n);
                PcmAudio.mix(null, block, 32, 0, n, mono);
                return n;
            }
        }

        /**
         * Our own refusal when JLayer failed because this stream threw it (JLayer wraps it, once or
         * twice), else JLayer's failure as one at the frame it was decoding.
         */
        private FileFormatException ownOr(Exception e, long at) {
            for (Throwable t = e; t != null; t = t instanceof JavaLayerException j ? j.getException() : t.getCause()) {
                if (t instanceof FileFormatException f) {
                    return f;
                }
            }
            return new FileFormatException(file, at, "an MP3 frame JLayer can decode, but it failed: " + e);
        }

        /** Samples at the start that are not the encoder's input: its delay plus the decoder's. */
        private int skipFront() {
            return delay < 0 ? 0 : delay + DECODER_DELAY;
        }

        static long sampleLimit() {
            // 4 bytes a float, 8 while the arrays double, 8 for the double copy PcmAudio holds, 4 for the mono copy.
            return Math.min(1L << 28, Runtime.getRuntime().maxMemory() / 24);
        }

        private void skipId3v2() throws IOException {
            in.mark(ID3V2_HEADER);
            byte[] h = in.readNBytes(ID3V2_HEADER);
            if (h.length < ID3V2_HEADER || h[0] != 'I' || h[1] != 'D' || h[2] != '3') {
                in.reset();
                return;
            }
            long tag = 0;
            for (int i = 6; i < 10; i++) {
                if ((h[i] & 0x80) != 0) {
                    throw new FileFormatException(file, i, "a syncsafe ID3v2 tag size byte (below 0x80)");
                }
                tag = (tag << 7) | h[i];
            }
            long end = ID3V2_HEADER + tag + ((h[5] & 0x10) != 0 ? ID3V2_HEADER : 0);
            if (end > size) {
                throw new FileFormatException(file, 6, "an ID3v2 tag within the file, but it claims " + end + " bytes of "
                        + size);
            }
            in.skipNBytes(end - ID3V2_HEADER);
            pos = end;
        }

        /**
         * Reads the next frame into {@link #frame}; false at the end of the audio (the end of the
         * file, or an ID3v1/APEv2 tag running to it).
         */
        private boolean loadFrame() throws IOException {
            long at = pos;
            if (size - at < HEADER_BYTES) {
                if (at == size) {
                    return false;
                }
                throw new FileFormatException(file, at, "an MP3 frame or the end of the file, found " + (size - at)
                        + " stray bytes");
            }
            in.mark(8);
            byte[] h = in.readNBytes(8);
            in.reset();
            if (isTrailer(h, at)) {
                return false;
            }
            int bits = ((h[0] & 0xFF) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
            FrameHeader fh = FrameHeader.parse(bits, file, at);
            if (first == null) {
                first = fh;
            } else if (fh.version != first.version || fh.rate != first.rate || fh.mono != first.mono) {
                throw new FileFormatException(file, at, "MP3 frames of one stream (" + first.describe()
                        + " as the first frame), found " + fh.describe());
            }
            if (at + fh.length > size) {
                throw new FileFormatException(file, size, "the whole MP3 frame of " + fh.length + " bytes that starts at byte "
                        + at + ": the file is truncated");
            }
            in.readNBytes(frame, 0, fh.length);
            pos = at + fh.length;
            frameLength = fh.length;
            served = 0;
            starts[(int) (handed % READ_AHEAD_FRAMES)] = at;
            handed++;
            return true;
        }

        /** An ID3v1 tag filling the file's last 128 bytes, or an APEv2 tag running to the end. */
        private boolean isTrailer(byte[] h, long at) {
            String s = new String(h, StandardCharsets.ISO_8859_1);
            return (s.startsWith("TAG") && size - at == ID3V1_LENGTH) || s.equals("APETAGEX");
        }

        /**
         * If the frame just loaded is a Xing/Info or VBRI frame (an encoder's summary, no audio),
         * reads the frame count and LAME's delay and padding from it and forgets it.
         */
        private boolean readInfoFrame() throws FileFormatException {
            // LAME writes the tag right after the side information even in a CRC-protected frame, where
            // the two CRC bytes come before it; so look in both places, as mpg123 does.
            int x = first.sideInfoEnd();
            String xing = tagAt(x);
            if (first.crc && !xing.equals("Xing") && !xing.equals("Info")) {
                x -= 2;
                xing = tagAt(x);
            }
            boolean vbri = 36 + 18 <= frameLength && new String(frame, 36, 4, StandardCharsets.ISO_8859_1).equals("VBRI");
            if (vbri) {
                declaredFrames = u32(36 + 14);
            } else if (xing.equals("Xing") || xing.equals("Info")) {
                long flags = u32(x + 4);
                int p = x + 8;
                if ((flags & 1) != 0 && p + 4 <= frameLength) {
                    declaredFrames = u32(p);
                }
                p += ((flags & 1) != 0 ? 4 : 0) + ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0)
                        + ((flags & 8) != 0 ? 4 : 0);
                String encoder = p + LAME_TAG_BYTES <= frameLength ? new String(frame, p, 4, StandardCharsets.ISO_8859_1) : "";
                if (encoder.equals("LAME") || encoder.equals("Lavf") || encoder.equals("Lavc")) {
                    int d = p + LAME_DELAY_AT;
                    delay = ((frame[d] & 0xFF) << 4) | ((frame[d + 1] & 0xFF) >>> 4);
                    padding = ((frame[d + 1] & 0x0F) << 8) | (frame[d + 2] & 0xFF);
                }
            } else {
                return false;
            }
            handed = 0; // not audio: JLayer never sees it
            served = frameLength;
            return true;
        }

        private String tagAt(int p) {
            return p + 8 <= frameLength ? new String(frame, p, 4, StandardCharsets.ISO_8859_1) : "";
        }

        private long u32(int p) {
            return ((long) (frame[p] & 0xFF) << 24) | ((frame[p + 1] & 0xFF) << 16) | ((frame[p + 2] & 0xFF) << 8)
                    | (frame[p + 3] & 0xFF);
        }

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        /** Serves at most the rest of the current frame, so JLayer reads ahead as little as its buffers make it. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (served == frameLength) {
                if (ended || !loadFrame()) {
                    ended = true;
                    return -1;
                }
            }
            int n = Math.min(len, frameLength - served);
            System.arraycopy(frame, served, b, off, n);
            served += n;
            return n;
        }
    }

    /**
     * Receives JLayer's synthesised samples (32 per call and channel) as floats, before its 16-bit
     * rounding, dropping the first {@code skip} of each channel.
     */
    private static final class Sink extends Obuffer {
        private static final int START_CAPACITY = 1 << 16;
        private final float[][] out;
        private final int[] written;
        private final long skip;
        /** Samples synthesised per channel, skipped ones included. */
        private final long[] seen;

        Sink(int channels, long skip) {
            this.out = new float[channels][START_CAPACITY];
            this.written = new int[channels];
            this.seen = new long[channels];
            this.skip = skip;
        }

        long position() {
            return seen[0];
        }

        /** Samples kept so far per channel (after the skipped ones). */
        int written() {
            return written[0];
        }

        /** Moves the first {@code n} kept samples of each channel to block[channel][0 .. n), as PcmAudio's doubles. */
        void moveTo(double[][] block, int n) {
            for (int c = 0; c < out.length; c++) {
                for (int i = 0; i < n; i++) {
                    block[c][i] = out[c][i];
                }
                System.arraycopy(out[c], n, out[c], 0, written[c] - n);
                written[c] -= n;
            }
        }

        @Override
        public void appendSamples(int channel, float[] f) {
            int from = (int) Math.max(0, Math.min(32, skip - seen[channel]));
            seen[channel] += 32;
            int w = written[channel];
            float[] o = out[channel];
            if (w + 32 > o.length) {
                o = Arrays.copyOf(o, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * o.length));
                out[channel] = o;
            }
            for (int i = from; i < 32; i++) {
                o[w++] = f[i] / JLAYER_SCALE;
            }
            written[channel] = w;
        }

        @Override
        public void append(int channel, short value) {
            throw new UnsupportedOperationException("JLayer's SynthesisFilter hands over whole blocks (appendSamples)");
        }

        /** The first {@code frames} samples of each channel, as PcmAudio's doubles. */
        double[][] take(int frames) {
            double[][] d = new double[out.length][];
            for (int c = 0; c < out.length; c++) {
                int n = Math.min(frames, written[c]);
                d[c] = new double[n];
                for (int i = 0; i < n; i++) {
                    d[c][i] = out[c][i];
                }
                out[c] = null; // let the floats go before the next channel's doubles are made
            }
            return d;
        }

        @Override
        public void write_buffer(int val) {
            // samples are kept, not written anywhere
        }

        @Override
        public void close() {
            // nothing to release
        }

        @Override
        public void clear_buffer() {
            // Decoder calls this before every frame; the samples of earlier frames stay
        }

        @Override
        public void set_stop_flag() {
            // decoding stops when the frames end
        }
    }
}
