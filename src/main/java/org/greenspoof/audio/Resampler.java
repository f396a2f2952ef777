package org.greenspoof.audio;

import java.util.Arrays;

/**
 * Band-limited sample-rate conversion by a Kaiser-windowed sinc, polyphase over the ratio reduced
 * by its gcd (44100 -> 16000 is 160/441: 160 phases).
 *
 * <p>The specification is sox's {@code rate -v} (very high quality), so that our 16 kHz signal is
 * what the Python pipelines users compare against get from sox: relative to the Nyquist frequency
 * of the lower of the two rates, pass-band to {@value #PASS_EDGE} (sox's 0 dB point for its default
 * 95% -3 dB bandwidth), stop-band from {@value #STOP_EDGE} (nothing above the new Nyquist folds
 * back; upsampling images are removed), {@value #DESIGN_ATTENUATION_DB} dB design attenuation
 * (sox's 28-bit rejection). Measured by {@code ResamplerTest} from 8 to 96 kHz and odd rates:
 * pass-band ripple under 0.001 dB up to 0.9 x Nyquist, stop-band attenuation over 120 dB (float32
 * coefficients and output bound it, not the design), SNR against sox -v over 60 dB on speech and
 * over 90 dB on a pass-band sweep.
 *
 * <p>The filter is linear phase and centred on each output instant, so output sample k is the input
 * signal at time k * from / to: no delay. Samples before and after the input count as zero. The
 * output has round(n * to / from) samples, as sox's {@code rate} gives.
 *
 * <p>Phases: with up to {@value #MAX_PHASES} phases (every common rate: 44100 -> 16000 has 160,
 * 11025 -> 16000 has 640) each phase's taps are computed exactly once per ratio and cached. An odd
 * rate with more phases (44101 -> 16000 has 16000) uses {@value #MAX_PHASES} + 1 evenly spaced
 * phases and interpolates linearly between the two around each output instant; that tap error is a
 * smooth, band-limited filter whose effect stays below -120 dB.
 */
public final class Resampler {
    static final double PASS_EDGE = 0.9115;
    static final double STOP_EDGE = 1.00;
    static final double DESIGN_ATTENUATION_DB = 168.6;
    /**
     * Kaiser's length estimate gives a transition about 6% wider than sox's filter of the same
     * specification; this stretch makes the two responses agree within 0.25% across the transition
     * band, which is where two correct resamplers differ most.
     */
    static final double LENGTH_STRETCH = 1.06;
    static final int MAX_PHASES = 1024;
    /** Filter bank size (64 MB of floats) beyond which a ratio is refused: 16 kHz from up to ~1 MHz. */
    static final int MAX_BANK = 1 << 24;

    /** Kaiser's beta for the attenuation (Kaiser 1974, A > 50 dB). */
    private static final double BETA = 0.1102 * (DESIGN_ATTENUATION_DB - 8.7);
    /**
     * Zero crossings of the sinc on each side: Kaiser's length estimate for a transition of
     * (STOP - PASS) around the cutoff (PASS + STOP) / 2; it does not depend on the rates.
     */
    private static final double ZEROS = (PASS_EDGE + STOP_EDGE) / 2 * (DESIGN_ATTENUATION_DB - 7.95)
            / (14.36 * (STOP_EDGE - PASS_EDGE)) * LENGTH_STRETCH;

    private Resampler() {
    }

    /** Resamples {@code x} from {@code fromRate} to {@code toRate} (Hz); returns a copy when equal. */
    public static float[] resample(float[] x, int fromRate, int toRate) {
        Stream s = stream(fromRate, toRate);
        long outLength = s.outputLength(x.length);
        if (outLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("resampled signal too long: " + outLength + " samples");
        }
        s.take(x);
        float[] y = new float[(int) outLength];
        s.read(y, 0, y.length);
        return y;
    }

    /**
     * A conversion fed in pieces: {@link Stream#write} input, {@link Stream#read} what it determines,
     * {@link Stream#end} after the last piece. The output, concatenated, is exactly that of
     * {@link #resample} on the whole input, whatever the pieces.
     */
    public static Stream stream(int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + fromRate + " -> " + toRate);
        }
        if (fromRate == toRate) {
            return new Stream(null);
        }
        int g = gcd(fromRate, toRate);
        return new Stream(kernel(toRate / g, fromRate / g, Math.min(1.0, (double) toRate / fromRate)));
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** The most recently used filter: batches of files share one rate, and building it costs ~10 ms. */
    private static volatile Kernel last;

    private static Kernel kernel(int up, int down, double rho) {
        Kernel k = last;
        if (k == null || k.up != up || k.down != down) {
            k = new Kernel(up, down, rho);
            last = k;
        }
        return k;
    }

    private static double besselI0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; term > 1e-17 * sum; k++) {
            term *= q / ((double) k * k);
            sum += term;
        }
        return sum;
    }

    /**
     * The filter for one ratio: rows of taps for evenly spaced phases, either every phase of the
     * ratio or MAX_PHASES + 1 of them to interpolate between. Immutable, so threads may share it.
     */
    private static final class Kernel {
        private final int up, down;
        private final double cutoff; // sinc argument scale, in input samples: first zero at 1 / cutoff
        private final int half;      // taps reach from half - 1 before to half after the output instant
        private final int taps;
        private final int rows;      // phases in the bank
        private final boolean interpolate;
        private final float[] bank;  // [row][tap]

        Kernel(int up, int down, double rho) {
            this.up = up;
            this.down = down;
            this.cutoff = (PASS_EDGE + STOP_EDGE) / 2 * rho;
            this.half = (int) Math.ceil(ZEROS / cutoff);
            this.taps = 2 * half;
            this.interpolate = up > MAX_PHASES;
            this.rows = interpolate ? MAX_PHASES + 1 : up;
            if ((long) rows * taps > MAX_BANK) {
                throw new IllegalArgumentException("resampling " + down + ":" + up + " needs " + (long) rows * taps
                        + " filter taps, more than " + MAX_BANK + "; the rates are too far apart");
            }
            this.bank = new float[rows * taps];
            double norm = besselI0(BETA);
            int steps = interpolate ? MAX_PHASES : up;
            for (int r = 0; r < rows; r++) {
                // Tap j of the row for fraction r / steps weighs input (q - half + 1 + j) for the
                // output instant q + r / steps.
                double t0 = (double) r / steps + half - 1;
                for (int j = 0; j < taps; j++) {
                    double u = (t0 - j) * cutoff; // in zero crossings
                    double w = u / ZEROS;
                    double v = 0;
                    if (Math.abs(w) < 1) {
                        double sinc = u == 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
                        v = cutoff * sinc * besselI0(BETA * Math.sqrt(1 - w * w)) / norm;
                    }
                    bank[r * taps + j] = (float) v;
                }
            }
        }

        /** Row {@code row} times x[at + lo .. at + hi), x[at] being the weight of tap 0. */
        private double dot(int row, float[] x, int at, int lo, int hi) {
            int off = row * taps;
            double s = 0;
            for (int j = lo; j < hi; j++) {
                s += (double) bank[off + j] * x[at + j]; // float products are exact in double
            }
            return s;
        }
    }

    /**
     * The state of one conversion: the input still in reach of the filter and the next output
     * instant. An output sample is computed once every input its taps reach has arrived (or the
     * input has ended), over exactly the taps and in the order the whole-array conversion uses, so
     * the pieces change nothing. Without a kernel (equal rates) input passes through unchanged.
     */
    public static final class Stream {
        private static final int START_CAPACITY = 1 << 12;
        private final Kernel kernel;
        private float[] buf;
        /** Input sample number of buf[0]. */
        private long base;
        /** Input samples held, from base. */
        private int held;
        private boolean ended;
        private long produced;
        private long q; // input sample at or before the next output instant
        private int p;  // phase of that instant between q and q + 1, in 1 / up

        private Stream(Kernel kernel) {
            this.kernel = kernel;
            this.buf = new float[START_CAPACITY];
        }

        /** Output samples for {@code inLength} input samples: round(inLength * to / from), as sox's rate gives. */
        public long outputLength(long inLength) {
            return kernel == null ? inLength : (2 * inLength * kernel.up + kernel.down) / (2L * kernel.down);
        }

        /** Appends x[off .. off + n) to the input. */
        public void write(float[] x, int off, int n) {
            if (ended) {
                throw new IllegalStateException("the input has ended");
            }
            if (held + n > buf.length) {
                drop();
                if (held + n > buf.length) {
                    buf = Arrays.copyOf(buf, Math.max(held + n, 2 * buf.length));
                }
            }
            System.arraycopy(x, off, buf, held, n);
            held += n;
        }

        /** The whole input at once, used in place (not copied). */
        private void take(float[] x) {
            buf = x;
            held = x.length;
            ended = true;
        }

        /** Marks the end of the input: the outputs whose taps reach past it can now be computed. */
        public void end() {
            ended = true;
        }

        /**
         * Up to {@code n} further output samples into y[off ..); returns how many, 0 when more input
         * is needed, -1 once the input has ended and every output sample was read.
         */
        public int read(float[] y, int off, int n) {
            long total = base + held; // input so far
            long outLength = ended ? outputLength(total) : Long.MAX_VALUE;
            if (produced == outLength) {
                return -1;
            }
            int k = 0;
            if (kernel == null) {
                k = (int) Math.min(n, total - produced);
                System.arraycopy(buf, (int) (produced - base), y, off, k);
                produced += k;
                return k;
            }
            Kernel f = kernel;
            int qStep = f.down / f.up, pStep = f.down % f.up;
            // Before the end an output needs input up to q + half; none past the final length round(total
            // * up / down) is made early, since its q is within down / (2 up) + 1 of the input's end and
            // half is larger (the filter spans over 100 zero crossings each way).
            for (; k < n && produced < outLength && (ended || q + f.half < total); k++, produced++) {
                long first = q - f.half + 1;
                int lo = (int) Math.max(0, -first);
                int hi = (int) Math.min(f.taps, total - first);
                int at = (int) (first - base);
                if (f.interpolate) {
                    double pos = (double) p * MAX_PHASES / f.up;
                    int r = (int) pos;
                    double w = pos - r;
                    y[off + k] = (float) ((1 - w) * f.dot(r, buf, at, lo, hi) + w * f.dot(r + 1, buf, at, lo, hi));
                } else {
                    y[off + k] = (float) f.dot(p, buf, at, lo, hi);
                }
                q += qStep;
                p += pStep;
                if (p >= f.up) {
                    p -= f.up;
                    q++;
                }
            }
            return k;
        }

        /** Forgets the input no later output reaches (before the next output's first tap). */
        private void drop() {
            long keep = kernel == null ? produced : Math.max(0, q - kernel.half + 1);
            int gone = (int) Math.min(held, keep - base);
            if (gone > 0) {
                System.arraycopy(buf, gone, buf, 0, held - gone);
                held -= gone;
                base += gone;
            }
        }
    }
}
