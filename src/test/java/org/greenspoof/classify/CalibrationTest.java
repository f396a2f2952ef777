package org.greenspoof.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Platt calibration against scikit-learn's (tools/make_calibration_fixtures.py), the far=X operating
 * points on the dev scores, and the model file: calibration round-trips, older files load uncalibrated.
 */
class CalibrationTest {

    /**
     * sklearn stops its BFGS at a gradient of 1e-5 and we stop Newton at the same; both land within
     * about 1e-6 of the optimum in probability, so 1e-5 leaves room without hiding a wrong fit.
     */
    static final double PROBABILITY_TOLERANCE = 1e-5;
    /** The gradient at our optimum: Newton's stopping rule (1e-5), checked here independently of the code. */
    static final double GRADIENT_TOLERANCE = 1e-5;
    /** far * n is a whole count of spoofs up to binary rounding (0.07 * 100 = 6.999999999999999). */
    static final double COUNT_SLACK = 1e-9;

    @TempDir
    Path tmp;

    record Case(String name, double[] scores, int[] y, double a, double b) {
    }

    static Case[] cases() throws Exception {
        JsonNode doc = ClassifierFileTest.JSON.readTree(ClassifierFileTest.resource("calibration.json").toFile());
        JsonNode cs = doc.get("cases");
        Case[] out = new Case[cs.size()];
        for (int k = 0; k < out.length; k++) {
            JsonNode c = cs.get(k);
            double[] s = new double[c.get("scores").size()];
            int[] y = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = c.get("scores").get(i).asDouble();
                y[i] = c.get("y").get(i).asInt();
            }
            out[k] = new Case(c.get("name").asText(), s, y, c.get("a").asDouble(), c.get("b").asDouble());
        }
        return out;
    }

    @Test
    void plattFitMatchesScikitLearnAndIsTheLikelihoodOptimum() throws Exception {
        for (Case c : cases()) {
            Calibration cal = Calibration.fit(c.scores(), c.y(), "dev");
            double pos = Arrays.stream(c.y()).sum(), neg = c.y().length - pos;
            double ga = 0, gb = 0;
            for (int i = 0; i < c.scores().length; i++) {
                double s = c.scores()[i];
                double sklearn = 1 / (1 + Math.exp(-(c.a() * s + c.b())));
                double p = cal.probability(s);
                assertEquals(sklearn, p, PROBABILITY_TOLERANCE, c.name() + " score " + s);
                double target = c.y()[i] == 1 ? (pos + 1) / (pos + 2) : 1 / (neg + 2); // Platt's smoothed targets
                ga += (p - target) * s;
                gb += p - target;
            }
            assertTrue(Math.abs(ga) < GRADIENT_TOLERANCE && Math.abs(gb) < GRADIENT_TOLERANCE,
                    c.name() + ": gradient " + ga + ", " + gb + " at the fit");
            assertTrue(cal.a() > 0, c.name() + ": higher score, more bona fide");
            double[] sorted = c.scores().clone();
            Arrays.sort(sorted);
            for (int i = 1; i < sorted.length; i++) {
                assertTrue(cal.probability(sorted[i - 1]) <= cal.probability(sorted[i]), c.name() + ": monotone in the score");
            }
        }
    }

    @Test
    void farThresholdsAcceptThatShareOfTheDevSpoofs() throws Exception {
        for (Case c : cases()) {
            Calibration cal = Calibration.fit(c.scores(), c.y(), "dev");
            double[] spoof = spoofScores(c.scores(), c.y());
            for (double far : new double[] {0, 0.01, 0.05, 0.07, 0.1, 0.5, 1}) {
                double t = cal.thresholdAtFar(far);
                long accepted = Arrays.stream(spoof).filter(s -> s > t).count();
                assertEquals((long) Math.floor(far * spoof.length + COUNT_SLACK), accepted, c.name() + " far=" + far);
                if (far < 1) {
                    assertTrue(Arrays.stream(spoof).anyMatch(s -> s == t), "the largest such threshold: a spoof score");
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Calibration.fit(new double[] {1, 2}, new int[] {1, 1}, "dev"));
    }

    /** Beyond MAX_STORED_SCORES spoofs the file keeps order statistics: FAR is then exact to about 1 / MAX_STORED_SCORES. */
    @Test
    void largeDevSetsStoreFewScoresAndKeepTheFarClose() {
        Random r = new Random(14);
        int n = 20_000;
        double[] s = new double[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10 == 0 ? 1 : 0;
            s[i] = r.nextGaussian() + (y[i] == 1 ? 2 : 0);
        }
        Calibration cal = Calibration.fit(s, y, "dev");
        assertEquals(Calibration.MAX_STORED_SCORES, cal.spoofScores().length);
        double[] spoof = spoofScores(s, y);
        for (double far : new double[] {0.001, 0.01, 0.1, 0.5}) {
            double t = cal.thresholdAtFar(far);
            double got = (double) Arrays.stream(spoof).filter(v -> v > t).count() / spoof.length;
            assertEquals(far, got, 1.0 / Calibration.MAX_STORED_SCORES, "far=" + far);
        }
    }

    @Test
    void modelFilesStoreTheCalibrationAndOlderOnesLoadUncalibrated() throws Exception {
        ClassifierFile.Model old = ClassifierFile.read(ClassifierFileTest.resource("model-v1-lr.json"));
        assertNull(old.calibration());
        assertFalse(old.calibrated());
        assertSame(old, old.atOperatingPoint("eer"));
        assertEquals(0.7, old.atOperatingPoint("0.7").threshold());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> old.atOperatingPoint("far=0.01"));
        assertTrue(e.getMessage().contains("retrain"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> old.atOperatingPoint("median"));
        assertTrue(e.getMessage().contains("eer, far=X"), e.getMessage());

        Case c = cases()[0];
        float[][] x = new float[c.scores().length][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new float[] {(float) c.scores()[i], (float) -c.scores()[i]};
        }
        Classifier lr = LogisticRegression.fit(x, c.y(), LogisticRegression.Options.DEFAULT);
        Calibration cal = Calibration.fit(lr.scores(x), c.y(), "dev");
        Path file = tmp.resolve("calibrated.json");
        ClassifierFile.write(file, lr, 0.1, old.provenance(), null, cal);
        ClassifierFile.Model back = ClassifierFile.read(file);
        assertTrue(back.calibrated());
        assertEquals(cal.a(), back.calibration().a(), 0.0, "JSON doubles round-trip exactly");
        assertEquals(cal.b(), back.calibration().b(), 0.0);
        assertEquals("dev", back.calibration().fittedOn());
        assertEquals(cal.spoofCount(), back.calibration().spoofCount());
        double s = lr.score(x[3]);
        assertEquals(cal.probability(s), back.probability(x[3], s), 0.0);
        assertEquals(cal.thresholdAtFar(0.05), back.atOperatingPoint("far=0.05").threshold(), 0.0);
        e = assertThrows(IllegalArgumentException.class, () -> back.atOperatingPoint("far=1.5"));
        assertTrue(e.getMessage().contains("between 0 and 1"), e.getMessage());
    }

    private static double[] spoofScores(double[] s, int[] y) {
        double[] out = new double[s.length];
        int k = 0;
        for (int i = 0; i < s.length; i++) {
            if (y[i] == 0) {
                out[k++] = s[i];
            }
        }
        return Arrays.copyOf(out, k);
    }
}
