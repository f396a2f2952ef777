package org.greenspoof.metrics;

import java.util.Arrays;

/**
 * Miss (false rejection of bona fide) and false-alarm (acceptance of spoof) rates at every
 * threshold, built exactly as {@code compute_det_curve} of the ASVspoof evaluation package builds
 * them: the bona fide scores followed by the spoof scores, stably sorted ascending, so that among
 * tied scores the bona fide trials come first; point 0 is "accept everything" at the lowest score
 * minus 0.001, point k rejects the k lowest-sorted trials.
 *
 * @param frr        miss rate of the bona fide (positive) class, length n+1, non-decreasing
 * @param far        false-alarm rate of the spoof (negative) class, length n+1, non-increasing
 * @param thresholds threshold of each point
 * @param bonafideCount number of bona fide trials
 * @param spoofCount    number of spoof trials
 */
public record DetCurve(double[] frr, double[] far, double[] thresholds, int bonafideCount, int spoofCount) {

    /** Threshold offset of the first point, as in the official package. */
    private static final double FIRST_THRESHOLD_OFFSET = 0.001;

    /**
     * @param bonafide scores of the positive class (higher = more bona fide)
     * @param spoof    scores of the negative class
     * @throws IllegalArgumentException when a class is empty or a score is NaN or infinite
     */
    public static DetCurve of(double[] bonafide, double[] spoof) {
        requireScores(bonafide, "bona fide");
        requireScores(spoof, "spoof");
        int nTar = bonafide.length;
        int nNon = spoof.length;
        int n = nTar + nNon;
        double[] all = new double[n];
        for (int i = 0; i < nTar; i++) {
            all[i] = positiveZero(bonafide[i]);
        }
        for (int i = 0; i < nNon; i++) {
            all[nTar + i] = positiveZero(spoof[i]);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Arrays.sort on objects is a stable merge sort (TimSort), like numpy's kind='mergesort'.
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));

        double[] frr = new double[n + 1];
        double[] far = new double[n + 1];
        double[] thr = new double[n + 1];
        frr[0] = 0.0;
        far[0] = 1.0;
        thr[0] = all[order[0]] - FIRST_THRESHOLD_OFFSET;
        long tarSum = 0;
        for (int k = 1; k <= n; k++) {
            int idx = order[k - 1];
            if (idx < nTar) {
                tarSum++;
            }
            // The same integer counts divided by the same class sizes as numpy: bit-identical rates.
            frr[k] = (double) tarSum / nTar;
            far[k] = (double) (nNon - (k - tarSum)) / nNon;
            thr[k] = all[idx];
        }
        return new DetCurve(frr, far, thr, nTar, nNon);
    }

    /** Number of points (scores + 1). */
    public int size() {
        return frr.length;
    }

    static void requireScores(double[] scores, String what) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("no " + what + " scores");
        }
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException(what + " score #" + i + " is " + scores[i] + ", expected a finite number");
            }
        }
    }

    /** numpy orders -0.0 and 0.0 as equal; Double.compare does not. */
    private static double positiveZero(double v) {
        return v == 0.0 ? 0.0 : v;
    }
}
