package org.leafwalk.explore;

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
    private record Rule(double y, String label, Color color) {}

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
        drawAxes(g, ax, ay, left, right, top, bottom);
        if (categories != null) {
            drawBars(g, ax, ay, bottom);
        } else {
            drawLines(g, ax, ay);
        }
        drawLegend(g, left, bottom + (xLabel.isEmpty() ? 40 : 54), right);
    }

    private record Axis(double lo, double hi, double from, double to, boolean log) {
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

    private void drawAxes(Graphics2D g, Axis ax, Axis ay, int left, int right, int top, int bottom) {
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double t : ay.ticks()) {
            double y = ay.map(t);
            g.setColor(new Color(0xE6E6E6));
            g.draw(new Line2D.Double(left, y, right, y));
            g.setColor(Color.DARK_GRAY);
            String s = format(t);
            g.drawString(s, left - 6 - fm.stringWidth(s), (float) y + 4);
        }
        if (categories == null) {
            for (double t : ax.ticks()) {
                double x = ax.map(t);
                g.setColor(new Color(0xE6E6E6));
                g.draw(new Line2D.Double(x, top, x, bottom));
                g.setColor(Color.DARK_GRAY);
                String s = format(t);
                g.drawString(s, (float) x - fm.stringWidth(s) / 2f, bottom + 16);
            }
        }
        g.setColor(Color.BLACK);
        g.draw(new Line2D.Double(left, bottom, right, bottom));
        g.draw(new Line2D.Double(left, top, left, bottom));
        g.drawString(xLabel, (left + right) / 2f - fm.stringWidth(xLabel) / 2f, bottom + 32);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString(yLabel, -(top + bottom) / 2f - fm.stringWidth(yLabel) / 2f, 16);
        r.dispose();
    }

    private void drawLines(Graphics2D g, Axis ax, Axis ay) {
        for (Series s : series) {
            if (s.lo() != null && s.hi() != null) {
                Path2D band = new Path2D.Double();
                boolean first = true;
                for (int i = 0; i < s.x().length; i++) {
                    if (plottable(s.x()[i], s.lo()[i])) {
                        double px = ax.map(s.x()[i]);
                        double py = ay.map(s.lo()[i]);
                        if (first) {
                            band.moveTo(px, py);
                            first = false;
                        } else {
                            band.lineTo(px, py);
                        }
                    }
                }
                for (int i = s.x().length - 1; i >= 0; i--) {
                    if (plottable(s.x()[i], s.hi()[i])) {
                        band.lineTo(ax.map(s.x()[i]), ay.map(s.hi()[i]));
                    }
                }
                band.closePath();
                g.setColor(new Color(s.color().getRed(), s.color().getGreen(), s.color().getBlue(), 45));
                g.fill(band);
            }
            g.setColor(s.color());
            if (s.mark() != Mark.LINE) {
                g.setStroke(new BasicStroke(1.4f));
                for (int i = 0; i < s.x().length; i++) {
                    if (plottable(s.x()[i], s.y()[i])) {
                        dot(g, ax.map(s.x()[i]), ay.map(s.y()[i]), s.mark());
                    }
                }
                continue;
            }
            g.setStroke(stroke(s));
            Path2D line = new Path2D.Double();
            boolean first = true;
            for (int i = 0; i < s.x().length; i++) {
                if (!plottable(s.x()[i], s.y()[i])) {
                    first = true;
                    continue;
                }
                double px = ax.map(s.x()[i]);
                double py = ay.map(s.y()[i]);
                if (first) {
                    line.moveTo(px, py);
                    first = false;
                } else {
                    line.lineTo(px, py);
                }
            }
            g.draw(line);
        }
        g.setStroke(new BasicStroke(1f));
        drawRules(g, ax, ay);
    }

    private void drawRules(Graphics2D g, Axis ax, Axis ay) {
        for (Rule r : rules) {
            if (!Double.isFinite(r.y()) || (logY && r.y() <= 0)) {
                continue;
            }
            double y = ay.map(r.y());
            g.setColor(r.color());
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f));
            g.draw(new Line2D.Double(ax.from(), y, ax.to(), y));
            g.setStroke(new BasicStroke(1f));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(r.label(), (float) (ax.to() - fm.stringWidth(r.label()) - 4), (float) y - 4);
        }
    }

    /** A dot of 8 px centred at (x, y): filled for {@link Mark#DOTS}, a ring for {@link Mark#RINGS}. */
    private static void dot(Graphics2D g, double x, double y, Mark mark) {
        java.awt.geom.Ellipse2D d = new java.awt.geom.Ellipse2D.Double(x - 4, y - 4, 8, 8);
        if (mark == Mark.DOTS) {
            g.fill(d);
        } else {
            g.draw(d);
        }
    }

    private boolean plottable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
    }

    private void drawBars(Graphics2D g, Axis ax, Axis ay, int bottom) {
        FontMetrics fm = g.getFontMetrics();
        int groups = categories.size();
        int members = Math.max(1, series.size());
        for (int c = 0; c < groups; c++) {
            double x0 = ax.map(c + 0.12);
            double x1 = ax.map(c + 0.88);
            double w = (x1 - x0) / members;
            for (int m = 0; m < series.size(); m++) {
                double v = series.get(m).y()[c];
                if (!Double.isFinite(v) || (logY && v <= 0)) {
                    continue;
                }
                double base = logY ? bottom : ay.map(0);
                double y = ay.map(v);
                g.setColor(series.get(m).color());
                g.fill(new Rectangle2D.Double(x0 + m * w, Math.min(y, base), w * 0.92, Math.abs(base - y)));
            }
            if (markers != null && Double.isFinite(markers.y()[c]) && (!logY || markers.y()[c] > 0)) {
                double y = ay.map(markers.y()[c]);
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(2.5f));
                g.draw(new Line2D.Double(x0 - 2, y, x1 + 2, y));
                g.setStroke(new BasicStroke(1f));
            }
            g.setColor(Color.DARK_GRAY);
            String label = categories.get(c).length() > 14 ? categories.get(c).substring(0, 13) + "…" : categories.get(c);
            g.drawString(label, (float) ((x0 + x1) / 2 - fm.stringWidth(label) / 2.0), bottom + 16);
        }
    }

    /** The series named in the legend (an empty label keeps a series out of it). */
    private List<Series> legend() {
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

    private void drawLegend(Graphics2D g, int left, int y, int right) {
        List<Series> all = legend();
        int col = (right - left) / 3;
        for (int i = 0; i < all.size(); i++) {
            Series s = all.get(i);
            int x = left + (i % 3) * col;
            int yy = y + (i / 3) * 16;
            g.setColor(s.color());
            g.setStroke(s == markers ? new BasicStroke(2.5f) : stroke(s));
            if (s.mark() != Mark.LINE) {
                dot(g, x + 9, yy - 4, s.mark());
            } else if (categories != null && s != markers) {
                g.fill(new Rectangle2D.Double(x, yy - 8, 18, 9));
            } else {
                g.draw(new Line2D.Double(x, yy - 4, x + 18, yy - 4));
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(s.label(), x + 24, yy);
        }
    }

    private static BasicStroke stroke(Series s) {
        return s.dashed() ? new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                new float[] {6f, 4f}, 0f) : new BasicStroke(1.8f);
    }

    public static String format(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e4 || a < 1e-2) {
            String s = String.format(Locale.ROOT, "%.2e", v); // 1.50e-09
            String mantissa = s.substring(0, s.indexOf('e')).replaceAll("0+$", "").replaceAll("\\.$", "");
            int exp = Integer.parseInt(s.substring(s.indexOf('e') + 1));
            return mantissa + "e" + exp;
        }
        String s = String.format(Locale.ROOT, a >= 10 ? "%.0f" : a >= 1 ? "%.1f" : "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
