package org.greenspoof.audio;

import java.io.Closeable;
import java.io.IOException;

/**
 * A recording decoded a piece at a time, as the float32 mono 16 kHz samples
 * {@link AudioReader#readMono16k} gives for the whole file (the same samples, bit for bit): memory
 * stays a decoder block and the resampler's filter span, whatever the length. Opened by
 * {@link AudioReader#open}; errors in the file surface as the {@link #read} that reaches them, with
 * the same {@link org.greenspoof.io.FileFormatException} a whole read gives.
 */
public final class AudioStream implements AutoCloseable {

    /**
     * A format decoder's side: successive blocks of the file's frames, mixed to mono, at its own
     * rate; closing it closes the file it reads.
     */
    public abstract static class Source implements Closeable {
        private final int sampleRate;
        private final int channels;
        private final Closeable file;
        /** The samples of the block {@link #next} decoded, from index 0. */
        protected final float[] mono;

        /** @param block the most samples {@link #next} decodes at once */
        protected Source(int sampleRate, int channels, int block, Closeable file) {
            this.sampleRate = sampleRate;
            this.channels = channels;
            this.mono = new float[block];
            this.file = file;
        }

        /** Frames (samples per channel) the header declares, or -1 when it does not say. */
        public abstract long frames();

        /**
         * Decodes the next block into {@link #mono}; returns its length, or -1 after the last one
         * (when the file's closing checks, such as a checksum, have passed).
         */
        public abstract int next() throws IOException;

        @Override
        public final void close() throws IOException {
            file.close();
        }
    }

    private final Source source;
    private final Resampler.Stream resampler;

    AudioStream(Source source) {
        this.source = source;
        this.resampler = Resampler.stream(source.sampleRate, AudioReader.MODEL_RATE);
    }

    /** The file's own sample rate. */
    public int sourceRate() {
        return source.sampleRate;
    }

    public int channels() {
        return source.channels;
    }

    /** The 16 kHz samples the stream will give in all, when the header states the length; else -1. */
    public long length() {
        long frames = source.frames();
        return frames < 0 ? -1 : resampler.outputLength(frames);
    }

    /**
     * Reads up to {@code n} further samples into out[off ..); returns how many (at least one when
     * {@code n > 0}), or -1 at the end of the recording.
     */
    public int read(float[] out, int off, int n) throws IOException {
        while (true) {
            int r = resampler.read(out, off, n);
            if (r != 0 || n == 0) {
                return r;
            }
            int m = source.next();
            if (m < 0) {
                resampler.end();
            } else {
                resampler.write(source.mono, 0, m);
            }
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
