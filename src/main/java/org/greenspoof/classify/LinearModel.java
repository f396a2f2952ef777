package org.greenspoof.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A linear scorer {@code z = w . standardise(x) + b} fitted by minimising an L2-regularised,
 * class-weighted loss with scikit-learn's {@code C} convention,
 * {@code C * sum_i s_i * loss(y_i, z_i) + 0.5 * penalty}, to a tight gradient tolerance with the
 * deterministic full-batch {@link Lbfgs}. Subclasses fix the loss and whether the intercept is
 * penalised. The standardiser is folded into the weights, so neither training nor scoring copies
 * the rows. Coefficients live in the standardised space when {@link Options#standardize()} is set.
 */
public abstract sealed class LinearModel extends FittedClassifier<LinearModel.Options> permits LogisticRegression, LinearSvm {

    private static final Logger LOG = Logger.getLogger(LinearModel.class.getName());

    /**
     * @param c             inverse regularisation strength (scikit-learn's {@code C})
     * @param balanced      weight classes by n / (2 n_class) ({@code class_weight='balanced'})
     * @param standardize   fit a {@link Standardizer} first
     * @param tolerance     max-norm of the gradient of the objective divided by {@code C * sum(s)} at which to stop
     * @param maxIterations L-BFGS iteration cap
     */
    public record Options(double c, boolean balanced, boolean standardize, double tolerance, int maxIterations)
            implements Preparation {
        /** Defaults: C 1, balanced, standardised, gradient 1e-10, up to 100000 iterations. */
        public static final Options DEFAULT = new Options(1.0, true, true, 1e-10, 100_000);

        public Options {
            if (!(c > 0) || !Double.isFinite(c)) {
                throw new IllegalArgumentException("C must be a positive finite number, got " + c);
            }
            if (!(tolerance > 0) || maxIterations < 1) {
                throw new IllegalArgumentException("tolerance must be > 0 and maxIterations >= 1");
            }
        }

        public Options withC(double newC) {
            return new Options(newC, balanced, standardize, tolerance, maxIterations);
        }
    }

    /**
     * The kind of a linear model: a grid over C (other options from {@link Options#DEFAULT}) and the
     * weights {@code {coef [d], intercept}} in the model file.
     */
    public static final class Kind<M extends LinearModel> extends ClassifierKind<M> {
        /** Makes a model from its parameters (fitted or read back). */
        interface Maker<M> {
            M make(Standardizer standardizer, double[] coef, double intercept, Options options, double trainingSeconds);
        }

        /** Fits a model. */
        interface Fitter<M> {
            M fit(float[][] x, int[] y, Options options);
        }

        private static final double[] DEFAULT_CS = {0.01, 0.1, 1, 10};

        private final Maker<M> maker;
        private final Fitter<M> fitter;

        Kind(String cliName, String fileName, String title, Class<M> type, Maker<M> maker, Fitter<M> fitter) {
            super(cliName, fileName, title, type);
            this.maker = maker;
            this.fitter = fitter;
        }

        @Override
        public List<Axis> axes() {
            return List.of(new Axis("C", "inverse L2 strength, sklearn's C", DEFAULT_CS, false));
        }

        @Override
        public List<GridSearch.Candidate> candidates(Map<String, double[]> values, long seed) {
            return grid(values.get("C"), Options.DEFAULT);
        }

        /** One candidate per C, other options from {@code base}. */
        public List<GridSearch.Candidate> grid(double[] cs, Options base) {
            List<GridSearch.Candidate> out = new ArrayList<>();
            for (double c : cs) {
                Options o = base.withC(c);
                out.add(new GridSearch.Candidate(cliName() + " C=" + c, Map.of("C", c), (x, y) -> fitter.fit(x, y, o)));
            }
            return out;
        }

        @Override
        void writeWeights(M model, ObjectNode weights) {
            weights.set("coef", ClassifierFile.doubles(model.coefficients()));
            weights.put("intercept", model.intercept());
        }

        @Override
        M read(ModelFields f, JsonNode hp, JsonNode w) throws IOException {
            double[] coef = f.doubles(w, "coef");
            Standardizer std = f.standardizer(coef.length);
            Options o = new Options(f.number(hp, "C"), f.balanced(hp), f.bool(hp, "standardize"),
                    f.number(hp, "tolerance"), (int) f.integer(hp, "max_iterations"));
            return maker.make(std, coef, f.number(w, "intercept"), o, f.trainingSeconds());
        }
    }

    /** The per-sample loss of a margin z for label t in {-1, +1}, and its derivative in z. */
    enum Loss {
        /** log(1 + exp(-t z)): logistic regression. */
        LOGISTIC {
            @Override
            double value(double t, double z) {
                return Sigmoid.softplus(-t * z);
            }

            @Override
            double derivative(double t, double z) {
                return Sigmoid.of(z) - (t > 0 ? 1 : 0);
            }
        },
        /** max(0, 1 - t z)^2: liblinear's L2-loss support vector classifier. */
        SQUARED_HINGE {
            @Override
            double value(double t, double z) {
                double m = Math.max(0.0, 1.0 - t * z);
                return m * m;
            }

            @Override
            double derivative(double t, double z) {
                return -2.0 * t * Math.max(0.0, 1.0 - t * z);
            }
        };

        abstract double value(double t, double z);

        abstract double derivative(double t, double z);
    }

    private final double[] coef;
    private final double intercept;
    /** Coefficients and intercept folded with the standardiser, so scoring is one dot product. */
    private final double[] rawCoef;
    private final double rawIntercept;

    LinearModel(Kind<?> kind, Standardizer standardizer, double[] coef, double intercept, Options options,
                double trainingSeconds) {
        super(kind, standardizer, options, trainingSeconds);
        if (coef.length != standardizer.dimension()) {
            throw new IllegalArgumentException(coef.length + " coefficients for " + standardizer.dimension() + " features");
        }
        this.coef = coef.clone();
        this.intercept = intercept;
        this.rawCoef = new double[coef.length];
        double b = intercept;
        for (int j = 0; j < coef.length; j++) {
            rawCoef[j] = coef[j] / standardizer.scale()[j];
            b -= rawCoef[j] * standardizer.mean()[j];
        }
        this.rawIntercept = b;
    }

    /** Fitted parameters: coefficients, intercept, the standardiser used and the wall time. */
    record Fit(Standardizer standardizer, double[] coef, double intercept, double seconds) {
    }

    static Fit fit(float[][] x, int[] y, Options options, Loss loss, boolean penalizeIntercept, String what) {
        TrainingSet.validate(x, y);
        long start = System.nanoTime();
        int d = x[0].length;
        Standardizer std = options.standardize() ? Standardizer.fit(x) : Standardizer.identity(d);
        double[] sw = TrainingSet.sampleWeights(y, options.balanced());
        Objective f = new Objective(x, y, sw, std, options.c(), loss, penalizeIntercept);
        double[] theta = new double[d + 1];
        Lbfgs.Result r = Lbfgs.minimize(f, theta, options.tolerance(), options.maxIterations());
        if (!r.converged()) {
            LOG.warning(String.format("%s (C=%g) stopped after %d iterations with gradient %.3g > %.3g",
                    what, options.c(), r.iterations(), r.gradientNorm(), options.tolerance()));
        }
        return new Fit(std, Arrays.copyOf(theta, d), theta[d], (System.nanoTime() - start) / 1e9);
    }

    /**
     * The objective divided by {@code C * sum(s)}: the weighted mean loss plus
     * {@code penalty / (2 C sum(s))}. Same minimiser, gradient of order one whatever n is.
     */
    private static final class Objective implements Lbfgs.Objective {
        private final float[][] x;
        private final int[] y;
        private final double[] sw;
        private final double sumWeights;
        private final Standardizer std;
        private final double c;
        private final Loss loss;
        private final boolean penalizeIntercept;
        private final double[] w;
        private final double[] gRaw;

        Objective(float[][] x, int[] y, double[] sw, Standardizer std, double c, Loss loss, boolean penalizeIntercept) {
            this.x = x;
            this.y = y;
            this.sw = sw;
            double s = 0;
            for (double v : sw) {
                s += v;
            }
            this.sumWeights = s;
            this.std = std;
            this.c = c;
            this.loss = loss;
            this.penalizeIntercept = penalizeIntercept;
            this.w = new double[std.dimension()];
            this.gRaw = new double[std.dimension()];
        }

        @Override
        public double evaluate(double[] theta, double[] grad) {
            int d = w.length;
            double[] mean = std.mean();
            double[] scale = std.scale();
            double b = theta[d];
            for (int j = 0; j < d; j++) {
                w[j] = theta[j] / scale[j];
                b -= w[j] * mean[j];
                gRaw[j] = 0;
            }
            double value = 0;
            double rSum = 0;
            for (int i = 0; i < x.length; i++) {
                float[] row = x[i];
                double z = b;
                for (int j = 0; j < d; j++) {
                    z += w[j] * row[j];
                }
                double t = y[i] == 1 ? 1.0 : -1.0;
                double weight = sw[i] / sumWeights;
                value += weight * loss.value(t, z);
                double r = weight * loss.derivative(t, z);
                rSum += r;
                for (int j = 0; j < d; j++) {
                    gRaw[j] += r * row[j];
                }
            }
            double penalty = 1.0 / (c * sumWeights);
            double norm = 0;
            for (int j = 0; j < d; j++) {
                grad[j] = (gRaw[j] - mean[j] * rSum) / scale[j] + penalty * theta[j];
                norm += theta[j] * theta[j];
            }
            grad[d] = rSum;
            if (penalizeIntercept) {
                grad[d] += penalty * theta[d];
                norm += theta[d] * theta[d];
            }
            return value + 0.5 * penalty * norm;
        }
    }

    @Override
    public double score(float[] x) {
        double z = rawIntercept;
        for (int j = 0; j < rawCoef.length; j++) {
            z += rawCoef[j] * x[j];
        }
        return z;
    }

    @Override
    public int parameterCount() {
        return coef.length + 1;
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("C", options.c());
        putPreparation(m);
        m.put("tolerance", options.tolerance());
        m.put("max_iterations", options.maxIterations());
        return m;
    }

    /** Coefficients in the standardised space (a copy). */
    public double[] coefficients() {
        return coef.clone();
    }

    /** Intercept in the standardised space. */
    public double intercept() {
        return intercept;
    }
}
