package org.greenspoof.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.greenspoof.io.AtomicFiles;

/**
 * The few drawing primitives the project's plots need, rendered as SVG text or as PNG through
 * Java2D (headless), so each plot is one drawing routine for both formats. Colours are "#rrggbb".
 */
public interface Canvas {
    void line(double x1, double y1, double x2, double y2, String color, double width, boolean dashed);

    void polyline(double[] xs, double[] ys, int n, String color, double width);

    void circle(double x, double y, double r, String color);

    /** A filled rectangle; opacity 0-1. */
    void rect(double x, double y, double w, double h, String color, double opacity);

    /** anchor: -1 left, 0 centre, 1 right; rotated: vertical text reading upwards. */
    void text(double x, double y, String s, int size, int anchor, boolean rotated);

    /** Writes {@code draw}'s picture as SVG or PNG, chosen by the file extension; atomically. */
    static void write(Path out, int width, int height, Consumer<Canvas> draw) throws IOException {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        byte[] bytes;
        if (name.endsWith(".svg")) {
            bytes = svg(width, height, draw).getBytes(StandardCharsets.UTF_8);
        } else if (name.endsWith(".png")) {
            bytes = png(width, height, draw);
        } else {
            throw new IllegalArgumentException(out + ": a plot file must end in .svg or .png");
        }
        AtomicFiles.write(out, bytes);
    }

    static String svg(int width, int height, Consumer<Canvas> draw) {
        SvgCanvas c = new SvgCanvas(width, height);
        draw.accept(c);
        return c.finish();
    }

    static byte[] png(int width, int height, Consumer<Canvas> draw) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            draw.accept(new Java2dCanvas(g));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        return bytes.toByteArray();
    }
}
