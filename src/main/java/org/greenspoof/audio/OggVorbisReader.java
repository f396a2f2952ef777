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
            try {
                return d.run();
            } catch (RuntimeException e) {
                // JOrbis indexes past its arrays on some damaged packets: reported at the page, not as a crash.
                throw new FileFormatException(file, d.pageAt, "an Ogg Vorbis page JOrbis can decode, but it failed: " + e);
            }
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

        Decode(InputStream in, Path file, AudioLimits limits) {
            this.in = in;
            this.file = file;
            this.limits = limits;
            sync.init();
        }

        PcmAudio run() throws IOException {
            if (!nextPage()) {
                throw new FileFormatException(file, 0, "an Ogg page, but the file holds none");
            }
            int serial = page.serialno();
            stream.init(serial);
            if (stream.pagein(page) < 0) {
                throw new FileFormatException(file, pageAt, "an Ogg page the stream takes");
            }
            Info info = new Info();
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
            int channels = info.channels;
            long maxFrames = Math.min(limits.maxFrames(info.rate), sampleLimit() / channels);
            DspState dsp = new DspState();
            dsp.synthesis_init(info);
            Block block = new Block(dsp);
            float[][] out = new float[channels][1 << 16];
            int frames = 0;
            float[][][] pcm = new float[1][][];
            int[] index = new int[channels];
            long granule = -1;
            while (nextPacket(serial)) {
                if (block.synthesis(packet) != 0) {
                    throw new FileFormatException(file, pageAt, "a Vorbis audio packet (packet " + packet.packetno + ")");
                }
                dsp.synthesis_blockin(block);
                int n;
                while ((n = dsp.synthesis_pcmout(pcm, index)) > 0) {
                    if ((long) frames + n > maxFrames) {
                        throw new FileFormatException(file, pageAt, "at most " + maxFrames + " Vorbis frames ("
                                + limits.maxSeconds() + " s at " + info.rate + " Hz, --max-seconds, or the decoder's "
                                + "memory limit), but the stream goes on");
                    }
                    if (frames + n > out[0].length) {
                        int grown = (int) Math.min(Math.max(frames + n, 2L * out[0].length), Integer.MAX_VALUE - 8L);
                        for (int c = 0; c < channels; c++) {
                            out[c] = Arrays.copyOf(out[c], grown);
                        }
                    }
                    for (int c = 0; c < channels; c++) {
                        System.arraycopy(pcm[0][c], index[c], out[c], frames, n);
                    }
                    frames += n;
                    dsp.synthesis_read(n);
                }
                if (packet.granulepos >= 0) {
                    granule = packet.granulepos;
                }
            }
            // The last packet decodes to whole blocks; its page's granule position says where the audio ends.
            long end = granule >= 0 && granule < frames ? granule : frames;
            double[][] d = new double[channels][];
            for (int c = 0; c < channels; c++) {
                d[c] = new double[(int) end];
                for (int i = 0; i < end; i++) {
                    d[c][i] = out[c][i];
                }
                out[c] = null;
            }
            return new PcmAudio("ogg", info.rate, 32, null, d);
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
