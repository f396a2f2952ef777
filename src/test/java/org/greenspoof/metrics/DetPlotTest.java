package org.greenspoof.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DetPlotTest {

    @Test
    void probitIsTheStandardNormalQuantile() {
        assertEquals(1.959963984540054, DetPlot.probit(0.975), 1e-12);
        assertEquals(-2.326347874040841, DetPlot.probit(0.01), 1e-12);
        assertEquals(0.0, DetPlot.probit(0.5), 1e-15);
    }

    /**
     * Two Gaussian classes with equal variance give a straight DET line on normal-deviate axes;
     * the drawn curve must run monotonically (false alarms up, misses down) and pass through the
     * EER marker on the diagonal.
     */
    @Test
    void gaussianScoresDrawAStraightMonotoneLineThroughTheEerMarker() {
        SplittableRandom r = new SplittableRandom(3);
        double[] bona = new double[4000];
        double[] spoof = new double[4000];
        for (int i = 0; i < bona.length; i++) {
            bona[i] = 1.5 + r.nextGaussian();
            spoof[i] = r.nextGaussian();
        }
        DetCurve det = DetCurve.of(bona, spoof);
        // Equal-variance Gaussians 1.5 apart: probit(miss) + probit(false alarm) = -1.5 at every threshold.
        for (int i = 0; i < det.size(); i++) {
            if (Math.min(det.frr()[i], det.far()[i]) > 0.02 && Math.max(det.frr()[i], det.far()[i]) < 0.98) {
                assertEquals(-1.5, DetPlot.probit(det.frr()[i]) + DetPlot.probit(det.far()[i]), 0.2, "point " + i);
            }
        }
        Eer eer = Eer.of(det);
        String svg = DetPlot.svg(det, eer, "test <&>");
        assertTrue(svg.contains("test &lt;&amp;&gt;"));
        Matcher pts = Pattern.compile("points=\"([^\"]+)\"").matcher(svg);
        assertTrue(pts.find());
        String[] p = pts.group(1).split(" ");
        assertTrue(p.length < det.size() / 4, "vertices merged per half pixel: " + p.length);
        double[] xs = new double[p.length];
        double[] ys = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            xs[i] = Double.parseDouble(p[i].split(",")[0]);
            ys[i] = Double.parseDouble(p[i].split(",")[1]);
            // Raising the threshold lowers false alarms (x moves left) and raises misses (SVG y moves up).
            if (i > 0) {
                assertTrue(xs[i] <= xs[i - 1] && ys[i] <= ys[i - 1], "monotone at vertex " + i);
            }
        }
        Matcher c = Pattern.compile("<circle cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"").matcher(svg);
        assertTrue(c.find());
        double cx = Double.parseDouble(c.group(1));
        double cy = Double.parseDouble(c.group(2));
        double nearest = Double.MAX_VALUE;
        for (int i = 0; i < p.length; i++) {
            nearest = Math.min(nearest, Math.hypot(xs[i] - cx, ys[i] - cy));
        }
        assertTrue(nearest < 3, "EER marker lies on the curve, " + nearest + " px away");
    }
}
