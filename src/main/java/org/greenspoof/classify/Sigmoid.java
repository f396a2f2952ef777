package org.greenspoof.classify;

/** Numerically stable logistic function and log-loss pieces. */
final class Sigmoid {
    private Sigmoid() {
    }

    static double of(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** log(1 + exp(u)) without overflow. */
    static double softplus(double u) {
        return Math.max(u, 0.0) + Math.log1p(Math.exp(-Math.abs(u)));
    }
}
