package org.greenspoof.detect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.audio.AudioReader;
import org.greenspoof.audio.AudioStream;
import org.greenspoof.audio.Resampler;
import org.greenspoof.classify.ClassifierFile;
import org.greenspoof.classify.TrainingDistribution;
import org.greenspoof.frontend.EncoderEmbedder;
import org.greenspoof.frontend.LfccEmbedder;
import org.greenspoof.kernels.KernelProvider;
import org.greenspoof.store.Embedder;

/**
 * Scores audio with a trained classifier, for programs that embed greenspoof:
 * <pre>{@code
 * try (Detector d = Detector.load(Path.of("classifier.json"), Path.of("weights/wav2vec2-base"))) {
 *     Detector.Verdict v = d.score(Path.of("call.flac"));
 *     System.out.println(v.score() + (v.bonafide() ? " bona fide" : " spoof"));
 * }
 * }</pre>
 * The classifier file says which front-end (LFCC, or an encoder by its weights' SHA-256), layer and
 * pooling it was trained on; loading checks that the given encoder is that one. One instance may be
 * used from several threads.
 */
public final class Detector implements AutoCloseable {

    /** The rate the front-ends take; other rates are resampled to it. */
    public static final int SAMPLE_RATE = AudioReader.MODEL_RATE;

    /**
     * @param id          the file name without extension (or the caller's id)
     * @param score       classifier score, higher = more bona fide (the logit of P(bona fide))
     * @param probability P(bona fide): calibrated on the dev scores when {@code calibrated}, else (classifier
     *                    files written before calibration was stored) the classifier's own sigmoid of the score
     * @param calibrated  whether {@code probability} is calibrated
     * @param threshold   the decision threshold on the score (the dev EER threshold unless another operating
     *                    point was chosen at load)
     * @param bonafide    the score is above the threshold
     * @param warning     why the score should not be trusted (the input is far outside the training
     *                    data), or null; always null for model files without a training distribution
     */
    public record Verdict(String id, double score, double probability, boolean calibrated, double threshold,
                          boolean bonafide, String warning) {
    }

    /**
     * How a recording is cut: recordings longer than {@code above} seconds are scored in windows of
     * {@code window} seconds every {@code hop} seconds (the last window ends at the end of the
     * recording), shorter ones whole. Cost is linear in the length; each window is embedded alone.
     */
    public record Windowing(double window, double hop, double above) {
        /** Whole up to 20 s (In-the-Wild clips reach ~20 s; ASVspoof's are 1-5 s), else 4 s windows every 2 s. */
        public static final Windowing AUTO = new Windowing(4, 2, 20);
        /** Every recording scored whole, as a classifier trained on whole utterances saw them. */
        public static final Windowing WHOLE = new Windowing(4, 2, Double.POSITIVE_INFINITY);

        public Windowing {
            if (!(window > 0 && window < Double.POSITIVE_INFINITY) || !(hop > 0 && hop <= window) || !(above >= 0)) {
                throw new IllegalArgumentException("windows need 0 < hop <= window (finite) and a length >= 0 above which "
                        + "they apply; got window " + window + " s, hop " + hop + " s, above " + above + " s");
            }
        }
    }

    /** One window of a recording, in seconds from its start. */
    public record Segment(double start, double end, double score, double probability, boolean bonafide) {
    }

    /**
     * The waveform at plot resolution: the least and greatest sample of each of {@code min.length}
     * equal stretches of the recording (16 kHz mono, full scale +-1).
     */
    public record Envelope(float[] min, float[] max) {
        /** Buckets of a timeline plot: about one per pixel column. */
        static final int BUCKETS = 800;

        static Envelope of(float[] x) {
            Builder b = new Builder();
            b.add(x, 0, x.length);
            return b.build();
        }

        /**
         * The envelope of a recording fed in pieces, in bounded memory: the least and greatest sample
         * of each block of {@code block} samples, the block doubling (pairs merged) whenever
         * {@value #MAX_BLOCKS} blocks are full; the blocks are grouped into the buckets at the end.
         * Below {@value #MAX_BLOCKS} samples the blocks are the samples, and bucket edges fall where
         * {@link #of} on the whole array puts them; beyond, they are off by less than a block, under
         * 1/40 of a bucket.
         */
        static final class Builder {
            /** Blocks kept: 512 KB of floats; a bucket edge moves by at most BUCKETS * 2 / MAX_BLOCKS of a bucket. */
            static final int MAX_BLOCKS = 1 << 16;
            private final float[] lo = new float[MAX_BLOCKS], hi = new float[MAX_BLOCKS];
            private int blocks;
            private long block = 1;
            /** Samples in the block being filled, and its least and greatest (from 0, as {@link #of} starts). */
            private long filled;
            private float mn, mx;

            void add(float[] x, int off, int n) {
                for (int i = off; i < off + n; i++) {
                    mn = Math.min(mn, x[i]);
                    mx = Math.max(mx, x[i]);
                    if (++filled == block) {
                        lo[blocks] = mn;
                        hi[blocks] = mx;
                        mn = 0;
                        mx = 0;
                        filled = 0;
                        if (++blocks == MAX_BLOCKS) {
                            for (int j = 0; j < MAX_BLOCKS / 2; j++) {
                                lo[j] = Math.min(lo[2 * j], lo[2 * j + 1]);
                                hi[j] = Math.max(hi[2 * j], hi[2 * j + 1]);
                            }
                            blocks = MAX_BLOCKS / 2;
                            block *= 2;
                        }
                    }
                }
            }

            Envelope build() {
                int m = blocks;
                if (filled > 0) { // the last, partial block (there is room: a full array was just halved)
                    lo[m] = mn;
                    hi[m] = mx;
                    m++;
                }
                int b = Math.max(1, Math.min(BUCKETS, m));
                float[] bl = new float[b], bh = new float[b];
                for (int i = 0; i < b; i++) {
                    int from = (int) ((long) m * i / b), to = (int) ((long) m * (i + 1) / b);
                    float l = 0, h = 0;
                    for (int j = from; j < to; j++) {
                        l = Math.min(l, lo[j]);
                        h = Math.max(h, hi[j]);
                    }
                    bl[i] = l;
                    bh[i] = h;
                }
                return new Envelope(bl, bh);
            }
        }
    }

    /** A stretch of a recording covered by windows scored spoof, in seconds. */
    public record Span(double start, double end) {
    }

    /**
     * A recording's result. Scored in windows, {@code verdict} is its most spoof-like window's (the
     * lowest score: a recording with one spoofed stretch is spoofed), {@code spoofedShare} is the
     * share of its length that windows scored spoof cover and {@code spoofedSpans} those stretches;
     * scored whole, {@code segments} holds the one whole-recording segment.
     */
    public record Report(Verdict verdict, double seconds, List<Segment> segments, double maxSpoofProbability,
                         double spoofedShare, List<Span> spoofedSpans, Envelope envelope) {
        public boolean windowed() {
            return segments.size() > 1;
        }
    }

    private final ClassifierFile.Model model;
    private final int layerIndex;
    private final ThreadLocal<Embedder> embedders;
    private volatile boolean closed;

    private Detector(Embedder.Factory factory, String source, ClassifierFile.Model model, String classifierFile) {
        this.model = model;
        this.layerIndex = Compatibility.check(source, factory.model(), factory.modelSha256(), factory.layers(),
                factory.pooling(), factory.dim(), model, classifierFile);
        this.embedders = ThreadLocal.withInitial(factory::create);
    }

    /**
     * A detector for a classifier file from {@code greenspoof train}. The file says which front-end it
     * needs: for a classifier trained on LFCC, {@code encoderDir} must be null; for one trained on an
     * encoder, it is that checkpoint's folder, and only the classifier's layer is computed.
     */
    public static Detector load(Path classifierFile, Path encoderDir) throws IOException {
        return load(classifierFile, encoderDir, "eer");
    }

    /**
     * As {@link #load(Path, Path)}, deciding at {@code operatingPoint}: "eer" (the stored dev EER
     * threshold), "far=X" (the threshold accepting a share X of the dev spoof scores) or a raw score;
     * see {@link ClassifierFile.Model#atOperatingPoint}.
     */
    public static Detector load(Path classifierFile, Path encoderDir, String operatingPoint) throws IOException {
        ClassifierFile.Model m = ClassifierFile.read(classifierFile).atOperatingPoint(operatingPoint);
        ClassifierFile.Provenance p = m.provenance();
        if (p.encoderSha256() == null) {
            if (encoderDir != null) {
                throw new IllegalArgumentException(classifierFile + " was trained on LFCC features and takes no encoder ("
                        + encoderDir + " given)");
            }
            return new Detector(new LfccEmbedder(p.pooling()), "the LFCC front-end", m, classifierFile.toString());
        }
        if (encoderDir == null) {
            throw new IllegalArgumentException(classifierFile + " was trained on " + p.encoder()
                    + "; give the checkpoint folder it was trained with (--encoder DIR)");
        }
        if (p.layer() == null) {
            throw new IllegalArgumentException(classifierFile + " names no layer of its encoder");
        }
        return new Detector(EncoderEmbedder.open(encoderDir, new int[] {p.layer()}, p.pooling(), KernelProvider.get()),
                "the checkpoint " + encoderDir, m, classifierFile.toString());
    }

    /** Decodes (FLAC, WAV, MP3 or Ogg Vorbis, any rate, mixed to mono) and scores one file. */
    public Verdict score(Path audio) throws IOException {
        return score(audio, AudioLimits.DEFAULT);
    }

    /** As {@link #score(Path)}, refusing audio outside {@code limits} before decoding it. */
    public Verdict score(Path audio, AudioLimits limits) throws IOException {
        return score16k(idOf(audio), AudioReader.readMono16k(audio, limits));
    }

    /** Scores mono samples (float, full scale +-1) at {@code sampleRate} Hz; other rates than 16 kHz are resampled. */
    public Verdict score(String id, float[] samples, int sampleRate) {
        return score16k(id, to16k(samples, sampleRate));
    }

    /**
     * Decodes one file and scores it whole or in windows, as {@code windowing} says for its length.
     * The file is decoded as it is scored: a windowed recording is held only a window (and the read
     * ahead that decides it is windowed) at a time, so memory does not grow with its length.
     */
    public Report detect(Path audio, AudioLimits limits, Windowing windowing) throws IOException {
        try (AudioStream in = AudioReader.open(audio, limits)) {
            return detect16k(idOf(audio), in::read, windowing);
        }
    }

    /** As {@link #detect(Path, AudioLimits, Windowing)} for mono samples at {@code sampleRate} Hz. */
    public Report detect(String id, float[] samples, int sampleRate, Windowing windowing) {
        float[] x = to16k(samples, sampleRate);
        int[] at = {0};
        try {
            return detect16k(id, (b, off, n) -> {
                int r = Math.min(n, x.length - at[0]);
                System.arraycopy(x, at[0], b, off, r);
                at[0] += r;
                return r == 0 && n > 0 ? -1 : r;
            }, windowing);
        } catch (IOException e) {
            throw new IllegalStateException("reading an array failed", e);
        }
    }

    /** 16 kHz samples in pieces, as {@link AudioStream#read} gives them: at least one per call, -1 at the end. */
    private interface Samples {
        int read(float[] b, int off, int n) throws IOException;
    }

    private static float[] to16k(float[] samples, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        return sampleRate == SAMPLE_RATE ? samples : Resampler.resample(samples, sampleRate, SAMPLE_RATE);
    }

    /**
     * Reads ahead until the recording is known to be longer than {@code w.above()} and than a
     * window (or has ended); a short recording is then scored whole, a long one window by window as
     * its samples arrive, keeping from the next window's start or the last window's worth, whichever
     * is earlier (the last window ends at the recording's end, unknown until it comes).
     */
    private Report detect16k(String id, Samples in, Windowing w) throws IOException {
        long fullWindow = Math.round(w.window() * SAMPLE_RATE);
        int hop = (int) Math.max(1, Math.round(w.hop() * SAMPLE_RATE));
        Buffer b = new Buffer(in);
        while (!b.ended && ((double) b.held / SAMPLE_RATE <= w.above() || b.held <= fullWindow)) {
            b.readPiece(0);
        }
        if (b.ended && (double) b.held / SAMPLE_RATE <= w.above()) {
            double seconds = (double) b.held / SAMPLE_RATE;
            Verdict v = score16k(id, Arrays.copyOf(b.buf, b.held));
            Segment whole = new Segment(0, seconds, v.score(), v.probability(), v.bonafide());
            return new Report(v, seconds, List.of(whole), 1 - v.probability(), v.bonafide() ? 0 : 1,
                    v.bonafide() ? List.of() : List.of(new Span(0, seconds)), b.envelope.build());
        }
        int win = (int) Math.min(b.held, fullWindow); // shorter only when the recording is, which has then ended
        List<Segment> segments = new ArrayList<>();
        Verdict worst = null;
        long next = 0; // start of the next window
        while (true) {
            long total = b.base + b.held;
            for (; next + win < total; next += hop) { // a window not ending at the end: not the last
                Verdict v = window(id, b, next, win, segments);
                worst = worst == null || v.score() < worst.score() ? v : worst;
            }
            if (b.ended) {
                Verdict v = window(id, b, total - win, win, segments); // the last, ending at the end
                worst = worst == null || v.score() < worst.score() ? v : worst;
                break;
            }
            b.readPiece(Math.min(next, total - win));
        }
        double seconds = (double) (b.base + b.held) / SAMPLE_RATE;
        List<Span> spans = spoofedSpans(segments);
        double spoofed = spans.stream().mapToDouble(sp -> sp.end() - sp.start()).sum();
        return new Report(worst, seconds, List.copyOf(segments), 1 - worst.probability(), spoofed / seconds, spans,
                b.envelope.build());
    }

    /** Samples asked of the decoder at once: a quarter second. */
    private static final int READ_PIECE = SAMPLE_RATE / 4;

    /** The samples of a recording from sample {@code base} on, read a piece at a time, and its envelope so far. */
    private static final class Buffer {
        private final Samples in;
        private final Envelope.Builder envelope = new Envelope.Builder();
        private float[] buf = new float[2 * READ_PIECE];
        private long base;
        private int held;
        private boolean ended;

        Buffer(Samples in) {
            this.in = in;
        }

        /**
         * Reads the next piece, first forgetting the samples before {@code keep} when the buffer
         * is full (so copies are rare), and growing it when what is kept leaves no room.
         */
        void readPiece(long keep) throws IOException {
            if (held + READ_PIECE > buf.length) {
                int drop = (int) (keep - base);
                System.arraycopy(buf, drop, buf, 0, held - drop);
                held -= drop;
                base = keep;
                if (2L * held + READ_PIECE > buf.length) { // keep copies to one per kept length read
                    buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * held + READ_PIECE));
                }
            }
            int r = in.read(buf, held, READ_PIECE);
            if (r < 0) {
                ended = true;
            } else {
                envelope.add(buf, held, r);
                held += r;
            }
        }
    }

    /** Scores the window of {@code win} samples from sample {@code start} and appends its segment. */
    private Verdict window(String id, Buffer b, long start, int win, List<Segment> segments) {
        int at = (int) (start - b.base);
        Verdict v = score16k(id, Arrays.copyOfRange(b.buf, at, at + win));
        segments.add(new Segment((double) start / SAMPLE_RATE, (double) (start + win) / SAMPLE_RATE, v.score(),
                v.probability(), v.bonafide()));
        return v;
    }

    /** The union of the spoof-scored segments (in start order), overlapping or touching ones merged. */
    static List<Span> spoofedSpans(List<Segment> segments) {
        List<Span> spans = new ArrayList<>();
        for (Segment g : segments) {
            if (g.bonafide()) {
                continue;
            }
            Span last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
            if (last != null && g.start() <= last.end()) {
                spans.set(spans.size() - 1, new Span(last.start(), Math.max(last.end(), g.end())));
            } else {
                spans.add(new Span(g.start(), g.end()));
            }
        }
        return List.copyOf(spans);
    }

    private static String idOf(Path audio) {
        String name = audio.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private Verdict score16k(String id, float[] audio16k) {
        if (closed) {
            throw new IllegalStateException("the detector is closed");
        }
        float[] x = embedders.get().embed(audio16k)[layerIndex];
        double s = model.classifier().score(x);
        TrainingDistribution dist = model.distribution();
        return new Verdict(id, s, model.probability(x, s), model.calibrated(), model.threshold(), model.isBonafide(s),
                dist == null ? null : dist.warning(x));
    }

    public double threshold() {
        return model.threshold();
    }

    /** The classifier file as loaded: classifier, threshold and provenance (front-end, weights' SHA-256, layer, pooling). */
    public ClassifierFile.Model model() {
        return model;
    }

    /** Marks the detector closed: later calls to score fail instead of using a released detector. */
    @Override
    public void close() {
        closed = true;
    }
}
