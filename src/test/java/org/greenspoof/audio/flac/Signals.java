package org.greenspoof.audio.flac;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Deterministic test signals as {@code [channel][frame]} integers of a given bit depth. */
final class Signals {

    /** Formant centres (Hz) and bandwidth shaping the harmonic amplitudes like a neutral vowel. */
    private static final double[] FORMANTS = {500, 1500, 2500};
    private static final double FORMANT_BANDWIDTH = 200;

    private Signals() {
    }

    /**
     * Speech-like audio: a harmonic series on a gliding 90-170 Hz pitch weighted by three
     * formants, a 4 Hz syllable envelope, noise bursts between syllables (fricatives), and a quiet
     * chirp across the band. Channel c is channel 0 delayed by c samples, scaled by 0.9^c, plus
     * its own faint noise: correlated like a real stereo or surround recording, so the encoder
     * tries its inter-channel modes.
     */
    static int[][] speechLike(int channels, int frames, int rate, int bps, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int delay = channels - 1;
        double[] base = new double[frames + delay];
        double phase = 0;
        double nyquist = rate / 2.0;
        for (int i = 0; i < base.length; i++) {
            double t = (double) i / rate;
            double f0 = 130 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * f0 / rate;
            double voiced = 0;
            for (int k = 1; k <= 40 && k * f0 < 0.9 * nyquist; k++) {
                double f = k * f0;
                double gain = 0;
                for (double formant : FORMANTS) {
                    double d = (f - formant) / FORMANT_BANDWIDTH;
                    gain += 1 / (1 + d * d);
                }
                voiced += gain / k * Math.sin(k * phase);
            }
            double syllable = 0.5 * (1 - Math.cos(2 * Math.PI * 4 * t));
            double fricative = (1 - syllable) * (rnd.nextDouble() - 0.5);
            double sweep = 200 + (0.45 * rate - 200) * (t * rate / base.length);
            double chirp = 0.05 * Math.sin(2 * Math.PI * sweep * t);
            base[i] = 0.35 * syllable * voiced + 0.3 * fricative + chirp;
        }
        double[][] x = new double[channels][frames];
        for (int c = 0; c < channels; c++) {
            double g = Math.pow(0.9, c);
            for (int i = 0; i < frames; i++) {
                x[c][i] = g * base[i + delay - c] + (c == 0 ? 0 : 0.003 * (rnd.nextDouble() - 0.5));
            }
        }
        return quantize(x, bps, 0.7);
    }

    /**
     * Alternating stretches of a full-scale square wave (exactly the most negative and most
     * positive sample values) and clipped loud noise: the extremes of the integer range.
     */
    static int[][] fullScale(int channels, int frames, int bps, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int max = (int) ((1L << (bps - 1)) - 1);
        int min = (int) -(1L << (bps - 1));
        int[][] x = new int[channels][frames];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < frames; i++) {
                if ((i / 1000) % 2 == 0) {
                    x[c][i] = ((i + 7 * c) / 13) % 2 == 0 ? max : min;
                } else {
                    double v = 1.5 * (2 * rnd.nextDouble() - 1) * (max + 1.0);
                    x[c][i] = (int) Math.max(min, Math.min(max, Math.round(v)));
                }
            }
        }
        return x;
    }

    /**
     * Stereo in three equal parts: left a quiet copy of right, right a quiet copy of left, then
     * both nearly equal; which makes an exhaustive encoder pick left/side, right/side and mid/side.
     */
    static int[][] stereoModes(int frames, int rate, long seed) {
        int[] loud = speechLike(1, frames, rate, 16, seed)[0];
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        int[][] x = new int[2][frames];
        for (int i = 0; i < frames; i++) {
            int quiet = (int) Math.round(0.3 * loud[i] + 30 * (rnd.nextDouble() - 0.5));
            int near = loud[i] + (int) Math.round(20 * (rnd.nextDouble() - 0.5));
            int part = 3 * i / frames;
            x[0][i] = part == 0 ? quiet : loud[i];
            x[1][i] = part == 0 ? loud[i] : part == 1 ? quiet : near;
        }
        return x;
    }

    /**
     * A sum of {@code count} sinusoids at unrelated frequencies, at 90% of full scale: exactly
     * predictable by a linear predictor of order 2 * count, so it draws LPC orders up to 32.
     */
    static int[][] tones(int frames, int bps, int count) {
        double[] x = new double[frames];
        for (int k = 0; k < count; k++) {
            double omega = 2 * Math.PI * (0.011 + 0.3 * k / count + 0.0007 * k * k);
            for (int i = 0; i < frames; i++) {
                x[i] += Math.sin(omega * i + k);
            }
        }
        return quantize(new double[][] {x}, bps, 0.9);
    }

    /**
     * One slow sinusoid (0.1 rad per sample) whose amplitude steps through {@code amplitudes} in
     * equal parts. Its k-th difference shrinks like 0.1^k while quantization noise grows with k,
     * so each amplitude makes a different fixed predictor order the best.
     */
    static int[][] sineSteps(int frames, double... amplitudes) {
        int[][] x = new int[1][frames];
        for (int i = 0; i < frames; i++) {
            x[0][i] = (int) Math.round(amplitudes[i * amplitudes.length / frames] * Math.sin(0.1 * i));
        }
        return x;
    }

    /** Every sample of every channel equal to {@code value} (0 for digital silence). */
    static int[][] constant(int channels, int frames, int value) {
        int[][] x = new int[channels][frames];
        for (int[] ch : x) {
            Arrays.fill(ch, value);
        }
        return x;
    }

    /** Uniform white noise over the whole range: incompressible, so the encoder stores it verbatim. */
    static int[][] noise(int channels, int frames, int bps, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] x = new int[channels][frames];
        for (int[] ch : x) {
            for (int i = 0; i < frames; i++) {
                ch[i] = (int) (rnd.nextLong() >> (64 - bps));
            }
        }
        return x;
    }

    /** The signal with its low {@code shift} bits zero, which FLAC stores as wasted bits. */
    static int[][] lowBitsZero(int[][] x, int shift) {
        int[][] y = new int[x.length][];
        for (int c = 0; c < x.length; c++) {
            y[c] = new int[x[c].length];
            for (int i = 0; i < y[c].length; i++) {
                y[c][i] = (x[c][i] >> shift) << shift;
            }
        }
        return y;
    }

    private static int[][] quantize(double[][] x, int bps, double peak) {
        double max = (1L << (bps - 1)) - 1;
        double scale = 0;
        for (double[] ch : x) {
            for (double v : ch) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        scale = scale == 0 ? 0 : peak * max / scale;
        int[][] q = new int[x.length][];
        for (int c = 0; c < x.length; c++) {
            q[c] = new int[x[c].length];
            for (int i = 0; i < q[c].length; i++) {
                q[c][i] = (int) Math.round(x[c][i] * scale);
            }
        }
        return q;
    }
}
