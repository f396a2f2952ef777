package org.greenspoof.metrics;

/**
 * Minimum normalised tandem detection cost function (t-DCF) of a countermeasure (CM) placed in
 * front of a fixed automatic speaker verification (ASV) system, in the two official forms:
 * the ASVspoof 2019 "legacy" t-DCF ({@code compute_tDCF_legacy}, the figure the 2019
 * {@code evaluate_tDCF_asvspoof19.py} prints) and the ASVspoof 2021 t-DCF ({@code compute_tDCF},
 * with the C0/C1/C2 terms). Both are minimised over every CM threshold of the {@link DetCurve}.
 */
public final class TandemDcf {

    private TandemDcf() {
    }

    /**
     * The t-DCF cost model. The 2019 legacy form uses the ASV/CM costs, the 2021 form the tandem
     * costs.
     */
    public record CostModel(double pSpoof, double pTar, double pNon,
                            double cMissAsv, double cFaAsv, double cMissCm, double cFaCm,
                            double cMiss, double cFa, double cFaSpoof) {

        /** The official ASVspoof 2019/2021 model: Pspoof 0.05, Ptar 0.95*0.99, Pnon 0.95*0.01, misses cost 1, false alarms 10. */
        public static final CostModel ASVSPOOF = new CostModel(0.05, (1 - 0.05) * 0.99, (1 - 0.05) * 0.01,
                1, 10, 1, 10, 1, 10, 10);

        /** The official scripts refuse priors that do not sum to one within this. */
        private static final double PRIOR_SUM_TOLERANCE = 1e-10;

        public CostModel {
            if (pTar < 0 || pNon < 0 || pSpoof < 0 || Math.abs(pTar + pNon + pSpoof - 1) > PRIOR_SUM_TOLERANCE) {
                throw new IllegalArgumentException("t-DCF priors must be non-negative and sum to one");
            }
        }
    }

    /**
     * ASV error rates at the ASV EER threshold of target against nontarget trials, as
     * {@code obtain_asv_error_rates} computes them: a trial is accepted when its score is at least
     * the threshold.
     */
    public record AsvRates(double pFa, double pMiss, double pMissSpoof, double pFaSpoof, double threshold) {

        public static AsvRates of(double[] target, double[] nontarget, double[] spoof) {
            DetCurve.requireScores(spoof, "ASV spoof");
            double t = Eer.of(target, nontarget).threshold();
            return new AsvRates(
                    (double) countAtLeast(nontarget, t) / nontarget.length,
                    (double) (target.length - countAtLeast(target, t)) / target.length,
                    (double) (spoof.length - countAtLeast(spoof, t)) / spoof.length,
                    (double) countAtLeast(spoof, t) / spoof.length,
                    t);
        }

        private static long countAtLeast(double[] v, double t) {
            long c = 0;
            for (double x : v) {
                if (x >= t) {
                    c++;
                }
            }
            return c;
        }
    }

    /** Minimum of the normalised ASVspoof 2019 legacy t-DCF over all CM thresholds. */
    public static double minLegacy2019(double[] bonafide, double[] spoof, AsvRates asv, CostModel c) {
        DetCurve det = softScores(bonafide, spoof);
        double c1 = c.pTar() * (c.cMissCm() - c.cMissAsv() * asv.pMiss()) - c.pNon() * c.cFaAsv() * asv.pFa();
        double c2 = c.cFaCm() * c.pSpoof() * (1 - asv.pMissSpoof());
        requireNonNegative(c1, c2);
        double norm = Math.min(c1, c2);
        return minimum(det, 0.0, c1, c2, norm);
    }

    /** Minimum of the normalised ASVspoof 2021 t-DCF over all CM thresholds. */
    public static double min2021(double[] bonafide, double[] spoof, AsvRates asv, CostModel c) {
        DetCurve det = softScores(bonafide, spoof);
        double c0 = c.pTar() * c.cMiss() * asv.pMiss() + c.pNon() * c.cFa() * asv.pFa();
        double c1 = c.pTar() * c.cMiss() - (c.pTar() * c.cMiss() * asv.pMiss() + c.pNon() * c.cFa() * asv.pFa());
        double c2 = c.pSpoof() * c.cFaSpoof() * asv.pFaSpoof();
        requireNonNegative(c0, c1, c2);
        return minimum(det, c0, c1, c2, c0 + Math.min(c1, c2));
    }

    private static double minimum(DetCurve det, double c0, double c1, double c2, double norm) {
        double[] pMiss = det.frr();
        double[] pFa = det.far();
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < pMiss.length; i++) {
            // Same operation order as the official numpy expression, then the division.
            double v = (c0 + c1 * pMiss[i] + c2 * pFa[i]) / norm;
            if (v < best) {
                best = v;
            }
        }
        return best;
    }

    private static DetCurve softScores(double[] bonafide, double[] spoof) {
        DetCurve det = DetCurve.of(bonafide, spoof);
        double[] t = det.thresholds();
        int distinct = 0;
        for (int i = 1; i < t.length && distinct < 3; i++) {
            if (i == 1 || t[i] != t[i - 1]) {
                distinct++;
            }
        }
        if (distinct < 3) {
            throw new IllegalArgumentException("t-DCF needs soft CM scores, not binary decisions: fewer than 3 distinct scores");
        }
        return det;
    }

    private static void requireNonNegative(double... weights) {
        for (double w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("negative t-DCF weight " + w + ": the ASV error rates are inconsistent");
            }
        }
    }
}
