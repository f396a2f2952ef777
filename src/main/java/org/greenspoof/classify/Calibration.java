package org.greenspoof.classify;

import java.util.Arrays;

/**
 * What {@code train} learns about its classifier's scores on the dev partition (the training set
 * without {@code --dev}), stored in the model file under "calibration":
 * <ul>
 * <li>a Platt calibration, P(bona fide) = sigmoid(a * score + b), fitted by maximum likelihood
 *     (Newton's method, as in Lin, Lin and Weng, "A note on Platt's probabilistic outputs", 2007)
 *     on Platt's smoothed targets (N+ + 1) / (N+ + 2) and 1 / (N- + 2), which keep the fit finite
 *     when the dev scores separate the classes; the same fit as scikit-learn's
 *     {@code CalibratedClassifierCV(method='sigmoid')};</li>
 * <li>the sorted spoof scores, from which {@link #thresholdAtFar} picks operating points; at most
 *     {@link #MAX_STORED_SCORES} evenly spaced order statistics are kept, so the model file stays small.</li>
 * </ul>
 *
 * @param fittedOn    "dev" or "train"
 * @param spoofCount  spoof scores the fit saw
 * @param spoofScores ascending; all of them when {@code spoofCount <= MAX_STORED_SCORES}, else evenly spaced order statistics
 */
public record Calibration(double a, double b, String fittedOn, int spoofCount, double[] spoofScores) {

    /** Order statistics of the spoof scores kept in the model file (a far=X threshold is exact up to 1/this). */
    public static final int MAX_STORED_SCORES = 1000;

    /** Newton stops when the gradient's largest component is below this (Lin, Lin and Weng's stopping rule). */
    private static final double GRADIENT_TOLERANCE = 1e-5;
    /** Added to the Hessian's diagonal so a degenerate score set (all scores equal) still gives a step. */
    private static final double HESSIAN_RIDGE = 1e-12;
    /** Smallest backtracking step before giving up (the objective is convex; reaching it means rounding noise). */
    private static final double MIN_STEP = 1e-10;
    private static final int MAX_ITERATIONS = 100;
    /** Sufficient-decrease constant of the Armijo line search (Lin, Lin and Weng's value). */
    private static final double ARMIJO = 1e-4;
    /**
     * far * n is rounded down to a count of accepted spoofs; this slack keeps e.g. 0.07 * 100
     * (6.999999999999999 in binary) from becoming 6.
     */
    private static final double COUNT_SLACK = 1e-9;

    public Calibration {
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            throw new IllegalArgumentException("calibration a and b must be finite, got " + a + ", " + b);
        }
        if (spoofScores.length == 0 || spoofScores.length > spoofCount) {
            throw new IllegalArgumentException("calibration needs 1.." + spoofCount + " spoof scores, got " + spoofScores.length);
        }
        for (int i = 1; i < spoofScores.length; i++) {
            if (!(spoofScores[i - 1] <= spoofScores[i])) {
                throw new IllegalArgumentException("calibration spoof scores must be finite and ascending");
            }
        }
    }

    /** The calibrated P(bona fide) of a raw score; increasing in the score (a > 0) for any useful classifier. */
    public double probability(double score) {
        return Sigmoid.of(a * score + b);
    }

    /**
     * The threshold at which a share {@code far} of the spoof scores is accepted (score &gt; threshold):
     * the largest threshold with at most floor(far * n) spoofs above it, n the spoof count.
     */
    public double thresholdAtFar(double far) {
        if (!(far >= 0 && far <= 1)) {
            throw new IllegalArgumentException("a false acceptance rate is between 0 and 1, got " + far);
        }
        int accepted = (int) Math.floor(far * spoofCount + COUNT_SLACK);
        if (accepted >= spoofCount) {
            return Math.nextDown(spoofScores[0]);
        }
        int rank = spoofCount - accepted - 1; // in the full sorted list: the highest rejected spoof
        int m = spoofScores.length;
        int stored = m == spoofCount ? rank : (int) Math.round((double) rank * (m - 1) / (spoofCount - 1));
        return spoofScores[stored];
    }

    /** Fits the calibration on scores with labels {@code y} (1 = bona fide); both classes must be present. */
    public static Calibration fit(double[] scores, int[] y, String fittedOn) {
        if (scores.length != y.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + y.length + " labels");
        }
        int pos = 0;
        for (int v : y) {
            pos += v == 1 ? 1 : 0;
        }
        int neg = y.length - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("calibration needs bona fide and spoof scores; got " + pos + " and " + neg);
        }
        double hi = (pos + 1.0) / (pos + 2.0), lo = 1.0 / (neg + 2.0);
        double[] t = new double[y.length];
        double[] spoof = new double[neg];
        for (int i = 0, k = 0; i < y.length; i++) {
            t[i] = y[i] == 1 ? hi : lo;
            if (y[i] != 1) {
                spoof[k++] = scores[i];
            }
        }
        double[] ab = newton(scores, t, Math.log((pos + 1.0) / (neg + 1.0)));
        Arrays.sort(spoof);
        return new Calibration(ab[0], ab[1], fittedOn, neg, orderStatistics(spoof));
    }

    /** Minimises sum softplus(z) - t z, z = a s + b, from a = 0, b = b0. */
    private static double[] newton(double[] s, double[] t, double b0) {
        double a = 0, b = b0, f = loss(s, t, a, b);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double ga = 0, gb = 0, haa = HESSIAN_RIDGE, hab = 0, hbb = HESSIAN_RIDGE;
            for (int i = 0; i < s.length; i++) {
                double p = Sigmoid.of(a * s[i] + b), d = p - t[i], w = p * (1 - p);
                ga += d * s[i];
                gb += d;
                haa += w * s[i] * s[i];
                hab += w * s[i];
                hbb += w;
            }
            if (Math.max(Math.abs(ga), Math.abs(gb)) < GRADIENT_TOLERANCE) {
                break;
            }
            double det = haa * hbb - hab * hab;
            double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det;
            double step = 1;
            while (step >= MIN_STEP) {
                double na = a + step * da, nb = b + step * db, nf = loss(s, t, na, nb);
                if (nf < f + ARMIJO * step * (ga * da + gb * db)) {
                    a = na;
                    b = nb;
                    f = nf;
                    break;
                }
                step /= 2;
            }
            if (step < MIN_STEP) {
                break;
            }
        }
        return new double[] {a, b};
    }

    private static double loss(double[] s, double[] t, double a, double b) {
        double f = 0;
        for (int i = 0; i < s.length; i++) {
            double z = a * s[i] + b;
            f += Sigmoid.softplus(z) - t[i] * z;
        }
        return f;
    }

    /** All of {@code sorted} when short enough, else MAX_STORED_SCORES evenly spaced order statistics (both ends kept). */
    private static double[] orderStatistics(double[] sorted) {
        int n = sorted.length;
        if (n <= MAX_STORED_SCORES) {
            return sorted;
        }
        double[] out = new double[MAX_STORED_SCORES];
        for (int j = 0; j < out.length; j++) {
            out[j] = sorted[(int) Math.round((double) j * (n - 1) / (MAX_STORED_SCORES - 1))];
        }
        return out;
    }
}
