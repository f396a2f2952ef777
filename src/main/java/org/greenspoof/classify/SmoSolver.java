package org.greenspoof.classify;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * The dual of the C-support vector classifier,
 * {@code min 0.5 a'Qa - e'a  subject to  0 <= a_i <= C_i, t'a = 0}, solved as LIBSVM's {@code Solver}
 * does (Fan, Chen and Lin, "Working set selection using second order information for training
 * SVM", JMLR 6, 2005): sequential minimal optimisation on pairs chosen by the second-order rule
 * (WSS 2), shrinking of variables stuck at a bound (with the gradient rebuilt from {@code G_bar}
 * before the final check), stopping when the maximal violation {@code m(a) - M(a)} falls below
 * {@code tolerance}. Positions are permuted by shrinking; results are reported in the input order.
 */
final class SmoSolver {

    private static final Logger LOG = Logger.getLogger(SmoSolver.class.getName());
    /** LIBSVM's TAU: the curvature used when a pair's is not positive. */
    private static final double TAU = 1e-12;
    /** A progress line at most this often, in nanoseconds. */
    private static final long PROGRESS_NANOS = 10_000_000_000L;

    private static final byte LOWER = 0, UPPER = 1, FREE = 2;

    /** The dual solution in input order, the bias term rho (decision = sum a_i t_i K(x_i, x) - rho), and the work done. */
    record Solution(double[] alpha, double rho, long iterations, boolean converged) {
    }

    private final KernelRows q;
    private final int l;
    private final byte[] t;
    private final double[] cp;
    private final double[] alpha;
    private final double[] g;
    private final double[] gBar;
    private final byte[] status;
    private final double[] qd;
    private final int[] activeSet;
    private final double tolerance;
    private final boolean shrinking;
    private int activeSize;
    private boolean unshrink;

    /**
     * @param q         the rows of Q over the same positions as {@code t}
     * @param t         labels +1 / -1 by position (permuted along with {@code q})
     * @param cPositive upper bound of the a_i with t_i = +1
     * @param cNegative upper bound of the a_i with t_i = -1
     */
    private SmoSolver(KernelRows q, byte[] t, double cPositive, double cNegative, double tolerance, boolean shrinking) {
        this.q = q;
        this.l = t.length;
        this.t = t;
        this.tolerance = tolerance;
        this.shrinking = shrinking;
        cp = new double[l];
        alpha = new double[l];
        g = new double[l];
        gBar = new double[l];
        status = new byte[l];
        qd = new double[l];
        activeSet = new int[l];
        for (int i = 0; i < l; i++) {
            cp[i] = t[i] > 0 ? cPositive : cNegative;
            g[i] = -1;
            qd[i] = q.kernel(i, i);
            activeSet[i] = i;
        }
        activeSize = l;
    }

    static Solution solve(KernelRows q, byte[] t, double cPositive, double cNegative, double tolerance, boolean shrinking,
                          String what) {
        return new SmoSolver(q, t, cPositive, cNegative, tolerance, shrinking).run(what);
    }

    private Solution run(String what) {
        long maxIterations = Math.max(10_000_000L, 100L * l);
        long iterations = 0;
        int counter = Math.min(l, 1000) + 1;
        long start = System.nanoTime(), lastLine = start;
        int[] pair = new int[2];
        boolean converged = false;
        while (iterations < maxIterations) {
            if (--counter == 0) {
                counter = Math.min(l, 1000);
                if (shrinking) {
                    shrink();
                }
                long now = System.nanoTime();
                if (now - lastLine >= PROGRESS_NANOS) {
                    lastLine = now;
                    LOG.info(String.format(Locale.ROOT, "%s: %d iterations, %d of %d samples active, violation %.3g "
                                    + "(stops below %.3g), %.0f s", what, iterations, activeSize, l, violation(), tolerance,
                            (now - start) / 1e9));
                }
            }
            if (!selectWorkingSet(pair)) {
                reconstructGradient();
                activeSize = l;
                if (!selectWorkingSet(pair)) {
                    converged = true;
                    break;
                }
                counter = 1; // shrink again at the next iteration
            }
            iterations++;
            step(pair[0], pair[1]);
        }
        if (!converged) {
            reconstructGradient();
            activeSize = l;
            LOG.warning(String.format(Locale.ROOT, "%s stopped after %d iterations with violation %.3g > %.3g",
                    what, iterations, violation(), tolerance));
        }
        double rho = rho();
        double[] out = new double[l];
        for (int i = 0; i < l; i++) {
            out[activeSet[i]] = alpha[i];
        }
        return new Solution(out, rho, iterations, converged);
    }

    private boolean upper(int i) {
        return status[i] == UPPER;
    }

    private boolean lower(int i) {
        return status[i] == LOWER;
    }

    private void updateStatus(int i) {
        status[i] = alpha[i] >= cp[i] ? UPPER : alpha[i] <= 0 ? LOWER : FREE;
    }

    /**
     * Brings alpha[a] back to its bound {@code ca} (or alpha[b] up to 0) along alpha[a] + alpha[b] =
     * sum: LIBSVM's clipping for a same-label pair, once per member of the pair.
     */
    private void clipToSum(int a, int b, double ca, double sum) {
        if (sum > ca) {
            if (alpha[a] > ca) {
                alpha[a] = ca;
                alpha[b] = sum - ca;
            }
        } else if (alpha[b] < 0) {
            alpha[b] = 0;
            alpha[a] = sum;
        }
    }

    /** Optimises the pair (i, j) analytically within the box and updates the gradients. */
    private void step(int i, int j) {
        float[] qi = q.row(i, activeSize);
        float[] qj = q.row(j, activeSize);
        double ci = cp[i], cj = cp[j];
        double oldI = alpha[i], oldJ = alpha[j];
        if (t[i] != t[j]) {
            double curvature = qd[i] + qd[j] + 2 * qi[j];
            double delta = (-g[i] - g[j]) / (curvature > 0 ? curvature : TAU);
            double diff = alpha[i] - alpha[j];
            alpha[i] += delta;
            alpha[j] += delta;
            if (diff > 0) {
                if (alpha[j] < 0) {
                    alpha[j] = 0;
                    alpha[i] = diff;
                }
            } else if (alpha[i] < 0) {
                alpha[i] = 0;
                alpha[j] = -diff;
            }
            if (diff > ci - cj) {
                if (alpha[i] > ci) {
                    alpha[i] = ci;
                    alpha[j] = ci - diff;
                }
            } else if (alpha[j] > cj) {
                alpha[j] = cj;
                alpha[i] = cj + diff;
            }
        } else {
            double curvature = qd[i] + qd[j] - 2 * qi[j];
            double delta = (g[i] - g[j]) / (curvature > 0 ? curvature : TAU);
            double sum = alpha[i] + alpha[j];
            alpha[i] -= delta;
            alpha[j] += delta;
            clipToSum(i, j, ci, sum);
            clipToSum(j, i, cj, sum);
        }
        double dI = alpha[i] - oldI, dJ = alpha[j] - oldJ;
        for (int k = 0; k < activeSize; k++) {
            g[k] += qi[k] * dI + qj[k] * dJ;
        }
        boolean wasUpperI = upper(i), wasUpperJ = upper(j);
        updateStatus(i);
        updateStatus(j);
        updateGBar(i, wasUpperI, ci);
        updateGBar(j, wasUpperJ, cj);
    }

    /** {@code G_bar = sum over a_j at the upper bound of C_j Q_j}: kept for rebuilding shrunk gradients. */
    private void updateGBar(int i, boolean wasUpper, double c) {
        if (wasUpper == upper(i)) {
            return;
        }
        float[] qi = q.row(i, l);
        double s = wasUpper ? -c : c;
        for (int k = 0; k < l; k++) {
            gBar[k] += s * qi[k];
        }
    }

    /**
     * WSS 2: i maximises {@code -t_i G_i} over I_up; j minimises the second-order decrease
     * {@code -b_ij^2 / a_ij} over the I_low violating with i. False when the violation is below the tolerance.
     */
    private boolean selectWorkingSet(int[] out) {
        double gMax = Double.NEGATIVE_INFINITY, gMax2 = Double.NEGATIVE_INFINITY;
        int iMax = -1, jMin = -1;
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < activeSize; k++) {
            if (t[k] > 0) {
                if (!upper(k) && -g[k] >= gMax) {
                    gMax = -g[k];
                    iMax = k;
                }
            } else if (!lower(k) && g[k] >= gMax) {
                gMax = g[k];
                iMax = k;
            }
        }
        float[] qi = iMax == -1 ? null : q.row(iMax, activeSize);
        for (int k = 0; k < activeSize; k++) {
            double gradDiff;
            double curvature;
            if (t[k] > 0) {
                if (lower(k)) {
                    continue;
                }
                gradDiff = gMax + g[k];
                gMax2 = Math.max(gMax2, g[k]);
                if (gradDiff <= 0) {
                    continue;
                }
                curvature = qd[iMax] + qd[k] - 2.0 * t[iMax] * qi[k];
            } else {
                if (upper(k)) {
                    continue;
                }
                gradDiff = gMax - g[k];
                gMax2 = Math.max(gMax2, -g[k]);
                if (gradDiff <= 0) {
                    continue;
                }
                curvature = qd[iMax] + qd[k] + 2.0 * t[iMax] * qi[k];
            }
            double decrease = -(gradDiff * gradDiff) / (curvature > 0 ? curvature : TAU);
            if (decrease <= best) {
                jMin = k;
                best = decrease;
            }
        }
        if (gMax + gMax2 < tolerance || jMin == -1) {
            return false;
        }
        out[0] = iMax;
        out[1] = jMin;
        return true;
    }

    /** {@code m(a) - M(a)} over the active set: how far the current point is from optimal. */
    private double violation() {
        double up = Double.NEGATIVE_INFINITY, low = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < activeSize; k++) {
            double v = -t[k] * g[k];
            boolean inUp = t[k] > 0 ? !upper(k) : !lower(k);
            boolean inLow = t[k] > 0 ? !lower(k) : !upper(k);
            if (inUp) {
                up = Math.max(up, v);
            }
            if (inLow) {
                low = Math.max(low, -v);
            }
        }
        return up + low;
    }

    private boolean shrinkable(int i, double gMax1, double gMax2) {
        if (upper(i)) {
            return t[i] > 0 ? -g[i] > gMax1 : -g[i] > gMax2;
        }
        if (lower(i)) {
            return t[i] > 0 ? g[i] > gMax2 : g[i] > gMax1;
        }
        return false;
    }

    /** Moves the variables that are bound and not violating to the end of the positions. */
    private void shrink() {
        double gMax1 = Double.NEGATIVE_INFINITY, gMax2 = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < activeSize; k++) {
            if (t[k] > 0) {
                if (!upper(k)) {
                    gMax1 = Math.max(gMax1, -g[k]);
                }
                if (!lower(k)) {
                    gMax2 = Math.max(gMax2, g[k]);
                }
            } else {
                if (!upper(k)) {
                    gMax2 = Math.max(gMax2, -g[k]);
                }
                if (!lower(k)) {
                    gMax1 = Math.max(gMax1, g[k]);
                }
            }
        }
        if (!unshrink && gMax1 + gMax2 <= tolerance * 10) {
            unshrink = true;
            reconstructGradient();
            activeSize = l;
        }
        for (int i = 0; i < activeSize; i++) {
            if (shrinkable(i, gMax1, gMax2)) {
                activeSize--;
                while (activeSize > i) {
                    if (!shrinkable(activeSize, gMax1, gMax2)) {
                        swap(i, activeSize);
                        break;
                    }
                    activeSize--;
                }
            }
        }
    }

    private void swap(int i, int j) {
        q.swap(i, j); // also swaps t, which the kernel rows share
        swap(cp, i, j);
        swap(alpha, i, j);
        swap(g, i, j);
        swap(gBar, i, j);
        swap(qd, i, j);
        byte s = status[i];
        status[i] = status[j];
        status[j] = s;
        int a = activeSet[i];
        activeSet[i] = activeSet[j];
        activeSet[j] = a;
    }

    private static void swap(double[] v, int i, int j) {
        double x = v[i];
        v[i] = v[j];
        v[j] = x;
    }

    /** Rebuilds the gradient of the shrunk variables from {@code G_bar} and the free ones. */
    private void reconstructGradient() {
        if (activeSize == l) {
            return;
        }
        for (int k = activeSize; k < l; k++) {
            g[k] = gBar[k] - 1;
        }
        int free = 0;
        for (int k = 0; k < activeSize; k++) {
            if (status[k] == FREE) {
                free++;
            }
        }
        if ((long) free * l > 2L * activeSize * (l - activeSize)) {
            for (int i = activeSize; i < l; i++) {
                float[] qi = q.row(i, activeSize);
                for (int k = 0; k < activeSize; k++) {
                    if (status[k] == FREE) {
                        g[i] += alpha[k] * qi[k];
                    }
                }
            }
        } else {
            for (int i = 0; i < activeSize; i++) {
                if (status[i] == FREE) {
                    float[] qi = q.row(i, l);
                    double a = alpha[i];
                    for (int k = activeSize; k < l; k++) {
                        g[k] += a * qi[k];
                    }
                }
            }
        }
    }

    /** rho: the mean of {@code t_i G_i} over the free variables, else the middle of the feasible interval. */
    private double rho() {
        double ub = Double.POSITIVE_INFINITY, lb = Double.NEGATIVE_INFINITY, sumFree = 0;
        int free = 0;
        for (int i = 0; i < activeSize; i++) {
            double yg = t[i] * g[i];
            if (upper(i)) {
                if (t[i] < 0) {
                    ub = Math.min(ub, yg);
                } else {
                    lb = Math.max(lb, yg);
                }
            } else if (lower(i)) {
                if (t[i] > 0) {
                    ub = Math.min(ub, yg);
                } else {
                    lb = Math.max(lb, yg);
                }
            } else {
                free++;
                sumFree += yg;
            }
        }
        return free > 0 ? sumFree / free : (ub + lb) / 2;
    }
}
