package org.leafwalk.explore.export;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.leafwalk.explore.export.Chart.Axis;
import org.leafwalk.explore.export.Chart.Mark;
import org.leafwalk.explore.export.Chart.Rule;
import org.leafwalk.explore.export.Chart.Series;
import org.leafwalk.explore.walk.Numbers;

/**
 * Draws one chart's parts in Java2D: the axes with their ticks and labels, the lines, bands and dots, the bars, the
 * reference rules and the legend.
 */
final class ChartPainter {
    private final Chart chart;
    private final Graphics2D g;
    private final List<Series> series;
    private final List<Rule> rules;
    private final List<String> categories;
    private final Series markers;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;

    ChartPainter(Chart chart, Graphics2D g) {
        this.chart = chart;
        this.g = g;
        this.series = chart.series();
        this.rules = chart.rules();
        this.categories = chart.categories();
        this.markers = chart.markers();
        this.xLabel = chart.xLabel();
        this.yLabel = chart.yLabel();
        this.logX = chart.logX();
        this.logY = chart.logY();
    }

    void axes(Axis ax, Axis ay, int left, int right, int top, int bottom) {
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double t : ay.ticks()) {
            double y = ay.map(t);
            g.setColor(new Color(0xE6E6E6));
            g.draw(new Line2D.Double(left, y, right, y));
            g.setColor(Color.DARK_GRAY);
            String s = Numbers.brief(t);
            g.drawString(s, left - 6 - fm.stringWidth(s), (float) y + 4);
        }
        if (categories == null) {
            for (double t : ax.ticks()) {
                double x = ax.map(t);
                g.setColor(new Color(0xE6E6E6));
                g.draw(new Line2D.Double(x, top, x, bottom));
                g.setColor(Color.DARK_GRAY);
                String s = Numbers.brief(t);
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

    void lines(Axis ax, Axis ay) {
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
        rules(ax, ay);
    }

    private void rules(Axis ax, Axis ay) {
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

    void bars(Axis ax, Axis ay, int bottom) {
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


    void legend(int left, int y, int right) {
        List<Series> all = chart.legend();
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
}
