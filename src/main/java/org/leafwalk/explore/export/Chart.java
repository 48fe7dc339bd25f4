package org.leafwalk.explore.export;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.svg.SVGGraphics2D;
import org.leafwalk.io.Images;

/**
 * A figure for papers and notebooks, drawn once in Java2D and written both as PNG (a raster for slides) and as SVG
 * (through JFreeSVG's Graphics2D): lines (or dots) with optional quartile bands on linear or log axes, horizontal
 * reference lines, or grouped bars with optional reference markers. The experiments' report and the plots exported
 * from the window and the command line are all drawn by it.
 */
public final class Chart {
    /** Colour-blind-safe (Okabe-Ito). */
    public static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x000000)};

    /**
     * One line (or, for a bar chart, one group member across the categories).
     *
     * @param lo the band's lower edge, or null; {@code hi} its upper edge
     * @param dashed drawn dashed (a second variant of the same algorithm)
     */
    public record Series(String label, double[] x, double[] y, double[] lo, double[] hi, Color color, boolean dashed,
            Mark mark) {
        public Series(String label, double[] x, double[] y, double[] lo, double[] hi, Color color, boolean dashed) {
            this(label, x, y, lo, hi, color, dashed, Mark.LINE);
        }
    }

    /** How a series is drawn: joined by a line, or as filled or hollow dots. */
    public enum Mark {
        LINE,
        DOTS,
        RINGS
    }

    /** A horizontal dashed line across the plot at {@code y}, with its label. */
    record Rule(double y, String label, Color color) {}

    private final List<Rule> rules = new ArrayList<>();

    private final String name;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();
    private final List<String> categories; // bar charts only
    private Series markers; // bar charts: reference values drawn as black ticks

    private Chart(String name, String title, String xLabel, String yLabel, boolean logX, boolean logY,
            List<String> categories) {
        this.name = name;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
        this.categories = categories;
    }

    public static Chart lines(String name, String title, String xLabel, String yLabel, boolean logX, boolean logY) {
        return new Chart(name, title, xLabel, yLabel, logX, logY, null);
    }

    /** Grouped bars: each series gives one value per category (in {@code y}). */
    public static Chart bars(String name, String title, String yLabel, List<String> categories, boolean logY) {
        return new Chart(name, title, "", yLabel, false, logY, List.copyOf(categories));
    }

    public Chart add(Series s) {
        series.add(s);
        return this;
    }

    /** Bar charts: a reference value per category (NaN: none), drawn as a black tick across the group. */
    public Chart reference(String label, double[] values) {
        markers = new Series(label, null, values, null, null, Color.BLACK, false);
        return this;
    }

    /** A horizontal dashed line at {@code y} (a threshold), labelled at its right end. */
    public Chart rule(double y, String label, Color color) {
        rules.add(new Rule(y, label, color));
        return this;
    }

    List<Series> series() {
        return series;
    }

    List<Rule> rules() {
        return rules;
    }

    List<String> categories() {
        return categories;
    }

    Series markers() {
        return markers;
    }

    String xLabel() {
        return xLabel;
    }

    String yLabel() {
        return yLabel;
    }

    boolean logX() {
        return logX;
    }

    boolean logY() {
        return logY;
    }

    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    public byte[] png(int width, int height) {
        BufferedImage img = new BufferedImage(width * 2, height * 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.scale(2, 2); // drawn at twice the size: crisp on high-density screens and in print
        draw(g, width, height);
        g.dispose();
        return Images.encodePng(img);
    }

    public String svg(int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        draw(g, width, height);
        return g.getSVGDocument();
    }

    public void draw(Graphics2D g, int width, int height) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(base.deriveFont(Font.BOLD, 14f));
        g.setColor(Color.BLACK);
        g.drawString(title, 12, 20);
        g.setFont(base);
        int left = 70;
        int right = width - 16;
        int top = 34;
        int legendRows = (legend().size() + 2) / 3;
        int bottom = height - 58 - 16 * legendRows;
        double[] xr = categories != null ? new double[] {0, categories.size()} : range(true);
        double[] yr = range(false);
        Axis ax = new Axis(xr[0], xr[1], left, right, logX);
        Axis ay = new Axis(yr[0], yr[1], bottom, top, logY);
        ChartPainter paint = new ChartPainter(this, g);
        paint.axes(ax, ay, left, right, top, bottom);
        if (categories != null) {
            paint.bars(ax, ay, bottom);
        } else {
            paint.lines(ax, ay);
        }
        paint.legend(left, bottom + (xLabel.isEmpty() ? 40 : 54), right);
    }

    record Axis(double lo, double hi, double from, double to, boolean log) {
        double map(double v) {
            double a = log ? Math.log10(lo) : lo;
            double b = log ? Math.log10(hi) : hi;
            double t = ((log ? Math.log10(v) : v) - a) / (b - a);
            return from + t * (to - from);
        }

        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (log) {
                for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
                    double v = Math.pow(10, e);
                    if (v >= lo * 0.999 && v <= hi * 1.001) {
                        t.add(v);
                    }
                }
                return t;
            }
            double span = hi - lo;
            double step = Math.pow(10, Math.floor(Math.log10(span / 5)));
            for (double m : new double[] {1, 2, 5, 10}) {
                if (span / (step * m) <= 6) {
                    step *= m;
                    break;
                }
            }
            for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
                t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            }
            return t;
        }
    }

    private double[] range(boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        boolean log = x ? logX : logY;
        List<Series> all = new ArrayList<>(series);
        if (markers != null && !x) {
            all.add(markers);
        }
        if (!x && !rules.isEmpty()) {
            double[] ys = rules.stream().mapToDouble(Rule::y).toArray();
            all.add(new Series("", null, ys, null, null, Color.BLACK, false));
        }
        for (Series s : all) {
            for (double[] a : x ? new double[][] {s.x()} : new double[][] {s.y(), s.lo(), s.hi()}) {
                if (a == null) {
                    continue;
                }
                for (double v : a) {
                    if (Double.isFinite(v) && (!log || v > 0)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        if (!(lo <= hi)) {
            return log ? new double[] {0.1, 10} : new double[] {0, 1};
        }
        if (log) {
            return new double[] {Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi)))};
        }
        if (!x || categories != null) {
            lo = Math.min(lo, 0); // bars and counts start at zero
        }
        if (hi == lo) {
            hi = lo + 1;
        }
        boolean dots = series.stream().anyMatch(s -> s.mark() != Mark.LINE);
        if (x && dots && !log) {
            double pad = (hi - lo) * 0.04;
            return new double[] {lo - pad, hi + pad}; // dots at the ends stay clear of the axes
        }
        double pad = x ? 0 : (hi - lo) * 0.05;
        return new double[] {lo, hi + pad};
    }

    /** The series named in the legend (an empty label keeps a series out of it). */
    List<Series> legend() {
        List<Series> all = new ArrayList<>();
        for (Series s : series) {
            if (!s.label().isEmpty()) {
                all.add(s);
            }
        }
        if (markers != null) {
            all.add(markers);
        }
        return all;
    }
}
