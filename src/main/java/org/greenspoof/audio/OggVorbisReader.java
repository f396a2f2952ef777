package org.greenspoof.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.greenspoof.io.FileFormatException;

/**
 * Ogg Vorbis, decoded by JOrbis 0.0.17 (JCraft, LGPL 2.1), a pure-Java port of libvorbis.
 *
 * <p>One logical stream is read from the first page to its last: a page of another stream, a page
 * whose CRC fails (Ogg skips it, which we refuse), a packet lost between pages, bad headers or
 * audio packets JOrbis cannot decode are each a {@link FileFormatException} at that page's byte,
 * and so is any exception JOrbis throws. The samples are JOrbis's floats; the stream ends at the
 * last page's granule position, as libvorbisfile (oggdec) ends it.
 */
final class OggVorbisReader {
    private static final int CHUNK = 4096;
    /** Offset of the sample rate in the identification header packet ("\1vorbis", version, channels). */
    private static final int RATE_IN_HEADER = 12;
    private static final int HEADER_PACKETS = 3;

    private OggVorbisReader() {
    }

    static PcmAudio read(Path file, AudioLimits limits) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Decode d = new Decode(in, file, limits);
            d.guarded(() -> {
                d.begin(Decode.sampleLimit());
                while (d.decodePacket()) {
                    // the samples collect in d.out
                }
                return 0;
            });
            int end = (int) d.end();
            double[][] x = new double[d.channels][];
            for (int c = 0; c < d.channels; c++) {
                x[c] = new double[end];
                for (int i = 0; i < end; i++) {
                    x[c][i] = d.out[c][i];
                }
                d.out[c] = null; // let the floats go before the next channel's doubles are made
            }
            return new PcmAudio("ogg", d.info.rate, 32, null, x);
        }
    }

    /** Opens {@code file} to decode packet by packet, within {@code limits}; the stream closes the file. */
    static AudioStream open(Path file, AudioLimits limits) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            Decode d = new Decode(in, file, limits);
            d.guarded(() -> {
                d.begin(Long.MAX_VALUE);
                return 0;
            });
            return new AudioStream(d.new Blocks());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static final class Decode {
        private final InputStream in;
        private final Path file;
        private final AudioLimits limits;
        private final SyncState sync = new SyncState();
        private final StreamState stream = new StreamState();
        private final Page page = new Page();
        private final Packet packet = new Packet();
        private long fed;
        /** Byte offset of the page last taken from the sync layer. */
        private long pageAt;
        private boolean eof;
        /** Decoding state, set by begin: the stream's headers, JOrbis, the limit on frames. */
        private int serial;
        private final Info info = new Info();
        private int channels;
        private long maxFrames;
        private DspState dsp;
        private Block block;
        private final float[][][] pcm = new float[1][][];
        private int[] index;
        /** Decoded samples per channel: out[c][from .. held) are frames {@code taken} on, not yet taken; frames decoded so far. */
        private float[][] out;
        private int from;
        private int held;
        private long taken;
        private long frames;
        /** The granule position of the last page that gave one, or -1. */
        private long granule = -1;

        Decode(InputStream in, Path file, AudioLimits limits) {
            this.in = in;
            this.file = file;
            this.limits = limits;
            sync.init();
        }

        private interface Step {
            int run() throws IOException;
        }

        /** Runs a decoding step; JOrbis indexes past its arrays on some damaged packets: reported at the page, not as a crash. */
        int guarded(Step step) throws IOException {
            try {
                return step.run();
            } catch (RuntimeException e) {
                throw new FileFormatException(file, pageAt, "an Ogg Vorbis page JOrbis can decode, but it failed: " + e);
            }
        }

        /** Reads the three header packets and checks them; at most {@code memoryLimit} samples in all channels will be decoded. */
        void begin(long memoryLimit) throws IOException {
            if (!nextPage()) {
                throw new FileFormatException(file, 0, "an Ogg page, but the file holds none");
            }
            serial = page.serialno();
            stream.init(serial);
            if (stream.pagein(page) < 0) {
                throw new FileFormatException(file, pageAt, "an Ogg page the stream takes");
            }
            Comment comment = new Comment();
            info.init();
            comment.init();
            for (int n = 0; n < HEADER_PACKETS; n++) {
                if (!nextPacket(serial)) {
                    throw new FileFormatException(file, pageAt, "the 3 Vorbis header packets, but the stream ends after " + n);
                }
                if (info.synthesis_headerin(comment, packet) < 0) {
                    throw new FileFormatException(file, pageAt, "Vorbis header packet " + (n + 1) + " of 3");
                }
                if (n == 0) {
                    AudioLimits.checkRate(file, pageAt + page.header_len + RATE_IN_HEADER, info.rate);
                    if (info.channels < 1) {
                        throw new FileFormatException(file, pageAt, "at least one channel, found " + info.channels);
                    }
                }
            }
            channels = info.channels;
            maxFrames = Math.min(limits.maxFrames(info.rate), memoryLimit / channels);
            dsp = new DspState();
            dsp.synthesis_init(info);
            block = new Block(dsp);
            out = new float[channels][1 << 16];
            index = new int[channels];
        }

        /** Decodes the next audio packet, appending its samples to {@link #out}; false after the last. */
        boolean decodePacket() throws IOException {
            if (!nextPacket(serial)) {
                return false;
            }
            if (block.synthesis(packet) != 0) {
                throw new FileFormatException(file, pageAt, "a Vorbis audio packet (packet " + packet.packetno + ")");
            }
            dsp.synthesis_blockin(block);
            int n;
            while ((n = dsp.synthesis_pcmout(pcm, index)) > 0) {
                if (frames + n > maxFrames) {
                    throw new FileFormatException(file, pageAt, "at most " + maxFrames + " Vorbis frames ("
                            + limits.maxSeconds() + " s at " + info.rate + " Hz, --max-seconds, or the decoder's "
                            + "memory limit), but the stream goes on");
                }
                if (held + n > out[0].length && from > 0) { // make room from what was taken first
                    for (int c = 0; c < channels; c++) {
                        System.arraycopy(out[c], from, out[c], 0, held - from);
                    }
                    held -= from;
                    from = 0;
                }
                if (held + n > out[0].length) {
                    int grown = (int) Math.min(Math.max(held + n, 2L * out[0].length), Integer.MAX_VALUE - 8L);
                    for (int c = 0; c < channels; c++) {
                        out[c] = Arrays.copyOf(out[c], grown);
                    }
                }
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(pcm[0][c], index[c], out[c], held, n);
                }
                held += n;
                frames += n;
                dsp.synthesis_read(n);
            }
            if (packet.granulepos >= 0) {
                granule = packet.granulepos;
            }
            return true;
        }

        /** Where the audio ends once every packet is decoded: the last packet decodes to whole blocks, its page's granule position says where the audio stops. */
        long end() {
            return granule >= 0 && granule < frames ? granule : frames;
        }

        /**
         * The packets' samples, mixed to mono, as far as a granule position vouches for them (granule
         * positions only grow, so the end can lie no earlier): the rest waits for the next page or the end.
         */
        final class Blocks extends AudioStream.Source {
            private final double[][] blockD = new double[channels][CHUNK];
            private boolean last;

            Blocks() {
                super(info.rate, channels, CHUNK, in);
            }

            @Override
            public long frames() {
                return -1; // only the last page says
            }

            @Override
            public int next() throws IOException {
                long ready;
                while ((ready = (last ? end() : granule < 0 ? 0 : Math.min(frames, granule)) - taken) <= 0) {
                    if (last) {
                        return -1;
                    }
                    last = guarded(() -> decodePacket() ? 0 : 1) == 1;
                }
                int n = (int) Math.min(CHUNK, ready);
                for (int c = 0; c < channels; c++) {
                    for (int i = 0; i < n; i++) {
                        blockD[c][i] = out[c][from + i];
                    }
                }
                from += n;
                taken += n;
                PcmAudio.mix(null, blockD, 32, 0, n, mono);
                return n;
            }
        }

        private static long sampleLimit() {
            // 4 bytes a float, 8 while the arrays double, 8 for the double copy PcmAudio holds, 4 for the mono copy.
            return Math.min(1L << 28, Runtime.getRuntime().maxMemory() / 24);
        }

        /** The next packet of stream {@code serial}; false after its last page. */
        private boolean nextPacket(int serial) throws IOException {
            while (true) {
                int r = stream.packetout(packet);
                if (r == 1) {
                    return true;
                }
                if (r < 0) {
                    throw new FileFormatException(file, pageAt, "Vorbis packets in sequence, but one is missing before this page");
                }
                if (stream.e_o_s != 0 || !nextPage()) {
                    return false;
                }
                if (page.serialno() != serial) {
                    throw new FileFormatException(file, pageAt, "pages of one Ogg stream (serial " + Integer.toUnsignedString(serial)
                            + "), found one of stream " + Integer.toUnsignedString(page.serialno())
                            + " (chained or multiplexed Ogg files are not read)");
                }
                if (stream.pagein(page) < 0) {
                    throw new FileFormatException(file, pageAt, "an Ogg page the stream takes");
                }
            }
        }

        /** Takes the next page from the sync layer; false at the end of the file. */
        private boolean nextPage() throws IOException {
            while (true) {
                long at = fed - (sync.getBufferOffset() - sync.getDataOffset());
                int r = sync.pageout(page);
                if (r == 1) {
                    pageAt = at;
                    return true;
                }
                if (r < 0) { // bytes skipped: a damaged page (bad CRC) or no page here
                    throw new FileFormatException(file, at, "an Ogg page (\"OggS\", a valid CRC) here");
                }
                if (eof) {
                    if (sync.getBufferOffset() > sync.getDataOffset()) {
                        throw new FileFormatException(file, fed, "a whole Ogg page from byte " + at + ": the file is truncated");
                    }
                    return false;
                }
                int i = sync.buffer(CHUNK);
                int n = in.read(sync.data, i, CHUNK);
                if (n < 0) {
                    eof = true;
                } else {
                    sync.wrote(n);
                    fed += n;
                }
            }
        }
    }
}
