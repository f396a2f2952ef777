package org.greenspoof.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/** Java2D on an image, for PNG. */
final class Java2dCanvas implements Canvas {
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
    public void rect(double x, double y, double w, double h, String color, double opacity) {
        Color c = Color.decode(color);
        g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) Math.round(255 * opacity)));
        g.fill(new Rectangle2D.Double(x, y, w, h));
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
