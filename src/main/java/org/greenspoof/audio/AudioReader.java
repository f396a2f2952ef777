package org.greenspoof.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.greenspoof.audio.flac.FlacDecoder;
import org.greenspoof.io.FileFormatException;

/**
 * Opens an audio file by what its bytes say, not by its name: FLAC ("fLaC", optionally behind an
 * ID3v2 tag), RIFF/RF64 WAVE, MP3 (MPEG layer III frames, optionally behind an ID3v2 tag) and Ogg
 * Vorbis. Anything else is refused with a {@link FileFormatException} that names the format it
 * found (Opus, AAC, AIFF, MP4...), never guessed at.
 */
public final class AudioReader {
    /** The rate every wav2vec2-family encoder expects. */
    public static final int MODEL_RATE = 16000;
    /** The file name endings a folder scan (detect) takes as audio; the bytes, not the name, then decide the format. */
    public static final java.util.List<String> EXTENSIONS = java.util.List.of(".flac", ".wav", ".mp3", ".ogg");
    private static final int ID3_HEADER = 10;
    private static final int PEEK = 36;

    private AudioReader() {
    }

    public static PcmAudio read(Path file) throws IOException {
        return read(file, AudioLimits.DEFAULT);
    }

    /** Reads {@code file}, refusing a sample rate or a duration outside {@code limits} before decoding. */
    public static PcmAudio read(Path file, AudioLimits limits) throws IOException {
        return switch (format(file)) {
            case FLAC -> FlacDecoder.decode(file, limits);
            case WAV -> WavReader.read(file, limits);
            case MP3 -> Mp3Reader.read(file, limits);
            case OGG -> OggVorbisReader.read(file, limits);
        };
    }

    /**
     * Opens {@code file} to read as {@link #readMono16k} would, a piece at a time, within {@code
     * limits}: the file is read and decoded as the samples are asked for, a WAV block, FLAC or MP3
     * frame, or Ogg Vorbis packet at a time.
     */
    public static AudioStream open(Path file, AudioLimits limits) throws IOException {
        return switch (format(file)) {
            case FLAC -> new AudioStream(new FlacBlocks(FlacDecoder.open(file, limits)));
            case WAV -> WavReader.open(file, limits);
            case MP3 -> Mp3Reader.open(file, limits);
            case OGG -> OggVorbisReader.open(file, limits);
        };
    }

    private enum Format { FLAC, WAV, MP3, OGG }

    /** The format the bytes say, or the refusal naming what they are instead. */
    private static Format format(Path file) throws IOException {
        ByteBuffer head;
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            head = peek(ch, 0);
            if (startsWith(head, 0, "ID3") && head.limit() >= ID3_HEADER) {
                long tagEnd = ID3_HEADER + syncsafe(head) + ((head.get(5) & 0x10) != 0 ? ID3_HEADER : 0);
                // ID3v2 is MP3's tag; the reader says if no frame follows
                return tagEnd < size && startsWith(peek(ch, tagEnd), 0, "fLaC") ? Format.FLAC : Format.MP3;
            }
        }
        if (size < 4) {
            throw new FileFormatException(file, size, "an audio file (" + READ + "), but the file has only " + size
                    + " bytes");
        }
        if (startsWith(head, 0, "fLaC")) {
            return Format.FLAC;
        }
        if (startsWith(head, 0, "RIFF") || startsWith(head, 0, "RF64")) {
            return Format.WAV;
        }
        if (startsWith(head, 0, "OggS") && contains(head, "\u0001vorbis")) {
            return Format.OGG;
        }
        if (isAdts(head)) {
            throw unsupported(file, 0, "AAC audio (ADTS)");
        }
        if (Mp3Reader.isSync(head.get(0) & 0xFF, head.get(1) & 0xFF)) {
            return Format.MP3;
        }
        String found = identify(head);
        if (found != null) {
            throw unsupported(file, 0, found);
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(4, head.limit()); i++) {
            hex.append(String.format("%s%02x", i == 0 ? "" : " ", head.get(i) & 0xFF));
        }
        throw new FileFormatException(file, 0, "the magic of a FLAC (\"fLaC\"), WAV (\"RIFF\"/\"RF64\"), MP3 (ID3 or a "
                + "frame sync) or Ogg (\"OggS\") file, found bytes " + hex + " (unknown format)");
    }

    /** A FLAC file's frames, one block each. */
    private static final class FlacBlocks extends AudioStream.Source {
        private final FlacDecoder decoder;
        private final int[][] block;

        FlacBlocks(FlacDecoder decoder) {
            super(decoder.sampleRate(), decoder.channels(), decoder.maxBlockSize(), decoder);
            this.decoder = decoder;
            this.block = new int[decoder.channels()][decoder.maxBlockSize()];
        }

        @Override
        public long frames() {
            return decoder.totalSamples() > 0 ? decoder.totalSamples() : -1;
        }

        @Override
        public int next() throws IOException {
            int n = decoder.next(block);
            if (n > 0) {
                PcmAudio.mix(block, null, decoder.bitsPerSample(), 0, n, mono);
            }
            return n;
        }
    }

    /**
     * The file as float32 mono at 16 kHz: channels averaged, integers scaled as soundfile scales them
     * (int16 / 32768), resampled by {@link Resampler} when the file has another rate.
     */
    public static float[] readMono16k(Path file) throws IOException {
        return readMono16k(file, AudioLimits.DEFAULT);
    }

    /** As {@link #readMono16k(Path)} within {@code limits}. */
    public static float[] readMono16k(Path file, AudioLimits limits) throws IOException {
        PcmAudio audio = read(file, limits);
        float[] mono = audio.toMonoFloat();
        return audio.sampleRate() == MODEL_RATE ? mono : Resampler.resample(mono, audio.sampleRate(), MODEL_RATE);
    }

    /** Names the common formats we do not read, or null. */
    private static String identify(ByteBuffer h) {
        int b0 = h.limit() > 0 ? h.get(0) & 0xFF : -1, b1 = h.limit() > 1 ? h.get(1) & 0xFF : -1;
        if (startsWith(h, 0, "OggS")) {
            String codec = contains(h, "OpusHead") ? "Opus" : contains(h, "vorbis") ? "Vorbis"
                    : contains(h, "FLAC") ? "FLAC" : "unknown codec";
            return "an Ogg container (" + codec + ")";
        }
        if (startsWith(h, 0, "FORM") && (startsWith(h, 8, "AIFF") || startsWith(h, 8, "AIFC"))) {
            return "AIFF";
        }
        if (startsWith(h, 4, "ftyp")) {
            return "an MP4/M4A container";
        }
        if (b0 == 0x1A && b1 == 0x45 && h.limit() > 3 && (h.get(2) & 0xFF) == 0xDF && (h.get(3) & 0xFF) == 0xA3) {
            return "a Matroska/WebM container";
        }
        if (startsWith(h, 0, ".snd")) {
            return "Sun/NeXT AU";
        }
        if (startsWith(h, 0, "caff")) {
            return "Apple CAF";
        }
        if (startsWith(h, 0, "wvpk")) {
            return "WavPack";
        }
        if (startsWith(h, 0, "MAC ")) {
            return "Monkey's Audio";
        }
        if (startsWith(h, 0, "#!AMR")) {
            return "AMR";
        }
        return null;
    }

    /** An ADTS header: MPEG frame sync 0xFFF with layer bits 00, which MPEG audio reserves. */
    private static boolean isAdts(ByteBuffer h) {
        return h.limit() > 1 && (h.get(0) & 0xFF) == 0xFF && (h.get(1) & 0xF6) == 0xF0;
    }

    /** The formats read, as messages name them. */
    private static final String READ = "FLAC, WAV, MP3 or Ogg Vorbis";

    static FileFormatException unsupported(Path file, long offset, String found) {
        return new FileFormatException(file, offset, READ + "; found " + found + ", which is not supported; convert it "
                + "first, e.g. ffmpeg -i " + quoted(file) + " -ac 1 -ar 16000 " + quoted(siblingFlac(file)));
    }

    /** The file as a shell word: single-quoted when it holds anything but plain path characters. */
    private static String quoted(Path p) {
        String s = p.toString();
        return s.matches("[A-Za-z0-9_./+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** Where the suggested conversion writes: the file's name with .flac (.converted.flac for a .flac), in the current folder. */
    private static Path siblingFlac(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot).toLowerCase(java.util.Locale.ROOT) : "";
        return Path.of(stem + (ext.equals(".flac") ? ".converted.flac" : ".flac"));
    }

    private static ByteBuffer peek(FileChannel ch, long pos) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(PEEK);
        while (b.hasRemaining() && ch.read(b, pos + b.position()) > 0) {
            // keep reading: a channel may return fewer bytes than asked
        }
        return b.flip();
    }

    private static long syncsafe(ByteBuffer h) {
        long size = 0;
        for (int i = 6; i < 10; i++) {
            size = (size << 7) | (h.get(i) & 0x7F);
        }
        return size;
    }

    private static boolean startsWith(ByteBuffer h, int at, String magic) {
        if (h.limit() < at + magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (h.get(at + i) != (byte) magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(ByteBuffer h, String s) {
        return new String(h.array(), 0, h.limit(), StandardCharsets.ISO_8859_1).contains(s);
    }
}
