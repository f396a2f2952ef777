package org.greenspoof.demo;

import java.util.SplittableRandom;

/**
 * Speech-like test signals for the demonstration corpus. Nothing here is speech: these are
 * source-filter toys, good for exercising the pipeline and nothing else.
 *
 * <p>"Bona fide": a glottal pulse train whose period carries jitter (1 %) and amplitude shimmer (6 %),
 * with breathy aspiration noise, through four formant resonators that glide between vowel targets,
 * under a syllable-rate envelope. "Spoof" resynthesises the same speaker parameters with the
 * artefacts vocoders are known for, one kind per attack:
 * <ul>
 *   <li>{@code D01} frame-based vocoder: perfectly regular pulses, no shimmer, formants updated in 10 ms
 *       steps, excitation noise unshaped;</li>
 *   <li>{@code D02} band-extension: natural excitation, but everything above 4 kHz replaced by noise
 *       shaped only by the syllable envelope;</li>
 *   <li>{@code D03} sinusoidal (harmonic-only) resynthesis: exact harmonics of F0 with amplitudes from the
 *       formant envelope, no aspiration at all (the demo's "unseen" attack, only in eval).</li>
 * </ul>
 */
final class SyntheticSpeech {
    static final int RATE = 16000;

    /** Vowel formant targets F1..F4 in Hz (adult averages, roughly /a/, /e/, /i/, /o/, /u/). */
    private static final double[][] VOWELS = {
            {730, 1090, 2440, 3400}, {530, 1840, 2480, 3500}, {270, 2290, 3010, 3700},
            {570, 840, 2410, 3300}, {300, 870, 2240, 3200}};
    private static final double[] BANDWIDTHS = {80, 100, 140, 180};

    /** A speaker's voice: base F0 and a vocal-tract length factor scaling the formants. */
    record Voice(double f0, double formantScale) {
    }

    private SyntheticSpeech() {
    }

    static float[] bonafide(Voice v, double seconds, SplittableRandom rng) {
        return render(v, seconds, rng, "bonafide");
    }

    static float[] spoof(Voice v, double seconds, SplittableRandom rng, String attack) {
        return render(v, seconds, rng, attack);
    }

    private static float[] render(Voice v, double seconds, SplittableRandom rng, String kind) {
        int n = (int) (seconds * RATE);
        boolean natural = kind.equals("bonafide") || kind.equals("D02");
        double[] f0 = f0Contour(v, n, rng);
        double[][] formants = formantTracks(v, n, rng, kind.equals("D01") ? RATE / 100 : 1);
        double[] env = syllableEnvelope(n, rng);
        double[] out;
        if (kind.equals("D03")) {
            out = harmonic(f0, formants, n);
        } else {
            double[] excitation = pulses(f0, n, rng, natural ? 0.01 : 0, natural ? 0.06 : 0);
            double aspiration = natural ? 0.08 : 0.03, cycles = 0;
            for (int i = 0; i < n; i++) {
                // Breath noise rides on the glottal cycle for natural voices, is steady for the vocoder.
                cycles += f0[i] / RATE;
                double gate = natural ? 0.5 + 0.5 * Math.cos(2 * Math.PI * cycles) : 1;
                excitation[i] += aspiration * gate * rng.nextGaussian();
            }
            out = resonate(excitation, formants);
        }
        if (kind.equals("D02")) {
            replaceHighBand(out, env, rng);
        }
        double peak = 1e-9;
        for (int i = 0; i < n; i++) {
            out[i] *= env[i];
            peak = Math.max(peak, Math.abs(out[i]));
        }
        float[] x = new float[n];
        double gain = 0.5 / peak;
        for (int i = 0; i < n; i++) {
            // Microphone-like noise floor, 60 dB down.
            x[i] = (float) (out[i] * gain + 5e-4 * rng.nextGaussian());
        }
        return x;
    }

    private static double[] f0Contour(Voice v, int n, SplittableRandom rng) {
        double rate = 0.3 + 0.4 * rng.nextDouble(), phase = 2 * Math.PI * rng.nextDouble();
        double[] f0 = new double[n];
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            f0[i] = v.f0 * (1 + 0.12 * Math.sin(2 * Math.PI * rate * t + phase) - 0.06 * t);
        }
        return f0;
    }

    /** Glottal pulses with period jitter and amplitude shimmer, spectrally tilted by a two-pole low-pass. */
    private static double[] pulses(double[] f0, int n, SplittableRandom rng, double jitter, double shimmer) {
        double[] e = new double[n];
        double next = 0;
        while (next < n) {
            int i = (int) next;
            e[i] += 1 + shimmer * rng.nextGaussian();
            next += RATE / f0[i] * (1 + jitter * rng.nextGaussian());
        }
        double a = Math.exp(-2 * Math.PI * 300.0 / RATE), y1 = 0, y2 = 0;
        for (int i = 0; i < n; i++) {
            double y = e[i] + 2 * a * y1 - a * a * y2;
            y2 = y1;
            y1 = y;
            e[i] = y * (1 - a) * (1 - a);
        }
        return e;
    }

    /** Formant frequencies per sample, gliding between a new vowel every 150-300 ms; held in steps of {@code hold}. */
    private static double[][] formantTracks(Voice v, int n, SplittableRandom rng, int hold) {
        double[][] f = new double[4][n];
        double[] from = VOWELS[rng.nextInt(VOWELS.length)], to = VOWELS[rng.nextInt(VOWELS.length)];
        int segStart = 0, segLen = 2400 + rng.nextInt(2400);
        for (int i = 0; i < n; i++) {
            if (i - segStart >= segLen) {
                from = to;
                to = VOWELS[rng.nextInt(VOWELS.length)];
                segStart = i;
                segLen = 2400 + rng.nextInt(2400);
            }
            int held = i - (i - segStart) % hold;
            double u = Math.min(1, 2.0 * (held - segStart) / segLen);
            double s = u * u * (3 - 2 * u);
            for (int k = 0; k < 4; k++) {
                f[k][i] = v.formantScale * (from[k] + s * (to[k] - from[k]));
            }
        }
        return f;
    }

    /** Cascade of four two-pole resonators with time-varying centre frequencies. */
    private static double[] resonate(double[] x, double[][] formants) {
        double[] y = x.clone();
        for (int k = 0; k < 4; k++) {
            double r = Math.exp(-Math.PI * BANDWIDTHS[k] / RATE), y1 = 0, y2 = 0, c = 0;
            for (int i = 0; i < y.length; i++) {
                if (i % 16 == 0) { // formants glide slowly: 1 ms coefficient updates are inaudible
                    c = 2 * r * Math.cos(2 * Math.PI * formants[k][i] / RATE);
                }
                double out = (1 - r) * y[i] + c * y1 - r * r * y2;
                y2 = y1;
                y1 = out;
                y[i] = out;
            }
        }
        return y;
    }

    /**
     * Exact harmonics of F0 below 7 kHz, each weighted by a formant-envelope gain at its frequency;
     * gains are refreshed every 5 ms as a frame-based sinusoidal vocoder would.
     */
    private static double[] harmonic(double[] f0, double[][] formants, int n) {
        double[] y = new double[n];
        double[] gains = new double[64];
        double phase = 0;
        int harmonics = 0;
        for (int i = 0; i < n; i++) {
            phase += 2 * Math.PI * f0[i] / RATE;
            if (phase > 2 * Math.PI) {
                phase -= 2 * Math.PI;
            }
            if (i % 80 == 0) {
                harmonics = Math.min(gains.length, (int) (7000 / f0[i]));
                for (int h = 1; h <= harmonics; h++) {
                    double f = h * f0[i], g = 1 / (1 + (f / 300) * (f / 300));
                    for (int k = 0; k < 4; k++) {
                        double d = (f - formants[k][i]) / (BANDWIDTHS[k] / 2);
                        g *= 1 + 8 / (1 + d * d);
                    }
                    gains[h - 1] = g;
                }
            }
            // sin(h phase) by the Chebyshev recurrence: one sin and one cos per sample, not one sin per harmonic.
            double c2 = 2 * Math.cos(phase), prev = 0, cur = Math.sin(phase), sum = 0;
            for (int h = 1; h <= harmonics; h++) {
                sum += gains[h - 1] * cur;
                double next = c2 * cur - prev;
                prev = cur;
                cur = next;
            }
            y[i] = sum;
        }
        return y;
    }

    /** Keeps the band below 4 kHz (a 4th-order low-pass) and adds envelope-shaped white noise above it. */
    private static void replaceHighBand(double[] y, double[] env, SplittableRandom rng) {
        double energy = 0;
        for (double v : y) {
            energy += v * v;
        }
        double level = 0.15 * Math.sqrt(energy / y.length);
        double a = Math.exp(-2 * Math.PI * 4000.0 / RATE);
        double s1 = 0, s2 = 0, s3 = 0, s4 = 0, h1 = 0, h2 = 0;
        for (int i = 0; i < y.length; i++) {
            s1 = (1 - a) * y[i] + a * s1;
            s2 = (1 - a) * s1 + a * s2;
            s3 = (1 - a) * s2 + a * s3;
            s4 = (1 - a) * s3 + a * s4;
            double w = level * rng.nextGaussian();
            // First-difference twice: white noise tilted upwards, most of its energy above 4 kHz.
            double hp = w - 2 * h1 + h2;
            h2 = h1;
            h1 = w;
            y[i] = s4 + 0.5 * hp * Math.sqrt(env[i]);
        }
    }

    /** Syllables at ~4 per second with short pauses between phrases. */
    private static double[] syllableEnvelope(int n, SplittableRandom rng) {
        double[] env = new double[n];
        double rate = 3.5 + rng.nextDouble(), phase = rng.nextDouble();
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            double syl = 0.55 - 0.45 * Math.cos(2 * Math.PI * (rate * t + phase));
            double fade = Math.min(1, Math.min(t, (double) (n - i) / RATE) / 0.05);
            env[i] = syl * fade;
        }
        return env;
    }
}
