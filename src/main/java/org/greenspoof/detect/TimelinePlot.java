package org.greenspoof.detect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.greenspoof.detect.Detector.Report;
import org.greenspoof.detect.Detector.Segment;
import org.greenspoof.plot.Canvas;

/**
 * One recording's result as a picture: the waveform on top, the window scores below (a dot per
 * window at its centre, joined), the decision threshold dashed, and the stretches scored spoof
 * shaded red across both.
 */
public final class TimelinePlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 380;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int WAVE_TOP = 50;
    private static final int WAVE_HEIGHT = 100;
    private static final int SCORE_TOP = 180;
    private static final int SCORE_HEIGHT = 140;
    private static final String WAVE = "#555555";
    private static final String BONAFIDE = "#1f6fb2";
    private static final String SPOOF = "#c0392b";
    private static final String GRID = "#dddddd";

    private TimelinePlot() {
    }

    /** Writes the plot as SVG or PNG, chosen by the file extension; atomically. */
    public static void write(Path out, Report r, String title) throws IOException {
        Canvas.write(out, WIDTH, HEIGHT, c -> draw(c, r, title));
    }

    public static String svg(Report r, String title) {
        return Canvas.svg(WIDTH, HEIGHT, c -> draw(c, r, title));
    }

    private static void draw(Canvas c, Report r, String title) {
        double plotW = WIDTH - LEFT - RIGHT;
        double seconds = Math.max(r.seconds(), 1e-9);
        java.util.function.DoubleUnaryOperator px = t -> LEFT + t / seconds * plotW;
        for (Detector.Span s : r.spoofedSpans()) {
            double x0 = px.applyAsDouble(s.start()), x1 = px.applyAsDouble(s.end());
            c.rect(x0, WAVE_TOP, x1 - x0, SCORE_TOP + SCORE_HEIGHT - WAVE_TOP, SPOOF, 0.15);
        }
        Detector.Envelope e = r.envelope();
        double mid = WAVE_TOP + WAVE_HEIGHT / 2.0;
        for (int i = 0; i < e.min().length; i++) {
            double x = LEFT + (i + 0.5) / e.min().length * plotW;
            c.line(x, mid - e.max()[i] * WAVE_HEIGHT / 2, x, mid - e.min()[i] * WAVE_HEIGHT / 2 + 0.5, WAVE, 1, false);
        }

        List<Segment> segs = r.segments();
        double threshold = r.verdict().threshold();
        double lo = threshold, hi = threshold;
        for (Segment s : segs) {
            lo = Math.min(lo, s.score());
            hi = Math.max(hi, s.score());
        }
        double pad = Math.max(0.5, 0.1 * (hi - lo));
        double yLo = lo - pad, yHi = hi + pad;
        java.util.function.DoubleUnaryOperator py = v -> SCORE_TOP + SCORE_HEIGHT - (v - yLo) / (yHi - yLo) * SCORE_HEIGHT;
        c.line(LEFT, SCORE_TOP, LEFT, SCORE_TOP + SCORE_HEIGHT, "#000000", 1, false);
        c.line(LEFT, SCORE_TOP + SCORE_HEIGHT, LEFT + plotW, SCORE_TOP + SCORE_HEIGHT, "#000000", 1, false);
        c.line(LEFT, py.applyAsDouble(threshold), LEFT + plotW, py.applyAsDouble(threshold), "#000000", 1, true);
        c.text(LEFT + plotW, py.applyAsDouble(threshold) - 4, String.format(Locale.ROOT, "threshold %.2f", threshold), 11, 1,
                false);
        for (double v : new double[] {yLo, yHi}) {
            c.line(LEFT - 4, py.applyAsDouble(v), LEFT, py.applyAsDouble(v), "#000000", 1, false);
            c.text(LEFT - 6, py.applyAsDouble(v) + 4, String.format(Locale.ROOT, "%.1f", v), 11, 1, false);
        }
        double[] xs = new double[segs.size()], ys = new double[segs.size()];
        for (int i = 0; i < segs.size(); i++) {
            Segment s = segs.get(i);
            xs[i] = px.applyAsDouble((s.start() + s.end()) / 2);
            ys[i] = py.applyAsDouble(s.score());
        }
        if (segs.size() > 1) {
            c.polyline(xs, ys, segs.size(), GRID, 1.5);
        } else {
            c.line(LEFT, ys[0], LEFT + plotW, ys[0], segs.get(0).bonafide() ? BONAFIDE : SPOOF, 2, false);
        }
        for (int i = 0; i < segs.size(); i++) {
            c.circle(xs[i], ys[i], 3, segs.get(i).bonafide() ? BONAFIDE : SPOOF);
        }
        for (int k = 0; k <= 5; k++) {
            double t = seconds * k / 5;
            c.line(px.applyAsDouble(t), SCORE_TOP + SCORE_HEIGHT, px.applyAsDouble(t), SCORE_TOP + SCORE_HEIGHT + 4, "#000000", 1,
                    false);
            c.text(px.applyAsDouble(t), SCORE_TOP + SCORE_HEIGHT + 18, String.format(Locale.ROOT, "%.1f s", t), 11, 0, false);
        }
        Detector.Verdict v = r.verdict();
        c.text(WIDTH / 2.0, 25, title + String.format(Locale.ROOT, ": %s (score %.2f, P(spoof) max %.2f, spoofed %.0f %%)",
                v.bonafide() ? "bona fide" : "spoof", v.score(), r.maxSpoofProbability(), 100 * r.spoofedShare()), 14, 0, false);
        c.text(20, SCORE_TOP + SCORE_HEIGHT / 2.0, "score (higher: bona fide)", 11, 0, true);
    }
}
