package org.greenspoof.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RbfSvm} against scikit-learn 1.2.1's {@code SVC(kernel='rbf')} on the fixture written by
 * tools/make_svc_fixtures.py (regenerate: {@code /usr/bin/python3 tools/make_svc_fixtures.py}): the
 * same gamma for {@code 'scale'}, the same support vectors, the same decision values on the
 * training rows and on held-out rows.
 */
class RbfSvmParityTest {

    /**
     * Decision error relative to max(1, |sklearn's value|). Both run LIBSVM's algorithm to the same
     * stopping rule (tol 1e-3), so they stop at the same approximate optimum; what differs is the
     * summation order of the kernel's dot products (rounding near 1e-16, before the kernel rows are
     * rounded to float as in LIBSVM). The issue asks for 1e-4; measured: 4e-12 at worst, except 2e-7 on the
     * training rows of the standardised case, which sklearn received rounded to float32 as Java stores them
     * while Java's score standardises the raw row in double.
     */
    static final double DECISION_RELATIVE_TOLERANCE = 1e-4;
    /** gamma='scale' from X.var(): numpy sums pairwise, Java in sequence; both in double. */
    static final double GAMMA_RELATIVE_TOLERANCE = 1e-12;
    /** Fits in the fixture: 6 cases x (2 C x 2 gamma factors). */
    static final int FIXTURE_FITS = 24;
    /** A cache far smaller than the large case's kernel matrix (1500^2 floats = 9 MB), so rows are evicted. */
    static final int SMALL_CACHE_MB = 1;

    static JsonNode fixture() throws IOException {
        try (InputStream in = RbfSvmParityTest.class.getResourceAsStream("/classify/svc.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static List<Arguments> fits() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : fixture().get("cases")) {
            for (JsonNode f : c.get("fits")) {
                out.add(Arguments.of(c.get("name").asText() + " C=" + f.get("C") + " gamma=" + f.get("gamma_factor") + "x",
                        c, f));
            }
        }
        return out;
    }

    @Test
    void theFixtureHoldsEveryCase() throws IOException {
        assertEquals(FIXTURE_FITS, fits().size(), "fits in svc.json; regenerate it with tools/make_svc_fixtures.py");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fits")
    void matchesSklearnSvc(String name, JsonNode c, JsonNode f) {
        float[][] x = LinearModelParityTest.matrix(c.get("x"));
        int[] y = new int[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = c.get("y").get(i).asInt();
        }
        int cache = c.get("name").asText().equals("large") ? SMALL_CACHE_MB : RbfSvm.Options.DEFAULT.cacheMb();
        RbfSvm.Options o = new RbfSvm.Options(f.get("C").asDouble(), f.get("gamma_factor").asDouble(),
                c.get("balanced").asBoolean(), c.get("standardize").asBoolean(), 1e-3, true, cache);
        RbfSvm svm = RbfSvm.fit(x, y, o);

        assertEquals(f.get("gamma").asDouble(), svm.gamma(), GAMMA_RELATIVE_TOLERANCE * f.get("gamma").asDouble(), "gamma");
        int[] expected = new int[f.get("support").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = f.get("support").get(i).asInt();
        }
        Arrays.sort(expected);
        assertArrayEquals(expected, svm.support(), "support vectors");
        assertEquals(expected.length * (x[0].length + 1) + 1, svm.parameterCount());
        // The same algorithm on the same numbers takes the same path: a different working-set rule, shrinking
        // schedule or sample order would change the count even where the optimum is the same.
        assertEquals(f.get("n_iter").asLong(), svm.iterations(), "SMO iterations (sklearn's n_iter_)");
        assertDecisions(svm, x, f.get("decision_train"), "train");
        assertDecisions(svm, LinearModelParityTest.matrix(c.get("held")), f.get("decision_held"), "held-out");
    }

    private static void assertDecisions(RbfSvm svm, float[][] x, JsonNode expected, String what) {
        assertEquals(expected.size(), x.length);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double e = expected.get(i).asDouble();
            worst = Math.max(worst, Math.abs(svm.score(x[i]) - e) / Math.max(1, Math.abs(e)));
        }
        assertTrue(worst <= DECISION_RELATIVE_TOLERANCE, what + ": worst relative decision error " + worst);
    }
}
