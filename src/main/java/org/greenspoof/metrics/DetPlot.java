package org.greenspoof.metrics;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.commons.math3.special.Erf;
import org.greenspoof.io.AtomicFiles;

/**
 * Draws a DET curve on normal-deviate axes (the probit of each rate, so a Gaussian score model
 * plots as a straight line), with the EER point marked: as SVG, or as PNG through Java2D. Both
 * renderings share one drawing routine over a tiny {@link Canvas}.
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
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        byte[] bytes;
        if (name.endsWith(".svg")) {
            bytes = svg(det, eer, title).getBytes(StandardCharsets.UTF_8);
        } else if (name.endsWith(".png")) {
            bytes = png(det, eer, title);
        } else {
            throw new IllegalArgumentException(out + ": DET plot file must end in .svg or .png");
        }
        AtomicFiles.write(out, bytes);
    }

    public static String svg(DetCurve det, Eer eer, String title) {
        SvgCanvas c = new SvgCanvas();
        draw(c, det, eer, title);
        return c.finish();
    }

    public static byte[] png(DetCurve det, Eer eer, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            draw(new Java2dCanvas(g), det, eer, title);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        return bytes.toByteArray();
    }

    /** The few primitives the plot needs. */
    interface Canvas {
        void line(double x1, double y1, double x2, double y2, String color, double width, boolean dashed);

        void polyline(double[] xs, double[] ys, int n, String color, double width);

        void circle(double x, double y, double r, String color);

        /** anchor: -1 left, 0 centre, 1 right; rotated: vertical text reading upwards. */
        void text(double x, double y, String s, int size, int anchor, boolean rotated);
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

    private static final class SvgCanvas implements Canvas {
        private final StringBuilder sb = new StringBuilder();

        SvgCanvas() {
            sb.append(String.format(Locale.ROOT,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                            + " font-family=\"sans-serif\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                    WIDTH, HEIGHT, WIDTH, HEIGHT));
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, String color, double width, boolean dashed) {
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>%n",
                    x1, y1, x2, y2, color, width, dashed ? " stroke-dasharray=\"4 4\"" : ""));
        }

        @Override
        public void polyline(double[] xs, double[] ys, int n, String color, double width) {
            sb.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"").append(width)
                    .append("\" stroke-linejoin=\"round\" points=\"");
            for (int i = 0; i < n; i++) {
                sb.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "" : " ", xs[i], ys[i]));
            }
            sb.append("\"/>\n");
        }

        @Override
        public void circle(double x, double y, double r, String color) {
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>%n", x, y, r, color));
        }

        @Override
        public void text(double x, double y, String s, int size, int anchor, boolean rotated) {
            String a = anchor < 0 ? "start" : anchor > 0 ? "end" : "middle";
            String rot = rotated ? String.format(Locale.ROOT, " transform=\"rotate(-90 %.1f %.1f)\"", x, y) : "";
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"%s>%s</text>%n",
                    x, y, size, a, rot, escape(s)));
        }

        String finish() {
            return sb.append("</svg>\n").toString();
        }

        private static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }

    private static final class Java2dCanvas implements Canvas {
        private final Graphics2D g;

        Java2dCanvas(Graphics2D g) {
            this.g = g;
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, String color, double width, boolean dashed) {
            g.setColor(Color.decode(color));
            g.setStroke(dashed ? new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {4f, 4f}, 0f) : new BasicStroke((float) width));
            g.draw(new Line2D.Double(x1, y1, x2, y2));
        }

        @Override
        public void polyline(double[] xs, double[] ys, int n, String color, double width) {
            Path2D.Double p = new Path2D.Double();
            for (int i = 0; i < n; i++) {
                if (i == 0) {
                    p.moveTo(xs[i], ys[i]);
                } else {
                    p.lineTo(xs[i], ys[i]);
                }
            }
            g.setColor(Color.decode(color));
            g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(p);
        }

        @Override
        public void circle(double x, double y, double r, String color) {
            g.setColor(Color.decode(color));
            g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
        }

        @Override
        public void text(double x, double y, String s, int size, int anchor, boolean rotated) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
            double w = g.getFontMetrics().stringWidth(s);
            double shift = anchor < 0 ? 0 : anchor > 0 ? -w : -w / 2;
            var saved = g.getTransform();
            g.translate(x, y);
            if (rotated) {
                g.rotate(-Math.PI / 2);
            }
            g.drawString(s, (float) shift, 0f);
            g.setTransform(saved);
        }
    }
}
