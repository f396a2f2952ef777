package org.greenspoof.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Shallow multi-layer perceptron: one hidden layer (tanh or ReLU) and one logit output, trained
 * on the weighted mean log-loss with an L2 penalty on the weights ({@code alpha}, scaled by the
 * batch size as scikit-learn's {@code MLPClassifier} does), Adam on shuffled mini-batches, and
 * early stopping on a stratified validation split (the best epoch's weights are kept). One seeded
 * generator drives the split, the initialisation and the shuffles, and training is single-threaded,
 * so a seed gives the same model on every run. From the same initial weights, full-batch training
 * retraces scikit-learn's {@code MLPClassifier} (adam) to rounding (MlpParityTest).
 */
public final class Mlp extends FittedClassifier<Mlp.Options> {

    /** Kind {@code mlp}. */
    public static final Kind KIND = new Kind();

    /**
     * A grid over the hidden size (other options from {@link Options#DEFAULT} and the seed), and the
     * weights {@code {hidden_weight [hidden][d], hidden_bias [hidden], output_weight [hidden], output_bias,
     * epochs}} in the model file.
     */
    public static final class Kind extends ClassifierKind<Mlp> {
        private static final double[] DEFAULT_HIDDEN = {16, 64};

        private Kind() {
            super("mlp", "mlp", "one-hidden-layer perceptron", Mlp.class);
        }

        @Override
        public List<Axis> axes() {
            return List.of(new Axis("hidden", "hidden units", DEFAULT_HIDDEN, true));
        }

        @Override
        public List<GridSearch.Candidate> candidates(Map<String, double[]> values, long seed) {
            Options d = Options.DEFAULT;
            return grid(Arrays.stream(values.get("hidden")).mapToInt(v -> (int) v).toArray(),
                    new Options(d.hidden(), d.activation(), d.alpha(), d.learningRate(), d.batchSize(), d.maxEpochs(),
                            d.validationFraction(), d.patience(), d.tolerance(), seed, d.balanced(), d.standardize()));
        }

        /** One candidate per hidden size, other options from {@code base}. */
        public List<GridSearch.Candidate> grid(int[] hiddenSizes, Options base) {
            List<GridSearch.Candidate> out = new ArrayList<>();
            for (int h : hiddenSizes) {
                Options o = base.withHidden(h);
                out.add(new GridSearch.Candidate("mlp hidden=" + h + " " + base.activation().name().toLowerCase(Locale.ROOT),
                        Map.of("hidden", (double) h), (x, y) -> fit(x, y, o)));
            }
            return out;
        }

        @Override
        void writeWeights(Mlp mlp, ObjectNode w) {
            int d = mlp.d;
            int h = mlp.h;
            double[] p = mlp.theta;
            ArrayNode rows = w.putArray("hidden_weight");
            for (int k = 0; k < h; k++) {
                rows.add(ClassifierFile.doubles(Arrays.copyOfRange(p, k * d, (k + 1) * d)));
            }
            w.set("hidden_bias", ClassifierFile.doubles(Arrays.copyOfRange(p, h * d, h * d + h)));
            w.set("output_weight", ClassifierFile.doubles(Arrays.copyOfRange(p, h * d + h, h * d + 2 * h)));
            w.put("output_bias", p[p.length - 1]);
            w.put("epochs", mlp.epochs);
        }

        @Override
        Mlp read(ModelFields f, JsonNode hp, JsonNode w) throws IOException {
            JsonNode rows = f.rows("hidden_weight");
            int h = rows.size();
            int d = rows.get(0).size();
            Activation act;
            try {
                act = Activation.valueOf(f.text(hp, "activation").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IOException(f.path() + ": unknown MLP activation \"" + f.text(hp, "activation") + "\"", e);
            }
            Options o = new Options(h, act, f.number(hp, "alpha"), f.number(hp, "learning_rate"),
                    (int) f.integer(hp, "batch_size"), (int) f.integer(hp, "max_epochs"),
                    f.number(hp, "validation_fraction"), (int) f.integer(hp, "patience"),
                    f.number(hp, "tolerance"), f.integer(hp, "seed"), f.balanced(hp), f.bool(hp, "standardize"));
            // Every row read (and its length checked) before theta is sized from h x d.
            double[][] hidden = new double[h][];
            for (int k = 0; k < h; k++) {
                hidden[k] = f.doubles(rows.get(k), "weights.hidden_weight[" + k + "]", d);
            }
            double[] theta = new double[h * d + 2 * h + 1];
            for (int k = 0; k < h; k++) {
                System.arraycopy(hidden[k], 0, theta, k * d, d);
            }
            System.arraycopy(f.doubles(w, "hidden_bias", h), 0, theta, h * d, h);
            System.arraycopy(f.doubles(w, "output_weight", h), 0, theta, h * d + h, h);
            theta[theta.length - 1] = f.number(w, "output_bias");
            return new Mlp(f.standardizer(d), o, theta, f.trainingSeconds(), w.has("epochs") ? w.get("epochs").asInt() : 0);
        }
    }

    /** Hidden-unit non-linearity. */
    public enum Activation {
        TANH, RELU;

        double apply(double a) {
            return this == TANH ? Math.tanh(a) : Math.max(a, 0.0);
        }

        /** Derivative from the pre-activation {@code a} and the output {@code h}. */
        double derivative(double a, double h) {
            return this == TANH ? 1.0 - h * h : (a > 0 ? 1.0 : 0.0);
        }
    }

    /**
     * @param hidden             hidden units
     * @param activation         hidden non-linearity
     * @param alpha              L2 strength on the weights (not the biases)
     * @param learningRate       Adam step size
     * @param batchSize          mini-batch size (capped at the training-set size)
     * @param maxEpochs          epoch cap
     * @param validationFraction share of each class held out for early stopping (0 = stop on training loss)
     * @param patience           epochs without an improvement larger than {@code tolerance} before stopping
     * @param tolerance          minimum loss improvement that counts
     * @param seed               seed of every random choice
     * @param balanced           weight classes by n / (2 n_class)
     * @param standardize        fit a {@link Standardizer} on the training split first
     */
    public record Options(int hidden, Activation activation, double alpha, double learningRate, int batchSize,
                          int maxEpochs, double validationFraction, int patience, double tolerance, long seed,
                          boolean balanced, boolean standardize) implements Preparation {
        /** scikit-learn's defaults where they exist (alpha 1e-4, Adam 1e-3, batch 200, patience 10, tol 1e-4). */
        public static final Options DEFAULT = new Options(32, Activation.RELU, 1e-4, 1e-3, 200, 200, 0.1, 10, 1e-4,
                42L, true, true);

        public Options {
            if (hidden < 1 || batchSize < 1 || maxEpochs < 1 || patience < 1) {
                throw new IllegalArgumentException("hidden, batchSize, maxEpochs and patience must be >= 1");
            }
            if (!(alpha >= 0) || !(learningRate > 0) || !(tolerance >= 0)
                    || !(validationFraction >= 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("alpha >= 0, learningRate > 0, tolerance >= 0, 0 <= validationFraction < 1");
            }
        }

        public Options withHidden(int h) {
            return new Options(h, activation, alpha, learningRate, batchSize, maxEpochs, validationFraction, patience,
                    tolerance, seed, balanced, standardize);
        }
    }

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPS = 1e-8;

    private final int d;
    private final int h;
    /** Flat parameters: W1 [h][d] row-major | b1 [h] | w2 [h] | b2. */
    private final double[] theta;
    private final int epochs;
    /** W1 and b1 folded with the standardiser, so scoring raw features allocates nothing. */
    private final double[] rawW1;
    private final double[] rawB1;

    /**
     * @param theta flat parameters: hidden weights [hidden][d] row-major, hidden biases, output weights, output bias
     */
    public Mlp(Standardizer standardizer, Options options, double[] theta, double trainingSeconds, int epochs) {
        super(KIND, standardizer, options, trainingSeconds);
        this.d = standardizer.dimension();
        this.h = options.hidden();
        if (theta.length != count(d, h)) {
            throw new IllegalArgumentException("MLP " + d + "-" + h + "-1 needs " + count(d, h) + " parameters, got " + theta.length);
        }
        this.theta = theta.clone();
        this.epochs = epochs;
        this.rawW1 = new double[h * d];
        this.rawB1 = new double[h];
        for (int k = 0; k < h; k++) {
            double b = theta[h * d + k];
            for (int j = 0; j < d; j++) {
                double w = theta[k * d + j] / standardizer.scale()[j];
                rawW1[k * d + j] = w;
                b -= w * standardizer.mean()[j];
            }
            rawB1[k] = b;
        }
    }

    private static int count(int d, int h) {
        return h * d + 2 * h + 1;
    }

    /**
     * Fits on {@code x} with labels {@code y} (1 = bona fide, 0 = spoof).
     *
     * @throws IllegalArgumentException on empty, ragged or non-finite input or a single class
     */
    public static Mlp fit(float[][] x, int[] y, Options o) {
        TrainingSet.validate(x, y);
        SplittableRandom rng = new SplittableRandom(o.seed());
        int d = x[0].length;
        int h = o.hidden();
        // Glorot-uniform initialisation of weights and biases, as scikit-learn's MLP.
        double[] theta = new double[count(d, h)];
        double bound1 = Math.sqrt(6.0 / (d + h));
        double bound2 = Math.sqrt(6.0 / (h + 1));
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (i < h * d + h ? bound1 : bound2) * (2 * rng.nextDouble() - 1);
        }
        return train(x, y, o, theta, rng);
    }

    /**
     * Trains from the given initial parameters; {@code rng} drives the validation split and the
     * shuffles. Without a validation split, the final parameters are kept (as scikit-learn does);
     * with one, those of the epoch with the lowest validation loss.
     */
    static Mlp train(float[][] x, int[] y, Options o, double[] init, SplittableRandom rng) {
        TrainingSet.validate(x, y);
        long start = System.nanoTime();
        int n = x.length;
        int d = x[0].length;
        int h = o.hidden();
        int p = count(d, h);
        if (init.length != p) {
            throw new IllegalArgumentException("initial parameters: expected " + p + ", got " + init.length);
        }
        boolean[] held = validationSplit(y, o.validationFraction(), rng);
        int nVal = 0;
        for (boolean b : held) {
            nVal += b ? 1 : 0;
        }
        int[] train = new int[n - nVal];
        int[] val = new int[nVal];
        for (int i = 0, t = 0, v = 0; i < n; i++) {
            if (held[i]) {
                val[v++] = i;
            } else {
                train[t++] = i;
            }
        }
        float[][] trainRows = new float[train.length][];
        for (int t = 0; t < train.length; t++) {
            trainRows[t] = x[train[t]];
        }
        Standardizer std = o.standardize() ? Standardizer.fit(trainRows) : Standardizer.identity(d);
        double[] sw = TrainingSet.sampleWeights(y, o.balanced());

        double[] theta = init.clone();
        Trainer tr = new Trainer(x, y, sw, std, o, d, h);
        double[] best = theta.clone();
        double bestLoss = Double.POSITIVE_INFINITY;
        int stale = 0;
        int epoch = 0;
        while (epoch < o.maxEpochs()) {
            epoch++;
            shuffle(train, rng);
            double trainLoss = tr.epoch(theta, train);
            double loss = nVal > 0 ? tr.loss(theta, val) : trainLoss;
            if (loss < bestLoss - o.tolerance()) {
                stale = 0;
            } else {
                stale++;
            }
            if (loss < bestLoss) {
                bestLoss = loss;
                if (nVal > 0) {
                    System.arraycopy(theta, 0, best, 0, p);
                }
            }
            if (stale >= o.patience()) {
                break;
            }
        }
        return new Mlp(std, o, nVal > 0 ? best : theta, (System.nanoTime() - start) / 1e9, epoch);
    }

    /** Marks a {@code fraction} of each class (at least one sample when the class has two) as validation. */
    private static boolean[] validationSplit(int[] y, double fraction, SplittableRandom rng) {
        boolean[] held = new boolean[y.length];
        if (fraction == 0) {
            return held;
        }
        for (int cls = 0; cls <= 1; cls++) {
            int m = 0;
            for (int v : y) {
                m += v == cls ? 1 : 0;
            }
            int[] idx = new int[m];
            for (int i = 0, k = 0; i < y.length; i++) {
                if (y[i] == cls) {
                    idx[k++] = i;
                }
            }
            shuffle(idx, rng);
            int take = m < 2 ? 0 : Math.max(1, (int) Math.round(fraction * m));
            for (int k = 0; k < take && k < m - 1; k++) {
                held[idx[k]] = true;
            }
        }
        return held;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Forward/backward passes and Adam state, with every buffer allocated once. */
    private static final class Trainer {
        private final float[][] x;
        private final int[] y;
        private final double[] sw;
        private final Standardizer std;
        private final Options o;
        private final int d;
        private final int h;
        private final double[] xs;
        private final double[] a;
        private final double[] hid;
        private final double[] grad;
        private final double[] m;
        private final double[] v;
        private long step;

        Trainer(float[][] x, int[] y, double[] sw, Standardizer std, Options o, int d, int h) {
            this.x = x;
            this.y = y;
            this.sw = sw;
            this.std = std;
            this.o = o;
            this.d = d;
            this.h = h;
            this.xs = new double[d];
            this.a = new double[h];
            this.hid = new double[h];
            int p = count(d, h);
            this.grad = new double[p];
            this.m = new double[p];
            this.v = new double[p];
        }

        /** Output logit for sample i, leaving the hidden pre-activations and outputs in a / hid. */
        private double forward(double[] theta, int i) {
            std.apply(x[i], xs);
            int b1 = h * d;
            int w2 = b1 + h;
            double z = theta[w2 + h];
            for (int k = 0; k < h; k++) {
                double s = theta[b1 + k];
                int row = k * d;
                for (int j = 0; j < d; j++) {
                    s += theta[row + j] * xs[j];
                }
                a[k] = s;
                hid[k] = o.activation().apply(s);
                z += theta[w2 + k] * hid[k];
            }
            return z;
        }

        /** One pass of Adam over the shuffled {@code order}; returns the mean training loss. */
        double epoch(double[] theta, int[] order) {
            int batch = Math.min(o.batchSize(), order.length);
            double total = 0;
            double totalWeight = 0;
            int b1 = h * d;
            int w2 = b1 + h;
            for (int from = 0; from < order.length; from += batch) {
                int to = Math.min(from + batch, order.length);
                int size = to - from;
                Arrays.fill(grad, 0.0);
                for (int t = from; t < to; t++) {
                    int i = order[t];
                    double z = forward(theta, i);
                    total += sw[i] * Sigmoid.softplus(y[i] == 1 ? -z : z);
                    totalWeight += sw[i];
                    double dz = sw[i] * (Sigmoid.of(z) - y[i]) / size;
                    grad[w2 + h] += dz;
                    for (int k = 0; k < h; k++) {
                        grad[w2 + k] += dz * hid[k];
                        double dh = dz * theta[w2 + k] * o.activation().derivative(a[k], hid[k]);
                        if (dh != 0.0) {
                            grad[b1 + k] += dh;
                            int row = k * d;
                            for (int j = 0; j < d; j++) {
                                grad[row + j] += dh * xs[j];
                            }
                        }
                    }
                }
                double l2 = o.alpha() / size;
                for (int q = 0; q < b1; q++) {
                    grad[q] += l2 * theta[q];
                }
                for (int k = 0; k < h; k++) {
                    grad[w2 + k] += l2 * theta[w2 + k];
                }
                adam(theta);
            }
            return total / totalWeight;
        }

        private void adam(double[] theta) {
            step++;
            double lr = o.learningRate() * Math.sqrt(1 - Math.pow(BETA2, step)) / (1 - Math.pow(BETA1, step));
            for (int q = 0; q < theta.length; q++) {
                double g = grad[q];
                m[q] = BETA1 * m[q] + (1 - BETA1) * g;
                v[q] = BETA2 * v[q] + (1 - BETA2) * g * g;
                theta[q] -= lr * m[q] / (Math.sqrt(v[q]) + ADAM_EPS);
            }
        }

        /** Weighted mean log-loss on the given samples. */
        double loss(double[] theta, int[] idx) {
            double total = 0;
            double weight = 0;
            for (int i : idx) {
                double z = forward(theta, i);
                total += sw[i] * Sigmoid.softplus(y[i] == 1 ? -z : z);
                weight += sw[i];
            }
            return total / weight;
        }
    }

    @Override
    public double score(float[] x) {
        double z = theta[theta.length - 1];
        int w2 = h * d + h;
        for (int k = 0; k < h; k++) {
            double s = rawB1[k];
            int row = k * d;
            for (int j = 0; j < d; j++) {
                s += rawW1[row + j] * x[j];
            }
            z += theta[w2 + k] * options.activation().apply(s);
        }
        return z;
    }

    @Override
    public int parameterCount() {
        return theta.length;
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> mp = new LinkedHashMap<>();
        mp.put("hidden", options.hidden());
        mp.put("activation", options.activation().name().toLowerCase(Locale.ROOT));
        mp.put("alpha", options.alpha());
        mp.put("learning_rate", options.learningRate());
        mp.put("batch_size", options.batchSize());
        mp.put("max_epochs", options.maxEpochs());
        mp.put("validation_fraction", options.validationFraction());
        mp.put("patience", options.patience());
        mp.put("tolerance", options.tolerance());
        mp.put("seed", options.seed());
        putPreparation(mp);
        return mp;
    }

    /** Epochs run before early stopping (0 for a model loaded from a file that did not record it). */
    public int epochs() {
        return epochs;
    }

    /** Flat parameters (a copy): hidden weights [hidden][d] row-major, hidden biases, output weights, output bias. */
    public double[] parameters() {
        return theta.clone();
    }
}
