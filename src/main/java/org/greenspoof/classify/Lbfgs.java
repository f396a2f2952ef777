package org.greenspoof.classify;

/**
 * Limited-memory BFGS for smooth convex objectives (Nocedal and Wright, Algorithm 7.5): full
 * batch, deterministic, no allocation per iteration. The line search backtracks from the unit
 * step under the Armijo condition; near the optimum, where the decrease of the objective drowns in
 * rounding, it accepts a step that does not increase the objective beyond rounding and shrinks the
 * directional derivative (the "approximate Wolfe" test of Hager and Zhang), so the gradient can be
 * driven far below what function values alone resolve.
 */
final class Lbfgs {

    /** Objective value and gradient at a point; must write {@code grad} completely. */
    interface Objective {
        double evaluate(double[] x, double[] grad);
    }

    /** Outcome: iterations taken and the max-norm of the final gradient. */
    record Result(int iterations, double gradientNorm, boolean converged) {
    }

    private static final int MEMORY = 10;
    private static final double ARMIJO = 1e-4;
    /** Relative objective change treated as rounding noise by the approximate-Wolfe test. */
    private static final double ROUNDING = 1e-13;
    private static final int MAX_BACKTRACKS = 60;

    private Lbfgs() {
    }

    /**
     * Minimises {@code f} from {@code x} (updated in place) until the max-norm of the gradient is at
     * most {@code gradientTolerance} or {@code maxIterations} steps were taken.
     */
    static Result minimize(Objective f, double[] x, double gradientTolerance, int maxIterations) {
        int n = x.length;
        double[][] s = new double[MEMORY][n];
        double[][] y = new double[MEMORY][n];
        double[] rho = new double[MEMORY];
        double[] alpha = new double[MEMORY];
        double[] g = new double[n];
        double[] gNew = new double[n];
        double[] d = new double[n];
        double[] xNew = new double[n];
        double fx = f.evaluate(x, g);
        int stored = 0;
        int head = 0;
        for (int iter = 0; iter < maxIterations; iter++) {
            double gNorm = maxAbs(g);
            if (gNorm <= gradientTolerance) {
                return new Result(iter, gNorm, true);
            }
            // Two-loop recursion: d = -H g.
            for (int i = 0; i < n; i++) {
                d[i] = -g[i];
            }
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(head - 1 - k, MEMORY);
                alpha[j] = rho[j] * dot(s[j], d);
                axpy(-alpha[j], y[j], d);
            }
            int last = Math.floorMod(head - 1, MEMORY);
            // Initial inverse-Hessian scale; the first step is at most of unit length.
            double gamma = stored > 0 ? dot(s[last], y[last]) / dot(y[last], y[last]) : 1.0 / Math.max(1.0, norm2(g));
            for (int i = 0; i < n; i++) {
                d[i] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(head - 1 - k, MEMORY);
                double beta = rho[j] * dot(y[j], d);
                axpy(alpha[j] - beta, s[j], d);
            }
            double slope = dot(g, d);
            if (slope >= 0) { // lost descent through rounding: restart from steepest descent
                stored = 0;
                double scale = 1.0 / Math.max(1.0, norm2(g));
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i] * scale;
                }
                slope = dot(g, d);
            }
            double step = 1.0;
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int t = 0; t < MAX_BACKTRACKS; t++) {
                for (int i = 0; i < n; i++) {
                    xNew[i] = x[i] + step * d[i];
                }
                fNew = f.evaluate(xNew, gNew);
                if (fNew <= fx + ARMIJO * step * slope
                        || (fNew <= fx + ROUNDING * Math.abs(fx) && Math.abs(dot(gNew, d)) <= 0.9 * Math.abs(slope))) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) {
                return new Result(iter, gNorm, false);
            }
            int j = head;
            double sy = 0;
            for (int i = 0; i < n; i++) {
                s[j][i] = xNew[i] - x[i];
                y[j][i] = gNew[i] - g[i];
                sy += s[j][i] * y[j][i];
            }
            if (sy > 0) { // keep the inverse-Hessian estimate positive definite
                rho[j] = 1.0 / sy;
                head = (head + 1) % MEMORY;
                stored = Math.min(stored + 1, MEMORY);
            }
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
        }
        double gNorm = maxAbs(g);
        return new Result(maxIterations, gNorm, gNorm <= gradientTolerance);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double norm2(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
