package org.greenspoof.frontend;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Linear-frequency cepstral coefficients as the ASVspoof 2019 baseline CM defines them, computed
 * exactly as {@code torchaudio.transforms.LFCC} (0.13.1) does with these parameters:
 * {@code n_filter=20, n_lfcc=20, log_lf=True, speckwargs={n_fft=512, win_length=320, hop_length=160,
 * window_fn=torch.hamming_window, center=False, power=2}}, followed by
 * {@code torchaudio.functional.compute_deltas(win_length=5)} for deltas and delta-deltas: 60 values per frame.
 *
 * <p>Choices, where torchaudio's defaults and the baseline differ: the baseline's 20 ms Hamming window
 * (torch's periodic Hamming; torchaudio defaults to Hann), its framing without centre padding
 * (torchaudio defaults to reflect-padded centred frames) and its natural log of the filter energies
 * (torchaudio defaults to decibels clipped 80 dB below each utterance's peak). As in torch.stft, each
 * frame is 512 samples long with the 320-sample window centred in it (96 zeros either side), so
 * frame t covers samples [160t + 96, 160t + 416). A signal shorter than 512 samples is zero-padded
 * to 512 (one frame). {@code tools/make_lfcc_fixtures.py} generates the torchaudio references.
 *
 * <p>One instance holds its FFT and work buffers: use one per thread.
 */
public final class Lfcc {
    public static final int SAMPLE_RATE = 16000;
    public static final int N_FFT = 512;
    public static final int WIN_LENGTH = 320;
    public static final int HOP_LENGTH = 160;
    public static final int N_FILTER = 20;
    public static final int N_LFCC = 20;
    /** compute_deltas' default window: t-2..t+2. */
    public static final int DELTA_WIN = 5;
    /** Coefficients per frame: static, delta and delta-delta. */
    public static final int DIM = 3 * N_LFCC;
    /** torchaudio's offset inside log(energy + offset) when log_lf=True. */
    static final double LOG_OFFSET = 1e-6;

    private static final int N_FREQS = N_FFT / 2 + 1;

    private final double[] window = new double[N_FFT];
    private final double[][] filters = new double[N_FILTER][N_FREQS];
    private final double[][] dct = new double[N_LFCC][N_FILTER];
    private final DoubleFFT_1D fft = new DoubleFFT_1D(N_FFT);
    private final double[] frame = new double[N_FFT];
    private final double[] power = new double[N_FREQS];
    private final double[] logEnergy = new double[N_FILTER];

    public Lfcc() {
        int left = (N_FFT - WIN_LENGTH) / 2;
        for (int n = 0; n < WIN_LENGTH; n++) {
            window[left + n] = 0.54 - 0.46 * Math.cos(2 * Math.PI * n / WIN_LENGTH);
        }
        // torchaudio.functional.linear_fbanks: triangles on N_FILTER+2 equally spaced points in [0, sr/2].
        double[] pts = new double[N_FILTER + 2];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = linspace(0, SAMPLE_RATE / 2.0, pts.length, i);
        }
        for (int k = 0; k < N_FREQS; k++) {
            double f = linspace(0, SAMPLE_RATE / 2, N_FREQS, k);
            for (int m = 0; m < N_FILTER; m++) {
                double down = (f - pts[m]) / (pts[m + 1] - pts[m]);
                double up = (pts[m + 2] - f) / (pts[m + 2] - pts[m + 1]);
                filters[m][k] = Math.max(0, Math.min(down, up));
            }
        }
        // torchaudio.functional.create_dct(norm="ortho"): DCT-II, orthonormal.
        for (int k = 0; k < N_LFCC; k++) {
            double scale = Math.sqrt(2.0 / N_FILTER) * (k == 0 ? 1 / Math.sqrt(2) : 1);
            for (int n = 0; n < N_FILTER; n++) {
                dct[k][n] = scale * Math.cos(Math.PI / N_FILTER * (n + 0.5) * k);
            }
        }
    }

    /** torch.linspace's i-th point (it computes from both ends: start + i*step below the middle, end - (n-1-i)*step above). */
    private static double linspace(double start, double end, int n, int i) {
        double step = (end - start) / (n - 1);
        return i < n / 2 ? start + i * step : end - (n - 1 - i) * step;
    }

    /** Number of frames for a signal of {@code samples} samples. */
    public static int frames(int samples) {
        return 1 + (Math.max(samples, N_FFT) - N_FFT) / HOP_LENGTH;
    }

    /** The features of a 16 kHz signal: {@code [frames][DIM]}, static LFCCs then deltas then delta-deltas. */
    public double[][] features(float[] x) {
        int t = frames(x.length);
        double[][] out = new double[t][DIM];
        for (int i = 0; i < t; i++) {
            int start = i * HOP_LENGTH;
            for (int n = 0; n < N_FFT; n++) {
                int s = start + n;
                frame[n] = s < x.length ? x[s] * window[n] : 0;
            }
            fft.realForward(frame);
            // JTransforms' packed layout: [re0, re(N/2), re1, im1, re2, im2, ...].
            power[0] = frame[0] * frame[0];
            power[N_FFT / 2] = frame[1] * frame[1];
            for (int k = 1; k < N_FFT / 2; k++) {
                double re = frame[2 * k], im = frame[2 * k + 1];
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < N_FILTER; m++) {
                double e = 0;
                double[] fm = filters[m];
                for (int k = 0; k < N_FREQS; k++) {
                    e += fm[k] * power[k];
                }
                logEnergy[m] = Math.log(e + LOG_OFFSET);
            }
            double[] row = out[i];
            for (int k = 0; k < N_LFCC; k++) {
                double c = 0;
                for (int n = 0; n < N_FILTER; n++) {
                    c += dct[k][n] * logEnergy[n];
                }
                row[k] = c;
            }
        }
        deltas(out, 0, N_LFCC);
        deltas(out, N_LFCC, 2 * N_LFCC);
        return out;
    }

    /** compute_deltas along time of columns [from, from+N_LFCC) into [to, to+N_LFCC), replicate-padded. */
    private static void deltas(double[][] f, int from, int to) {
        int t = f.length, half = (DELTA_WIN - 1) / 2;
        double denom = half * (half + 1) * (2 * half + 1) / 3.0;
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < N_LFCC; c++) {
                double d = 0;
                for (int k = 1; k <= half; k++) {
                    d += k * (f[Math.min(i + k, t - 1)][from + c] - f[Math.max(i - k, 0)][from + c]);
                }
                f[i][to + c] = d / denom;
            }
        }
    }

    /**
     * Mean of every feature over frames, followed (when {@code withStd}) by the population standard
     * deviation: DIM or 2*DIM values, the layout the encoders' mean / mean+std pooling uses.
     */
    public float[] pooled(float[] x, boolean withStd) {
        double[][] f = features(x);
        float[] out = new float[withStd ? 2 * DIM : DIM];
        for (int c = 0; c < DIM; c++) {
            double sum = 0;
            for (double[] row : f) {
                sum += row[c];
            }
            double mean = sum / f.length;
            out[c] = (float) mean;
            if (withStd) {
                double ss = 0;
                for (double[] row : f) {
                    ss += (row[c] - mean) * (row[c] - mean);
                }
                out[DIM + c] = (float) Math.sqrt(ss / f.length);
            }
        }
        return out;
    }
}
