package org.greenspoof.classify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Replays scikit-learn 1.2.1's MLPClassifier training (Adam, full batch, L2 alpha, tanh and relu)
 * from the same initial weights and compares the weights after 60 epochs; fixture written by
 * tools/make_classifier_fixtures.py ({@code /usr/bin/python3 tools/make_classifier_fixtures.py}).
 * This checks the forward pass, backpropagation, the L2 term's batch scaling and the Adam update.
 */
class MlpParityTest {

    /**
     * Absolute error on weights of order one after 60 Adam steps: only summation order differs
     * from numpy, and Adam's m / sqrt(v) step is insensitive to it, so differences stay near 1e-12.
     */
    static final double WEIGHT_TOLERANCE = 1e-9;
    static final double PROBA_TOLERANCE = 1e-9;

    @Test
    void adamTrajectoryMatchesSklearn() throws Exception {
        JsonNode doc;
        try (InputStream in = MlpParityTest.class.getResourceAsStream("/classify/mlp.json")) {
            doc = new ObjectMapper().readTree(in);
        }
        float[][] x = LinearModelParityTest.matrix(doc.get("x"));
        int[] y = LinearModelParityTest.labels(doc.get("y"));
        double maxWeight = 0;
        double maxProba = 0;
        for (JsonNode run : doc.get("runs")) {
            Mlp.Options o = new Mlp.Options(run.get("hidden").asInt(),
                    Mlp.Activation.valueOf(run.get("activation").asText().toUpperCase(java.util.Locale.ROOT)),
                    run.get("alpha").asDouble(), run.get("learning_rate").asDouble(), x.length, run.get("epochs").asInt(),
                    0.0, Integer.MAX_VALUE, 0.0, 1L, false, false);
            double[] init = new double[run.get("init").size()];
            for (int i = 0; i < init.length; i++) {
                init[i] = run.get("init").get(i).asDouble();
            }
            Mlp m = Mlp.train(x, y, o, init, new SplittableRandom(1));
            double[] got = m.parameters();
            for (int i = 0; i < got.length; i++) {
                maxWeight = Math.max(maxWeight, Math.abs(got[i] - run.get("final").get(i).asDouble()));
            }
            for (int i = 0; i < x.length; i++) {
                maxProba = Math.max(maxProba, Math.abs(m.probability(x[i]) - run.get("proba").get(i).asDouble()));
            }
            assertTrue(m.epochs() == run.get("epochs").asInt());
        }
        System.out.printf("Mlp vs sklearn MLPClassifier: max weight error %.2e, max probability error %.2e%n", maxWeight, maxProba);
        assertTrue(maxWeight <= WEIGHT_TOLERANCE, "weight error " + maxWeight);
        assertTrue(maxProba <= PROBA_TOLERANCE, "probability error " + maxProba);
    }
}
