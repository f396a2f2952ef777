package org.greenspoof.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures {@code greenspoof eval} reports for a scored trial list: pooled EER and threshold,
 * min t-DCF (ASVspoof 2019 legacy, and the 2021 definition) when ASV scores are given, and the EER
 * of each attack (every bona fide trial against that attack's spoofs, as the ASVspoof per-attack
 * tables are computed).
 *
 * @param minTdcf     min legacy t-DCF, or null without ASV scores
 * @param minTdcf2021 min 2021 t-DCF, or null without ASV scores
 * @param perAttack   attack id (sorted) to EER in percent
 */
public record Evaluation(Eer eer, Double minTdcf, Double minTdcf2021, Map<String, Double> perAttack,
                         int bonafideTrials, int spoofTrials, DetCurve det) {

    public static Evaluation of(List<ScoreFiles.Trial> trials, ScoreFiles.AsvScores asv) {
        List<Double> bona = new ArrayList<>();
        Map<String, List<Double>> byAttack = new TreeMap<>();
        List<Double> spoof = new ArrayList<>();
        for (ScoreFiles.Trial t : trials) {
            if (t.bonafide()) {
                bona.add(t.score());
            } else {
                spoof.add(t.score());
                byAttack.computeIfAbsent(t.attack(), a -> new ArrayList<>()).add(t.score());
            }
        }
        if (bona.isEmpty() || spoof.isEmpty()) {
            throw new IllegalArgumentException("only " + (bona.isEmpty() ? "spoof" : "bona fide")
                    + " trials: the EER needs both bona fide and spoof trials");
        }
        double[] b = ScoreFiles.toArray(bona);
        double[] s = ScoreFiles.toArray(spoof);
        DetCurve det = DetCurve.of(b, s);
        Eer eer = Eer.of(det);
        Double legacy = null;
        Double t2021 = null;
        if (asv != null) {
            TandemDcf.AsvRates rates = TandemDcf.AsvRates.of(asv.target(), asv.nontarget(), asv.spoof());
            legacy = TandemDcf.minLegacy2019(b, s, rates, TandemDcf.CostModel.ASVSPOOF);
            t2021 = TandemDcf.min2021(b, s, rates, TandemDcf.CostModel.ASVSPOOF);
        }
        Map<String, Double> perAttack = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : byAttack.entrySet()) {
            perAttack.put(e.getKey(), Eer.of(b, ScoreFiles.toArray(e.getValue())).percent());
        }
        return new Evaluation(eer, legacy, t2021, perAttack, b.length, s.length, det);
    }
}
