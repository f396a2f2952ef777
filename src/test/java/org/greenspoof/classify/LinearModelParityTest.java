package org.greenspoof.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coefficients, intercept and probabilities against scikit-learn 1.2.1's LogisticRegression
 * (solver newton-cholesky, tol 1e-10: the converged optimum; sklearn's lbfgs stops up to 7e-2
 * short of it on the ill-conditioned constant-column case, see the fixture script), written by
 * tools/make_classifier_fixtures.py (regenerate: {@code /usr/bin/python3 tools/make_classifier_fixtures.py}).
 */
class LinearModelParityTest {

    /** The SVM's decision values are compared absolutely, like the probabilities. */
    static final double DECISION_TOLERANCE = 1e-5;

    /**
     * Coefficient error relative to the largest |parameter| of sklearn's solution (coefficients and
     * intercept): a per-coefficient ratio would blow up on coefficients that are zero at the optimum
     * (the constant column). Both solvers reach the same strictly convex optimum (measured gap
     * 3.5e-8), far inside the 1e-4 the issue asks.
     */
    static final double COEF_RELATIVE_TOLERANCE = 1e-4;
    /** Absolute probability tolerance demanded by the issue. */
    static final double PROBA_TOLERANCE = 1e-5;

    static List<Arguments> fits() throws IOException {
        return fixture("fits");
    }

    static List<Arguments> svmFits() throws IOException {
        return fixture("svm_fits");
    }

    private static List<Arguments> fixture(String key) throws IOException {
        try (InputStream in = LinearModelParityTest.class.getResourceAsStream("/classify/logreg.json")) {
            List<Arguments> out = new ArrayList<>();
            for (JsonNode c : new ObjectMapper().readTree(in).get("cases")) {
                for (JsonNode f : c.get(key)) {
                    out.add(Arguments.of(c, f));
                }
            }
            return out;
        }
    }

    static float[][] matrix(JsonNode rows) {
        float[][] x = new float[rows.size()][];
        for (int i = 0; i < x.length; i++) {
            JsonNode r = rows.get(i);
            x[i] = new float[r.size()];
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = (float) r.get(j).asDouble();
            }
        }
        return x;
    }

    static int[] labels(JsonNode v) {
        int[] y = new int[v.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = v.get(i).asInt();
        }
        return y;
    }

    static double maxCoefError = 0;
    static double maxProbaError = 0;

    @ParameterizedTest(name = "{index}")
    @MethodSource("fits")
    void matchesSklearn(JsonNode c, JsonNode f) {
        String what = c.get("name").asText() + " C=" + f.get("C").asDouble() + " balanced=" + f.get("balanced").asBoolean()
                + " standardize=" + f.get("standardize").asBoolean();
        float[][] x = matrix(c.get("x"));
        int[] y = labels(c.get("y"));
        LogisticRegression.Options o = new LogisticRegression.Options(f.get("C").asDouble(),
                f.get("balanced").asBoolean(), f.get("standardize").asBoolean(), 1e-12, 100_000);
        LogisticRegression lr = LogisticRegression.fit(x, y, o);

        double rel = relativeError(lr, f);
        maxCoefError = Math.max(maxCoefError, rel);
        assertTrue(rel <= COEF_RELATIVE_TOLERANCE, what + ": coefficient relative error " + rel);

        JsonNode proba = f.get("proba");
        double pErr = 0;
        for (int i = 0; i < x.length; i++) {
            pErr = Math.max(pErr, Math.abs(lr.probability(x[i]) - proba.get(i).asDouble()));
        }
        maxProbaError = Math.max(maxProbaError, pErr);
        assertTrue(pErr <= PROBA_TOLERANCE, what + ": probability error " + pErr);
        assertEquals(x[0].length + 1, lr.parameterCount());
    }

    static double maxSvmCoefError = 0;
    static double maxSvmDecisionError = 0;

    @ParameterizedTest(name = "{index}")
    @MethodSource("svmFits")
    void linearSvmMatchesSklearn(JsonNode c, JsonNode f) {
        String what = c.get("name").asText() + " C=" + f.get("C").asDouble() + " balanced=" + f.get("balanced").asBoolean()
                + " standardize=" + f.get("standardize").asBoolean();
        float[][] x = matrix(c.get("x"));
        LinearModel.Options o = new LinearModel.Options(f.get("C").asDouble(), f.get("balanced").asBoolean(),
                f.get("standardize").asBoolean(), 1e-12, 100_000);
        LinearSvm svm = LinearSvm.fit(x, labels(c.get("y")), o);
        double rel = relativeError(svm, f);
        maxSvmCoefError = Math.max(maxSvmCoefError, rel);
        assertTrue(rel <= COEF_RELATIVE_TOLERANCE, what + ": coefficient relative error " + rel);
        double err = 0;
        for (int i = 0; i < x.length; i++) {
            err = Math.max(err, Math.abs(svm.score(x[i]) - f.get("decision").get(i).asDouble()));
        }
        maxSvmDecisionError = Math.max(maxSvmDecisionError, err);
        assertTrue(err <= DECISION_TOLERANCE, what + ": decision error " + err);
    }

    /** Max |difference| over coefficients and intercept, over the largest |reference parameter|. */
    static double relativeError(LinearModel m, JsonNode f) {
        double[] coef = m.coefficients();
        JsonNode ref = f.get("coef");
        double scale = Math.abs(f.get("intercept").asDouble());
        for (JsonNode v : ref) {
            scale = Math.max(scale, Math.abs(v.asDouble()));
        }
        double err = Math.abs(m.intercept() - f.get("intercept").asDouble());
        for (int j = 0; j < coef.length; j++) {
            err = Math.max(err, Math.abs(coef[j] - ref.get(j).asDouble()));
        }
        return err / scale;
    }

    @AfterAll
    static void report() {
        System.out.printf("LogisticRegression vs sklearn: max coefficient relative error %.2e, max probability error %.2e%n",
                maxCoefError, maxProbaError);
        System.out.printf("LinearSvm vs sklearn LinearSVC: max coefficient relative error %.2e, max decision error %.2e%n",
                maxSvmCoefError, maxSvmDecisionError);
    }

    @Test
    void rejectsBadTrainingData() {
        LogisticRegression.Options o = LogisticRegression.Options.DEFAULT;
        float[][] x = {{1f, 2f}, {3f, 4f}};
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[] {1, 1}, o));
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(new float[0][], new int[0], o));
        assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.fit(new float[][] {{1f, Float.NaN}, {3f, 4f}}, new int[] {0, 1}, o));
        assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.fit(new float[][] {{1f}, {3f, 4f}}, new int[] {0, 1}, o));
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[] {0, 2}, o));
        assertThrows(IllegalArgumentException.class, () -> o.withC(0));
    }
}
