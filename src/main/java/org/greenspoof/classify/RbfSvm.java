package org.greenspoof.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.greenspoof.kernels.KernelProvider;

/**
 * Kernel support vector classifier as scikit-learn's {@code SVC(kernel='rbf', C=C, gamma='scale',
 * class_weight=None|'balanced', tol, shrinking=True)}: the dual is solved by {@link SmoSolver}
 * (LIBSVM's algorithm) over the kernel rows of {@link KernelRows} (LIBSVM's bounded cache), and the
 * score is the decision function {@code sum_i coef_i exp(-gamma ||s - sv_i||^2) + intercept} of the
 * standardised input s (higher = more bona fide; a signed margin, not a logit). {@code gamma} is
 * {@code gammaFactor / (d * var(X))}, var over every entry of the (standardised) training matrix:
 * factor 1 is sklearn's {@code 'scale'}. Its parameters are the support vectors and their
 * coefficients plus the intercept: {@code n_sv * (d + 1) + 1}, against {@code d + 1} for a linear model.
 */
public final class RbfSvm extends FittedClassifier<RbfSvm.Options> {

    /** Kind {@code rbf-svm}, written as {@code rbf_svm}. */
    public static final Kind KIND = new Kind();

    /**
     * @param c           box constraint (sklearn's C)
     * @param gammaFactor gamma in units of sklearn's {@code gamma='scale'}
     * @param balanced    C_i = C n / (2 n_class) ({@code class_weight='balanced'})
     * @param standardize fit a {@link Standardizer} first
     * @param tolerance   stop when the maximal KKT violation is below it (sklearn's tol)
     * @param shrinking   shrink bound variables as LIBSVM does
     * @param cacheMb     kernel-row cache in MiB (sklearn's cache_size)
     */
    public record Options(double c, double gammaFactor, boolean balanced, boolean standardize, double tolerance,
                          boolean shrinking, int cacheMb) implements Preparation {
        /** sklearn's defaults (C 1, gamma 'scale', tol 1e-3, shrinking, 200 MB), balanced and standardised as greenspoof's other kinds. */
        public static final Options DEFAULT = new Options(1.0, 1.0, true, true, 1e-3, true, 200);

        public Options {
            if (!(c > 0) || !Double.isFinite(c) || !(gammaFactor > 0) || !Double.isFinite(gammaFactor)) {
                throw new IllegalArgumentException("C and the gamma factor must be positive finite numbers, got C " + c
                        + ", gamma factor " + gammaFactor);
            }
            if (!(tolerance > 0) || cacheMb < 1) {
                throw new IllegalArgumentException("tolerance must be > 0 and the cache at least 1 MB");
            }
        }

        public Options with(double newC, double newGammaFactor) {
            return new Options(newC, newGammaFactor, balanced, standardize, tolerance, shrinking, cacheMb);
        }
    }

    private final double gamma;
    /** Support vectors in the standardised space, [n_sv][d]: training rows, which are float32. */
    private final float[][] supportVectors;
    private final double[] coef;
    private final double intercept;
    private final int[] support;
    private final long iterations;
    /** Support vectors mapped back to raw features, and 1 / scale^2, so scoring allocates nothing. */
    private final double[][] rawCentres;
    private final double[] inverseVariance;

    /**
     * @param support    indices of the support vectors in the training set (empty for a loaded model)
     * @param iterations SMO iterations of the fit (0 for a loaded model)
     */
    RbfSvm(Standardizer standardizer, Options options, double gamma, float[][] supportVectors, double[] coef,
           double intercept, int[] support, long iterations, double trainingSeconds) {
        super(KIND, standardizer, options, trainingSeconds);
        int d = standardizer.dimension();
        if (supportVectors.length != coef.length || supportVectors.length == 0) {
            throw new IllegalArgumentException(supportVectors.length + " support vectors for " + coef.length
                    + " coefficients; expected the same number, at least one");
        }
        if (!(gamma > 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("gamma must be a positive finite number, got " + gamma);
        }
        this.gamma = gamma;
        this.supportVectors = new float[supportVectors.length][];
        this.rawCentres = new double[supportVectors.length][d];
        this.inverseVariance = new double[d];
        for (int j = 0; j < d; j++) {
            inverseVariance[j] = 1 / (standardizer.scale()[j] * standardizer.scale()[j]);
        }
        for (int s = 0; s < supportVectors.length; s++) {
            if (supportVectors[s].length != d) {
                throw new IllegalArgumentException("support vector " + s + " has " + supportVectors[s].length
                        + " values for " + d + " features");
            }
            this.supportVectors[s] = supportVectors[s].clone();
            for (int j = 0; j < d; j++) {
                rawCentres[s][j] = standardizer.mean()[j] + standardizer.scale()[j] * supportVectors[s][j];
            }
        }
        this.coef = coef.clone();
        this.intercept = intercept;
        this.support = support.clone();
        this.iterations = iterations;
    }

    /**
     * Fits on {@code x} (rows = samples) with labels {@code y} (1 = bona fide, 0 = spoof).
     *
     * @throws IllegalArgumentException on empty, ragged or non-finite input or a single class
     */
    public static RbfSvm fit(float[][] x, int[] y, Options o) {
        TrainingSet.validate(x, y);
        long start = System.nanoTime();
        int n = x.length, d = x[0].length;
        Standardizer std = o.standardize() ? Standardizer.fit(x) : Standardizer.identity(d);
        // LIBSVM's layout as scikit-learn calls it: the first class (spoof, label 0) is +1 and comes
        // first, each class in input order; the decision is then negated so bona fide is positive.
        int[] order = new int[n];
        int k = 0;
        for (int label = 0; label <= 1; label++) {
            for (int i = 0; i < n; i++) {
                if (y[i] == label) {
                    order[k++] = i;
                }
            }
        }
        float[][] rows = new float[n][];
        byte[] t = new byte[n];
        double[] scaled = new double[d];
        for (int p = 0; p < n; p++) {
            float[] r = x[order[p]];
            if (o.standardize()) {
                std.apply(r, scaled);
                r = new float[d];
                for (int j = 0; j < d; j++) {
                    r[j] = (float) scaled[j];
                }
            }
            rows[p] = r;
            t[p] = (byte) (y[order[p]] == 0 ? 1 : -1);
        }
        double gamma = o.gammaFactor() * scaleGamma(rows);
        double[] w = TrainingSet.sampleWeights(y, o.balanced());
        double cSpoof = o.c() * w[order[0]], cBona = o.c() * w[order[n - 1]];
        byte[] positionLabels = t.clone(); // permuted by the solver's shrinking, shared with its kernel rows
        KernelRows q = new KernelRows(rows.clone(), positionLabels, gamma, (long) o.cacheMb() << 20,
                KernelProvider.get());
        SmoSolver.Solution sol = SmoSolver.solve(q, positionLabels, cSpoof, cBona, o.tolerance(), o.shrinking(),
                String.format(Locale.ROOT, "rbf-svm (C=%g, gamma=%.3g)", o.c(), gamma));
        Integer[] sv = java.util.stream.IntStream.range(0, n).filter(p -> sol.alpha()[p] > 0).boxed()
                .sorted(Comparator.comparingInt(p -> order[p])).toArray(Integer[]::new);
        float[][] vectors = new float[sv.length][];
        double[] coef = new double[sv.length];
        int[] support = new int[sv.length];
        for (int s = 0; s < sv.length; s++) {
            int p = sv[s];
            vectors[s] = rows[p];
            coef[s] = -t[p] * sol.alpha()[p];
            support[s] = order[p];
        }
        return new RbfSvm(std, o, gamma, vectors, coef, sol.rho(), support, sol.iterations(), (System.nanoTime() - start) / 1e9);
    }

    /** sklearn's {@code gamma='scale'}: 1 / (d * var(X)) over every entry, 1 when X is constant. */
    static double scaleGamma(float[][] x) {
        int d = x[0].length;
        double sum = 0;
        for (float[] r : x) {
            for (float v : r) {
                sum += v;
            }
        }
        double mean = sum / ((double) x.length * d), ss = 0;
        for (float[] r : x) {
            for (float v : r) {
                ss += (v - mean) * (v - mean);
            }
        }
        double var = ss / ((double) x.length * d);
        return var == 0 ? 1.0 : 1.0 / (d * var);
    }

    @Override
    public double score(float[] x) {
        double z = intercept;
        for (int s = 0; s < rawCentres.length; s++) {
            double[] c = rawCentres[s];
            double dist = 0;
            for (int j = 0; j < c.length; j++) {
                double v = x[j] - c[j];
                dist += v * v * inverseVariance[j];
            }
            z += coef[s] * Math.exp(-gamma * dist);
        }
        return z;
    }

    /** Support vectors x dimension, their coefficients and the intercept. */
    @Override
    public int parameterCount() {
        return Math.toIntExact((long) supportVectors.length * (dimension() + 1) + 1);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("C", options.c());
        m.put("gamma_factor", options.gammaFactor());
        putPreparation(m);
        m.put("tolerance", options.tolerance());
        m.put("shrinking", options.shrinking());
        m.put("cache_mb", options.cacheMb());
        return m;
    }

    /** The kernel width used: the gamma factor times sklearn's {@code 'scale'} on the training data. */
    public double gamma() {
        return gamma;
    }

    /** Indices of the support vectors in the training rows, ascending (empty for a loaded model). */
    public int[] support() {
        return support.clone();
    }

    /** Coefficients {@code t_i a_i} of the support vectors (bona fide positive), in {@link #support()} order. */
    public double[] dualCoefficients() {
        return coef.clone();
    }

    public double intercept() {
        return intercept;
    }

    /** SMO iterations of the fit, as sklearn's {@code n_iter_} counts them (0 for a loaded model). */
    public long iterations() {
        return iterations;
    }

    /**
     * A grid over C and the gamma factor (other options from {@link Options#DEFAULT}); the weights
     * {@code {gamma, support_vectors [n_sv][d], dual_coef [n_sv], intercept}} in the model file,
     * support vectors in the standardised space.
     */
    public static final class Kind extends ClassifierKind<RbfSvm> {
        private static final double[] DEFAULT_CS = {1, 10};
        private static final double[] DEFAULT_GAMMA = {1};

        private Kind() {
            super("rbf-svm", "rbf_svm", "RBF-kernel SVM (sklearn SVC, gamma='scale')", RbfSvm.class);
        }

        @Override
        public List<Axis> axes() {
            return List.of(new Axis("C", "box constraint, sklearn's C", DEFAULT_CS, false),
                    new Axis("gamma", "kernel width in units of sklearn's gamma='scale'", DEFAULT_GAMMA, false));
        }

        @Override
        public List<GridSearch.Candidate> candidates(Map<String, double[]> values, long seed) {
            return grid(values.get("C"), values.get("gamma"), Options.DEFAULT);
        }

        /** One candidate per (C, gamma factor), C slowest, other options from {@code base}. */
        public List<GridSearch.Candidate> grid(double[] cs, double[] gammaFactors, Options base) {
            List<GridSearch.Candidate> out = new ArrayList<>();
            for (double c : cs) {
                for (double g : gammaFactors) {
                    Options o = base.with(c, g);
                    out.add(new GridSearch.Candidate("rbf-svm C=" + c + " gamma=" + g + "x", Map.of("C", c, "gamma", g),
                            (x, y) -> fit(x, y, o)));
                }
            }
            return out;
        }

        @Override
        void writeWeights(RbfSvm m, ObjectNode w) {
            w.put("gamma", m.gamma);
            ArrayNode rows = w.putArray("support_vectors");
            for (float[] sv : m.supportVectors) {
                ArrayNode row = rows.addArray();
                for (float v : sv) {
                    row.add(v);
                }
            }
            w.set("dual_coef", ClassifierFile.doubles(m.coef));
            w.put("intercept", m.intercept);
        }

        @Override
        RbfSvm read(ModelFields f, JsonNode hp, JsonNode w) throws IOException {
            JsonNode rows = f.rows("support_vectors");
            int d = rows.get(0).size();
            float[][] sv = new float[rows.size()][];
            for (int s = 0; s < sv.length; s++) {
                sv[s] = f.floats(rows.get(s), "weights.support_vectors[" + s + "]", d);
            }
            Options o = new Options(f.number(hp, "C"), f.number(hp, "gamma_factor"), f.balanced(hp),
                    f.bool(hp, "standardize"), f.number(hp, "tolerance"), f.bool(hp, "shrinking"),
                    (int) f.integer(hp, "cache_mb"));
            return new RbfSvm(f.standardizer(d), o, f.number(w, "gamma"), sv, f.doubles(w, "dual_coef", sv.length),
                    f.number(w, "intercept"), new int[0], 0, f.trainingSeconds());
        }
    }
}
