package org.greenspoof.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * EER, DET points and min t-DCF against the official ASVspoof definitions, evaluated by numpy in
 * tools/make_classifier_fixtures.py (regenerate: {@code /usr/bin/python3 tools/make_classifier_fixtures.py}).
 */
class MetricsParityTest {

    /** The issue demands the official EER to 1e-9; the construction is the same, so we get it exactly. */
    static final double EER_TOLERANCE = 1e-9;
    /** t-DCF goes through a handful of products and one division: a few ulps of a value near 1. */
    static final double TDCF_TOLERANCE = 1e-12;

    static List<JsonNode> cases() throws IOException {
        try (InputStream in = MetricsParityTest.class.getResourceAsStream("/classify/metrics.json")) {
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).get("cases").forEach(out::add);
            return out;
        }
    }

    static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }

    static double maxEerDiff = 0;
    static double maxTdcfDiff = 0;

    @AfterAll
    static void report() {
        System.out.printf("metrics vs official definitions (numpy): max EER difference %.1e, max min-t-DCF difference %.1e%n",
                maxEerDiff, maxTdcfDiff);
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("cases")
    void eerDetAndTdcfMatchOfficialDefinitions(JsonNode c) {
        String name = c.get("name").asText();
        double[] bona = doubles(c.get("bona"));
        double[] spoof = doubles(c.get("spoof"));
        Eer eer = Eer.of(bona, spoof);
        maxEerDiff = Math.max(maxEerDiff, Math.abs(c.get("eer").asDouble() - eer.eer()));
        assertEquals(c.get("eer").asDouble(), eer.eer(), EER_TOLERANCE, name + " EER");
        assertEquals(c.get("eer_threshold").asDouble(), eer.threshold(), 0.0, name + " EER threshold");
        if (c.has("det_frr")) {
            DetCurve det = DetCurve.of(bona, spoof);
            assertArrayEquals(doubles(c.get("det_frr")), det.frr(), 0.0, name + " frr");
            assertArrayEquals(doubles(c.get("det_far")), det.far(), 0.0, name + " far");
            assertArrayEquals(doubles(c.get("det_threshold")), det.thresholds(), 0.0, name + " thresholds");
        }
        if (c.has("asv_target")) {
            TandemDcf.AsvRates asv = TandemDcf.AsvRates.of(doubles(c.get("asv_target")),
                    doubles(c.get("asv_nontarget")), doubles(c.get("asv_spoof")));
            double legacy = TandemDcf.minLegacy2019(bona, spoof, asv, TandemDcf.CostModel.ASVSPOOF);
            double t2021 = TandemDcf.min2021(bona, spoof, asv, TandemDcf.CostModel.ASVSPOOF);
            maxTdcfDiff = Math.max(maxTdcfDiff, Math.max(Math.abs(c.get("min_tdcf_2019").asDouble() - legacy),
                    Math.abs(c.get("min_tdcf_2021").asDouble() - t2021)));
            assertEquals(c.get("min_tdcf_2019").asDouble(), legacy, TDCF_TOLERANCE, name);
            assertEquals(c.get("min_tdcf_2021").asDouble(), t2021, TDCF_TOLERANCE, name);
        }
    }

    @Test
    void rejectsBadScores() {
        double[] ok = {0.1, 0.2};
        assertThrows(IllegalArgumentException.class, () -> Eer.of(new double[0], ok));
        assertThrows(IllegalArgumentException.class, () -> Eer.of(ok, new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Eer.of(new double[] {Double.NaN}, ok));
        assertThrows(IllegalArgumentException.class, () -> Eer.of(ok, new double[] {Double.NEGATIVE_INFINITY}));
        TandemDcf.AsvRates asv = TandemDcf.AsvRates.of(new double[] {2, 3}, new double[] {-1, 0}, new double[] {1, 2});
        IllegalArgumentException hard = assertThrows(IllegalArgumentException.class,
                () -> TandemDcf.minLegacy2019(new double[] {1, 1}, new double[] {0, 0}, asv, TandemDcf.CostModel.ASVSPOOF));
        assertTrue(hard.getMessage().contains("soft"));
    }

    @Test
    void negativeZeroTiesWithZeroAsInNumpy() {
        // numpy sorts -0.0 and 0.0 as equal, so the bona fide 0.0 stays ahead of the spoof -0.0.
        DetCurve det = DetCurve.of(new double[] {0.0}, new double[] {-0.0});
        assertArrayEquals(new double[] {0, 1, 1}, det.frr(), 0.0);
        assertArrayEquals(new double[] {1, 1, 0}, det.far(), 0.0);
    }
}
