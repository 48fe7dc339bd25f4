package org.leafwalk.explore.export;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import org.leafwalk.io.GifWriter;

/**
 * Draws exportable pictures of a walk with Java2D (no window needed): the input scaled up with crisp pixels, or the
 * input beside its output bars and a step counter.
 */
public final class Frames {
    private Frames() {}

    /** The blue-white-red map of every heat map (t in [-1, 1]). */
    public static int diverging(double t) {
        return GifWriter.diverging(t);
    }

    /** Intensities in [0,1] (C, H, W) as an image, each pixel a {@code scale}×{@code scale} block. */
    public static BufferedImage input(double[] px, int channels, int size, int scale) {
        BufferedImage img = org.leafwalk.model.ImageInput.toImage(px, channels, size);
        if (scale == 1) {
            return img;
        }
        BufferedImage out = new BufferedImage(size * scale, size * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(img, 0, 0, size * scale, size * scale, null);
        g.dispose();
        return out;
    }

    /** A signed field summed over channels as a diverging heat map, scaled by {@code max} (≤ 0: its own maximum). */
    public static BufferedImage heatMap(double[] v, int channels, int size, int scale, double max) {
        int plane = size * size;
        double[] f = new double[plane];
        double m = 0;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) {
                f[i] += v[c * plane + i];
            }
            m = Math.max(m, Math.abs(f[i]));
        }
        double s = max > 0 ? max : m;
        BufferedImage out = new BufferedImage(size * scale, size * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size * scale; y++) {
            for (int x = 0; x < size * scale; x++) {
                double t = s == 0 ? 0 : f[(y / scale) * size + x / scale] / s;
                out.setRGB(x, y, diverging(Math.max(-1, Math.min(1, t))) & 0xffffff);
            }
        }
        return out;
    }

    /**
     * A text point as a token strip: per token, the original token (grey), the nearest vocabulary token (bold, on
     * red where it changed) and a bar of its relative residual; explored tokens are underlined; the decoded
     * sentence below. {@code scale} 1 draws small type (10 px), larger scales larger type (up to 20 px).
     */
    public static BufferedImage tokens(org.leafwalk.model.TextDecoding dec, boolean[] selected, int scale) {
        int fontSize = Math.max(10, Math.min(20, 9 + scale));
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, fontSize - 2);
        Font bold = new Font(Font.SANS_SERIF, Font.BOLD, fontSize);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        java.awt.FontMetrics fmBold = pg.getFontMetrics(bold);
        java.awt.FontMetrics fmSmall = pg.getFontMetrics(small);
        int maxWidth = 40 * fontSize;
        int cellH = fmSmall.getHeight() + fmBold.getHeight() + 12;
        int t = dec.original().length;
        int[] cx = new int[t];
        int[] cy = new int[t];
        int[] cw = new int[t];
        int x = 8;
        int y = 8;
        for (int i = 0; i < t; i++) {
            int w = Math.max(fmBold.stringWidth(dec.nearest()[i]), fmSmall.stringWidth(dec.original()[i])) + 10;
            if (x + w > maxWidth && x > 8) {
                x = 8;
                y += cellH + 6;
            }
            cx[i] = x;
            cy[i] = y;
            cw[i] = w;
            x += w + 4;
        }
        pg.dispose();
        String decoded = "decoded: " + dec.decodedText();
        int width = maxWidth + 8;
        int height = y + cellH + 14 + fmSmall.getHeight();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setColor(new Color(0xf4f6f8));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < t; i++) {
            g.setColor(dec.changed()[i] ? new Color(0xf4c7c3) : Color.WHITE);
            g.fillRect(cx[i], cy[i], cw[i], cellH);
            g.setColor(new Color(0xc9cfd6));
            g.drawRect(cx[i], cy[i], cw[i], cellH);
            g.setFont(small);
            g.setColor(new Color(0x7f8c9a));
            g.drawString(dec.original()[i], cx[i] + 5, cy[i] + fmSmall.getAscent() + 2);
            g.setFont(bold);
            g.setColor(dec.changed()[i] ? new Color(0xc0392b) : new Color(0x1f2933));
            g.drawString(dec.nearest()[i], cx[i] + 5, cy[i] + fmSmall.getHeight() + fmBold.getAscent() + 2);
            double rel = dec.residual()[i] / Math.max(dec.norm()[i], 1e-12);
            g.setColor(new Color(0x2166ac));
            g.fillRect(cx[i] + 2, cy[i] + cellH - 5, (int) Math.round((cw[i] - 4) * Math.min(1, rel)), 3);
            if (selected[i]) {
                g.setColor(new Color(0x1f2933));
                g.fillRect(cx[i], cy[i] + cellH + 1, cw[i] + 1, 2);
            }
        }
        g.setFont(small);
        g.setColor(new Color(0x1f2933));
        g.drawString(decoded.length() > 120 ? decoded.substring(0, 117) + "..." : decoded, 8,
                y + cellH + 10 + fmSmall.getAscent());
        g.dispose();
        return out;
    }

    /**
     * The input beside its output bars, with the step counter and the prediction above. With more than 12 classes
     * the bars are the 10 most probable now and the start prediction; without classes (a backbone) there are none.
     */
    public static BufferedImage withBars(BufferedImage input, List<String> labels, double[] probabilities,
            int prediction, int startPrediction, int step, int steps) {
        int[] rows = barRows(probabilities, startPrediction);
        int barW = 160;
        int rowH = Math.max(14, Math.min(22, (input.getHeight() - 8) / Math.max(1, rows.length)));
        int width = input.getWidth() + 24 + 70 + barW + 56;
        int height = Math.max(input.getHeight(), rowH * rows.length) + 40;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setColor(new Color(0xf4f6f8));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(0x1f2933));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(prediction < 0 ? String.format("step %d / %d   (no classifier)", step, steps)
                : String.format("step %d / %d   prediction: %s", step, steps, labels.get(prediction)), 8, 18);
        g.drawImage(input, 8, 30, null);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x0 = input.getWidth() + 24;
        for (int r = 0; r < rows.length; r++) {
            int i = rows[r];
            int y = 30 + r * rowH;
            g.setColor(i == startPrediction ? new Color(0x2166ac) : new Color(0x1f2933));
            String name = labels.get(i);
            g.drawString((i == startPrediction ? "> " : "") + (name.length() > 9 ? name.substring(0, 9) : name), x0,
                    y + rowH - 5);
            g.setColor(new Color(0xe6e9ee));
            g.fillRect(x0 + 70, y + 2, barW, rowH - 5);
            g.setColor(i == prediction ? new Color(0xc0392b) : new Color(0x7f8c9a));
            g.fillRect(x0 + 70, y + 2, (int) Math.round(barW * probabilities[i]), rowH - 5);
            g.setColor(new Color(0x1f2933));
            g.drawString(String.format("%.0f%%", 100 * probabilities[i]), x0 + 74 + barW, y + rowH - 5);
        }
        g.dispose();
        return out;
    }

    /** Every class up to 12; else the 10 most probable and the start prediction, most probable first. */
    static int[] barRows(double[] probabilities, int start) {
        int n = probabilities.length;
        if (n <= 12) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        Integer[] order = new Integer[n];
        java.util.Arrays.setAll(order, i -> i);
        java.util.Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
        java.util.LinkedHashSet<Integer> rows = new java.util.LinkedHashSet<>(java.util.Arrays.asList(order)
                .subList(0, 10));
        if (start >= 0) {
            rows.add(start);
        }
        return rows.stream().sorted((a, b) -> Double.compare(probabilities[b], probabilities[a]))
                .mapToInt(Integer::intValue).toArray();
    }
}
