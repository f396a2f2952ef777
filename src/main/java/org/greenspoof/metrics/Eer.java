package org.greenspoof.metrics;

/**
 * Equal error rate as {@code compute_eer} of the ASVspoof evaluation package defines it: on the
 * {@link DetCurve}, the first point where |frr - far| is smallest; the EER is the mean of the two
 * rates there and the threshold is that point's threshold.
 *
 * @param eer       equal error rate as a fraction (0..1)
 * @param threshold score threshold at that point
 */
public record Eer(double eer, double threshold) {

    public static Eer of(double[] bonafide, double[] spoof) {
        return of(DetCurve.of(bonafide, spoof));
    }

    public static Eer of(DetCurve det) {
        double[] frr = det.frr();
        double[] far = det.far();
        int best = 0;
        double bestDiff = Math.abs(frr[0] - far[0]);
        for (int i = 1; i < frr.length; i++) {
            double d = Math.abs(frr[i] - far[i]);
            if (d < bestDiff) { // strict: numpy's argmin returns the first minimum
                bestDiff = d;
                best = i;
            }
        }
        return new Eer((frr[best] + far[best]) / 2.0, det.thresholds()[best]);
    }

    public double percent() {
        return 100.0 * eer;
    }
}
