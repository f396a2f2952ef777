package org.greenspoof.metrics;

import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.math3.special.Erf;
import org.greenspoof.plot.Canvas;

/**
 * Draws a DET curve on normal-deviate axes (the probit of each rate, so a Gaussian score model
 * plots as a straight line), with the EER point marked, as SVG or PNG ({@link Canvas}).
 */
public final class DetPlot {

    /** Tick rates; the axes span the ticks between the finest rate the trial counts resolve and 80 %. */
    private static final double[] TICKS = {0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2,
            0.4, 0.6, 0.8};
    private static final double UPPER = 0.8;
    private static final int WIDTH = 640;
    private static final int HEIGHT = 600;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final String CURVE = "#1f6fb2";
    private static final String EER_MARK = "#c0392b";
    private static final String GRID = "#dddddd";

    private DetPlot() {
    }

    /** Writes the plot as SVG or PNG, chosen by the file extension; atomically. */
    public static void write(Path out, DetCurve det, Eer eer, String title) throws IOException {
        Canvas.write(out, WIDTH, HEIGHT, c -> draw(c, det, eer, title));
    }

    public static String svg(DetCurve det, Eer eer, String title) {
        return Canvas.svg(WIDTH, HEIGHT, c -> draw(c, det, eer, title));
    }

    static double probit(double p) {
        return Math.sqrt(2) * Erf.erfInv(2 * p - 1);
    }

    private static void draw(Canvas c, DetCurve det, Eer eer, String title) {
        double finest = 1.0 / Math.max(det.bonafideCount(), det.spoofCount());
        double lower = TICKS[0];
        for (double t : TICKS) {
            if (t <= finest) {
                lower = t;
            }
        }
        double lo = probit(lower);
        double hi = probit(UPPER);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        java.util.function.DoubleUnaryOperator px = p -> LEFT + (clampProbit(p, lo, hi) - lo) / (hi - lo) * plotW;
        java.util.function.DoubleUnaryOperator py = p -> TOP + plotH - (clampProbit(p, lo, hi) - lo) / (hi - lo) * plotH;

        for (double t : TICKS) {
            if (t < lower) {
                continue;
            }
            double x = px.applyAsDouble(t);
            double y = py.applyAsDouble(t);
            c.line(x, TOP, x, TOP + plotH, GRID, 1, false);
            c.line(LEFT, y, LEFT + plotW, y, GRID, 1, false);
            c.text(x, TOP + plotH + 18, percent(t), 11, 0, false);
            c.text(LEFT - 6, y + 4, percent(t), 11, 1, false);
        }
        c.line(LEFT, TOP, LEFT + plotW, TOP + plotH, GRID, 1, true); // frr = far diagonal, where the EER lies
        c.line(LEFT, TOP, LEFT, TOP + plotH, "#000000", 1, false);
        c.line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "#000000", 1, false);
        c.line(LEFT, TOP, LEFT + plotW, TOP, "#000000", 1, false);
        c.line(LEFT + plotW, TOP, LEFT + plotW, TOP + plotH, "#000000", 1, false);

        // One vertex per distinct half-pixel position keeps the SVG small for 10^6 trials.
        double[] xs = new double[det.size()];
        double[] ys = new double[det.size()];
        int n = 0;
        for (int i = 0; i < det.size(); i++) {
            double x = Math.round(px.applyAsDouble(det.far()[i]) * 2) / 2.0;
            double y = Math.round(py.applyAsDouble(det.frr()[i]) * 2) / 2.0;
            if (n == 0 || x != xs[n - 1] || y != ys[n - 1]) {
                xs[n] = x;
                ys[n] = y;
                n++;
            }
        }
        c.polyline(xs, ys, n, CURVE, 2);
        double ex = px.applyAsDouble(eer.eer());
        double ey = py.applyAsDouble(eer.eer());
        c.circle(ex, ey, 5, EER_MARK);
        c.text(ex + 9, ey - 8, String.format(Locale.ROOT, "EER %.2f %%", eer.percent()), 13, -1, false);
        c.text(WIDTH / 2.0, TOP - 20, title, 15, 0, false);
        c.text(LEFT + plotW / 2, HEIGHT - 25, "False acceptance rate: spoof accepted (%)", 13, 0, false);
        c.text(22, TOP + plotH / 2, "Miss rate: bona fide rejected (%)", 13, 0, true);
    }

    private static double clampProbit(double p, double lo, double hi) {
        if (p <= 0) {
            return lo;
        }
        if (p >= 1) {
            return hi;
        }
        return Math.max(lo, Math.min(hi, probit(p)));
    }

    private static String percent(double p) {
        double v = 100 * p;
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v)
                : new java.math.BigDecimal(String.format(Locale.ROOT, "%.4f", v)).stripTrailingZeros().toPlainString();
    }
}
