package org.greenspoof.classify;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Binary L2-regularised logistic regression with scikit-learn's conventions
 * ({@code sklearn.linear_model.LogisticRegression}, lbfgs): it minimises
 * {@code C * sum_i s_i * logloss_i + 0.5 * ||w||^2} with the intercept not penalised, where
 * {@code s_i} are the class weights (1, or {@code 'balanced'}). Solved to a tight gradient
 * tolerance by full-batch {@link Lbfgs}, so the unique optimum is reached deterministically.
 * Coefficients live in the standardised space when {@link Options#standardize()} is set.
 */
public final class LogisticRegression implements Classifier {

    private static final Logger LOG = Logger.getLogger(LogisticRegression.class.getName());

    /**
     * @param c             inverse regularisation strength (scikit-learn's {@code C})
     * @param balanced      weight classes by n / (2 n_class)
     * @param standardize   fit a {@link Standardizer} first
     * @param tolerance     max-norm of the gradient of the per-sample-averaged objective at which to stop
     * @param maxIterations L-BFGS iteration cap
     */
    public record Options(double c, boolean balanced, boolean standardize, double tolerance, int maxIterations) {
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

    private final Standardizer standardizer;
    private final double[] coef;
    private final double intercept;
    private final Options options;
    private final double trainingSeconds;
    /** Coefficients and intercept folded with the standardiser, so scoring is one dot product. */
    private final double[] rawCoef;
    private final double rawIntercept;

    /**
     * @param coef      coefficients in the standardised space
     * @param intercept intercept in the standardised space
     */
    public LogisticRegression(Standardizer standardizer, double[] coef, double intercept, Options options,
                              double trainingSeconds) {
        if (coef.length != standardizer.dimension()) {
            throw new IllegalArgumentException(coef.length + " coefficients for " + standardizer.dimension() + " features");
        }
        this.standardizer = standardizer;
        this.coef = coef.clone();
        this.intercept = intercept;
        this.options = options;
        this.trainingSeconds = trainingSeconds;
        this.rawCoef = new double[coef.length];
        double b = intercept;
        for (int j = 0; j < coef.length; j++) {
            rawCoef[j] = coef[j] / standardizer.scale()[j];
            b -= rawCoef[j] * standardizer.mean()[j];
        }
        this.rawIntercept = b;
    }

    /**
     * Fits on {@code x} (rows = samples) with labels {@code y} (1 = bona fide, 0 = spoof).
     *
     * @throws IllegalArgumentException on empty, ragged or non-finite input or a single class
     */
    public static LogisticRegression fit(float[][] x, int[] y, Options options) {
        TrainingSet.validate(x, y);
        long start = System.nanoTime();
        int d = x[0].length;
        Standardizer std = options.standardize() ? Standardizer.fit(x) : Standardizer.identity(d);
        double[] sw = TrainingSet.sampleWeights(y, options.balanced());
        double sumWeights = 0;
        for (double w : sw) {
            sumWeights += w;
        }
        Loss loss = new Loss(x, y, sw, sumWeights, std, options.c());
        double[] theta = new double[d + 1];
        Lbfgs.Result r = Lbfgs.minimize(loss, theta, options.tolerance(), options.maxIterations());
        if (!r.converged()) {
            LOG.warning(String.format("logistic regression (C=%g) stopped after %d iterations with gradient %.3g > %.3g",
                    options.c(), r.iterations(), r.gradientNorm(), options.tolerance()));
        }
        double[] coef = java.util.Arrays.copyOf(theta, d);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new LogisticRegression(std, coef, theta[d], options, seconds);
    }

    /**
     * The objective divided by {@code C * sum(s)}, i.e. the weighted mean log-loss plus
     * {@code ||w||^2 / (2 C sum(s))}: same minimiser, gradient of order one whatever n is.
     * Standardisation is folded into the weights so the raw rows are never copied.
     */
    private static final class Loss implements Lbfgs.Objective {
        private final float[][] x;
        private final int[] y;
        private final double[] sw;
        private final double sumWeights;
        private final Standardizer std;
        private final double c;
        private final double[] w;
        private final double[] gRaw;

        Loss(float[][] x, int[] y, double[] sw, double sumWeights, Standardizer std, double c) {
            this.x = x;
            this.y = y;
            this.sw = sw;
            this.sumWeights = sumWeights;
            this.std = std;
            this.c = c;
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
                double weight = sw[i] / sumWeights;
                value += weight * Sigmoid.softplus(y[i] == 1 ? -z : z);
                double r = weight * (Sigmoid.of(z) - y[i]);
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
    public int dimension() {
        return coef.length;
    }

    @Override
    public int parameterCount() {
        return coef.length + 1;
    }

    @Override
    public double trainingSeconds() {
        return trainingSeconds;
    }

    @Override
    public String kind() {
        return "logistic_regression";
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("C", options.c());
        m.put("class_weight", options.balanced() ? "balanced" : "none");
        m.put("standardize", options.standardize());
        m.put("tolerance", options.tolerance());
        m.put("max_iterations", options.maxIterations());
        return m;
    }

    @Override
    public Standardizer standardizer() {
        return standardizer;
    }

    public Options options() {
        return options;
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
