package org.greenspoof.plot;

import java.util.Locale;

/** SVG text, one element per primitive. */
final class SvgCanvas implements Canvas {
    private final StringBuilder sb = new StringBuilder();

    SvgCanvas(int width, int height) {
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"sans-serif\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                width, height, width, height));
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

    @Override
    public void rect(double x, double y, double w, double h, String color, double opacity) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"%s/>%n",
                x, y, w, h, color, opacity < 1 ? String.format(Locale.ROOT, " fill-opacity=\"%.2f\"", opacity) : ""));
    }

    String finish() {
        return sb.append("</svg>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
