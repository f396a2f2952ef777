package org.greenspoof.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.greenspoof.audio.flac.FlacDecoder;
import org.greenspoof.io.FileFormatException;

/**
 * Reads RIFF/WAVE (and RF64) files holding integer PCM (8 to 32 bits, 8-bit unsigned as WAV stores
 * it) or IEEE float (32/64 bits), plain or WAVE_FORMAT_EXTENSIBLE, any channel count.
 *
 * <p>Chunks other than {@code fmt }, {@code data} and {@code ds64} are skipped, with the RIFF pad
 * byte after odd-sized chunks. Streaming writers that cannot seek back leave the data size unknown;
 * the data then runs to the end of the file (whole frames only). Unknown is: 0xFFFFFFFF; sox's pipe
 * marker 0x7FFFF000 when the file is shorter than that; and 0 when the bytes after the data header
 * are not a sequence of well-formed chunks (a genuinely empty data chunk followed by, say, a LIST
 * chunk stays empty). Any other size is trusted only if the file holds it: sizes are checked
 * against the real file length before anything is allocated.
 */
public final class WavReader {
    private static final int WAVE_FORMAT_PCM = 1;
    private static final int WAVE_FORMAT_IEEE_FLOAT = 3;
    private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;
    /** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID; bytes 0..1 carry the format tag. */
    private static final byte[] GUID_TAIL = {
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;
    private static final long SOX_PIPE_SIZE = 0x7FFFF000L;
    private static final int READ_BLOCK = 1 << 16;

    private WavReader() {
    }

    public static PcmAudio read(Path file) throws IOException {
        return read(file, AudioLimits.DEFAULT);
    }

    /** Reads {@code file}, refusing rates and durations outside {@code limits} before allocating. */
    public static PcmAudio read(Path file, AudioLimits limits) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new Parser(file, ch, limits).read();
        }
    }

    /** Opens {@code file} to decode block by block, within {@code limits}; the stream closes the file. */
    static AudioStream open(Path file, AudioLimits limits) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            Parser p = new Parser(file, ch, limits);
            p.parse();
            return new AudioStream(p.new Blocks());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** What the fmt chunk says, validated. */
    private record Format(boolean isFloat, int channels, int sampleRate, int containerBytes, int validBits,
            int blockAlign) {
        /** As PcmAudio gives it: the container of float samples, the valid bits of integers. */
        int bitsPerSample() {
            return isFloat ? 8 * containerBytes : validBits;
        }
    }

    private static final class Parser {
        private final Path file;
        private final FileChannel ch;
        private final long size;
        private final AudioLimits limits;
        /** What {@link #parse} found: the format, where the samples start, how many frames there are. */
        private Format fmt;
        private long dataStart;
        private long frames;

        Parser(Path file, FileChannel ch, AudioLimits limits) throws IOException {
            this.file = file;
            this.ch = ch;
            this.size = ch.size();
            this.limits = limits;
        }

        /** Parses the header, then decodes every frame into memory (within the decoders' heap budget). */
        PcmAudio read() throws IOException {
            parse();
            if (frames > Integer.MAX_VALUE - 8) {
                throw error(dataStart, "at most " + (Integer.MAX_VALUE - 8) + " frames, found " + frames);
            }
            // The same heap budget as the FLAC decoder; float samples are held as doubles, twice the bytes.
            long limit = FlacDecoder.sampleLimit() / (fmt.isFloat() ? 2 : 1);
            if (frames * fmt.channels() > limit) {
                throw error(dataStart, "at most " + limit + " samples to fit in memory (raise -Xmx for longer audio), found "
                        + frames * fmt.channels());
            }
            int c = fmt.channels(), n = (int) frames;
            int[][] ints = fmt.isFloat() ? null : new int[c][n];
            double[][] floats = fmt.isFloat() ? new double[c][n] : null;
            ByteBuffer buf = blockBuffer();
            for (int frame = 0; frame < n; ) {
                frame += readBlock(buf, frame, ints, floats, frame);
            }
            return new PcmAudio("wav", fmt.sampleRate(), fmt.bitsPerSample(), ints, floats);
        }

        /** Reads the chunks up to the data and checks them; sets {@link #fmt}, {@link #dataStart}, {@link #frames}. */
        void parse() throws IOException {
            if (size < 12) {
                throw error(size, "a 12-byte RIFF/WAVE header, but the file has " + size + " bytes");
            }
            ByteBuffer head = readAt(0, 12, "the RIFF/WAVE header");
            String riff = fourCc(head, 0);
            if (!riff.equals("RIFF") && !riff.equals("RF64")) {
                throw error(0, "'RIFF' or 'RF64', found " + quote(head, 0));
            }
            if (!fourCc(head, 8).equals("WAVE")) {
                throw error(8, "form type 'WAVE', found " + quote(head, 8));
            }
            boolean rf64 = riff.equals("RF64");
            // Unsigned 64-bit in the file: a value of 2^63 or more is negative here, and too big either way.
            long ds64DataSize = 0;
            boolean ds64 = false;
            Format fmt = null;
            long dataStart = -1, dataLength = -1;
            boolean streamed = false;
            long pos = 12;
            while ((fmt == null || dataStart < 0) && pos + 8 <= size) {
                ByteBuffer h = readAt(pos, 8, "a chunk header");
                String id = fourCc(h, 0);
                long chunkSize = Integer.toUnsignedLong(h.getInt(4));
                long body = pos + 8;
                if (id.equals("data")) {
                    dataStart = body;
                    if (rf64 && chunkSize == UNKNOWN_SIZE) {
                        if (!ds64) {
                            throw error(pos, "a 'ds64' chunk before the 'data' chunk of an RF64 file");
                        }
                        chunkSize = ds64DataSize;
                    } else if (chunkSize == UNKNOWN_SIZE
                            || (chunkSize == SOX_PIPE_SIZE && body + chunkSize > size)
                            || (chunkSize == 0 && !wellFormedChunksFrom(body))) {
                        streamed = true;
                        dataLength = size - body;
                        break;
                    }
                    if (chunkSize < 0 || chunkSize > size - body) {
                        throw error(pos + 4, "a data chunk of at most " + (size - body) + " bytes (the file ends at byte "
                                + size + "), but its header claims " + Long.toUnsignedString(chunkSize) + " bytes");
                    }
                    dataLength = chunkSize;
                } else {
                    if (chunkSize > size - body) {
                        throw error(pos + 4, "chunk '" + id + "' to fit in the file (it claims " + chunkSize
                                + " bytes from byte " + body + ", the file ends at byte " + size + ")");
                    }
                    if (id.equals("fmt ")) {
                        fmt = parseFormat(body, chunkSize);
                    } else if (id.equals("ds64") && rf64) {
                        if (chunkSize < 16) {
                            throw error(pos + 4, "a ds64 chunk of at least 16 bytes, found " + chunkSize);
                        }
                        ds64DataSize = readAt(body + 8, 8, "the ds64 data size").getLong(0);
                        ds64 = true;
                    }
                }
                pos = body + chunkSize + (chunkSize & 1);
            }
            if (fmt == null) {
                throw error(Math.min(pos, size), "a 'fmt ' chunk" + (streamed ? " before the streamed 'data' chunk" : ""));
            }
            if (dataStart < 0) {
                throw error(Math.min(pos, size), "a 'data' chunk");
            }
            long remainder = dataLength % fmt.blockAlign();
            if (remainder != 0) {
                if (!streamed) {
                    throw error(dataStart + dataLength - remainder, "whole frames of " + fmt.blockAlign()
                            + " bytes, but the data chunk of " + dataLength + " bytes ends " + remainder
                            + " bytes into a frame");
                }
                dataLength -= remainder; // a stream cut mid-frame: the partial frame is not audio
            }
            frames = dataLength / fmt.blockAlign();
            limits.checkFrames(file, dataStart - 4, frames, fmt.sampleRate());
            this.fmt = fmt;
            this.dataStart = dataStart;
        }

        /** True when the bytes from {@code pos} to the end of the file are whole RIFF chunks. */
        private boolean wellFormedChunksFrom(long pos) throws IOException {
            while (pos + 8 <= size) {
                ByteBuffer h = readAt(pos, 8, "a chunk header");
                for (int i = 0; i < 4; i++) {
                    int c = h.get(i) & 0xFF;
                    if (c < 0x20 || c > 0x7E) {
                        return false;
                    }
                }
                long chunkSize = Integer.toUnsignedLong(h.getInt(4));
                pos += 8 + chunkSize + (chunkSize & 1);
            }
            // A missing pad byte after the last odd-sized chunk is common and harmless.
            return pos == size || pos == size + 1;
        }

        private Format parseFormat(long body, long chunkSize) throws IOException {
            if (chunkSize < 16) {
                throw error(body - 4, "a fmt chunk of at least 16 bytes, found " + chunkSize);
            }
            ByteBuffer b = readAt(body, (int) Math.min(chunkSize, 40), "the fmt chunk");
            int tag = b.getShort(0) & 0xFFFF;
            int channels = b.getShort(2) & 0xFFFF;
            long sampleRate = Integer.toUnsignedLong(b.getInt(4));
            int blockAlign = b.getShort(12) & 0xFFFF;
            int bits = b.getShort(14) & 0xFFFF;
            int validBits = bits;
            int code = tag;
            long tagOffset = body;
            if (tag == WAVE_FORMAT_EXTENSIBLE) {
                if (chunkSize < 40 || (b.getShort(16) & 0xFFFF) < 22) {
                    throw error(body + 16, "the 22-byte extension of WAVE_FORMAT_EXTENSIBLE (fmt chunk of "
                            + chunkSize + " bytes)");
                }
                validBits = b.getShort(18) & 0xFFFF;
                if (validBits == 0) {
                    validBits = bits;
                }
                tagOffset = body + 24;
                code = b.getShort(24) & 0xFFFF;
                byte[] tail = new byte[GUID_TAIL.length];
                b.get(26, tail);
                if (!Arrays.equals(tail, GUID_TAIL)) {
                    throw error(body + 24, "a KSDATAFORMAT_SUBTYPE_PCM or _IEEE_FLOAT sub-format GUID");
                }
            }
            if (code != WAVE_FORMAT_PCM && code != WAVE_FORMAT_IEEE_FLOAT) {
                throw error(tagOffset, "PCM (1) or IEEE float (3) audio; format tag 0x"
                        + Integer.toHexString(code) + " (" + formatName(code) + ") is not supported");
            }
            if (channels == 0) {
                throw error(body + 2, "at least one channel");
            }
            AudioLimits.checkRate(file, body + 4, sampleRate);
            boolean isFloat = code == WAVE_FORMAT_IEEE_FLOAT;
            // Plain PCM may store e.g. 12-bit samples in 2 bytes; EXTENSIBLE gives the container directly.
            int containerBytes = (bits + 7) / 8;
            boolean containerOk = isFloat ? (bits == 32 || bits == 64) && validBits == bits
                    : containerBytes >= 1 && containerBytes <= 4 && validBits >= 1 && validBits <= bits;
            if (!containerOk) {
                throw error(body + 14, (isFloat ? "32 or 64-bit float samples" : "1 to 32-bit integer samples")
                        + ", found " + bits + " bits per sample" + (validBits != bits ? " (" + validBits + " valid)" : ""));
            }
            if (blockAlign != channels * containerBytes) {
                throw error(body + 12, "a block align of " + channels * containerBytes + " bytes (" + channels
                        + " channels x " + containerBytes + " bytes), found " + blockAlign);
            }
            return new Format(isFloat, channels, (int) sampleRate, containerBytes, validBits, blockAlign);
        }

        private int framesPerRead() {
            return Math.max(1, READ_BLOCK / fmt.blockAlign());
        }

        private ByteBuffer blockBuffer() {
            return ByteBuffer.allocate(framesPerRead() * fmt.blockAlign()).order(ByteOrder.LITTLE_ENDIAN);
        }

        /**
         * Reads the frames from {@code frame} on that fit in {@code buf} (fewer at the end) into
         * ints or floats (one is null) from index {@code at}; returns how many.
         */
        private int readBlock(ByteBuffer buf, long frame, int[][] ints, double[][] floats, int at) throws IOException {
            Format f = fmt;
            int c = f.channels();
            int n = (int) Math.min(buf.capacity() / f.blockAlign(), frames - frame);
            buf.clear().limit(n * f.blockAlign());
            readFully(buf, dataStart + frame * f.blockAlign(), "audio data");
            int bytes = f.containerBytes();
            // Samples are left-justified in their container; valid bits shorter than it drop the rest,
            // as flac does when it encodes such a file.
            int shift = 8 * bytes - f.validBits();
            int p = 0;
            for (int i = at; i < at + n; i++) {
                for (int ch = 0; ch < c; ch++, p += bytes) {
                    if (floats != null) {
                        floats[ch][i] = bytes == 4 ? buf.getFloat(p) : buf.getDouble(p);
                    } else {
                        int v = switch (bytes) {
                            case 1 -> (buf.get(p) & 0xFF) - 128; // WAV stores 8-bit samples unsigned
                            case 2 -> buf.getShort(p);
                            case 3 -> (buf.get(p) & 0xFF) | (buf.get(p + 1) & 0xFF) << 8 | buf.get(p + 2) << 16;
                            default -> buf.getInt(p);
                        };
                        ints[ch][i] = v >> shift;
                    }
                }
            }
            return n;
        }

        /** The data chunk a block of frames at a time, mixed to mono. */
        final class Blocks extends AudioStream.Source {
            private final ByteBuffer buf = blockBuffer();
            private final int[][] ints = fmt.isFloat() ? null : new int[fmt.channels()][framesPerRead()];
            private final double[][] floats = fmt.isFloat() ? new double[fmt.channels()][framesPerRead()] : null;
            private long frame;

            Blocks() {
                super(fmt.sampleRate(), fmt.channels(), framesPerRead(), ch);
            }

            @Override
            public long frames() {
                return frames;
            }

            @Override
            public int next() throws IOException {
                if (frame == frames) {
                    return -1;
                }
                int n = readBlock(buf, frame, ints, floats, 0);
                frame += n;
                PcmAudio.mix(ints, floats, fmt.bitsPerSample(), 0, n, mono);
                return n;
            }
        }

        private ByteBuffer readAt(long pos, int n, String what) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            readFully(b, pos, what);
            return b;
        }

        private void readFully(ByteBuffer b, long pos, String what) throws IOException {
            long at = pos;
            while (b.hasRemaining()) {
                int r = ch.read(b, at);
                if (r < 0) {
                    throw error(at, b.remaining() + " more bytes of " + what + ", but the file ends at byte " + size);
                }
                at += r;
            }
            b.flip();
        }

        private FileFormatException error(long offset, String expected) {
            return new FileFormatException(file, offset, expected);
        }
    }

    private static String fourCc(ByteBuffer b, int at) {
        byte[] id = new byte[4];
        b.get(at, id);
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    /** A four-byte id for an error message: printable, or as hex when it is binary. */
    private static String quote(ByteBuffer b, int at) {
        String s = fourCc(b, at);
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7F) ? "'" + s + "'"
                : String.format("bytes %02x %02x %02x %02x", s.charAt(0) & 0xFF, s.charAt(1) & 0xFF,
                        s.charAt(2) & 0xFF, s.charAt(3) & 0xFF);
    }

    private static String formatName(int tag) {
        return switch (tag) {
            case 0x0002 -> "Microsoft ADPCM";
            case 0x0006 -> "A-law";
            case 0x0007 -> "mu-law";
            case 0x0011 -> "IMA ADPCM";
            case 0x0031 -> "GSM 6.10";
            case 0x0050 -> "MPEG";
            case 0x0055 -> "MPEG Layer 3 (MP3)";
            case 0x0161, 0x0162, 0x0163 -> "Windows Media Audio";
            case 0x2000 -> "AC-3";
            case 0xF1AC -> "FLAC";
            default -> "unknown codec";
        };
    }
}
