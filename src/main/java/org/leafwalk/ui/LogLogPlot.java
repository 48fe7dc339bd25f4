package org.leafwalk.ui;

import java.util.List;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

/** A canvas plotting series on log-scaled axes (x log or linear), with decade grid lines and a legend. */
final class LogLogPlot extends Canvas {
    /** One line: its points, colour and legend text (null: not in the legend). */
    record Series(double[] x, double[] y, Color color, String legend) {}

    private final boolean logX;

    LogLogPlot(double w, double h, boolean logX) {
        super(w, h);
        this.logX = logX;
    }

    void draw(List<Series> series, String xLabel) {
        GraphicsContext g = getGraphicsContext2D();
        double w = getWidth();
        double h = getHeight();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (s.y()[i] > 0 && (!logX || s.x()[i] > 0)) {
                    double x = tx(s.x()[i]);
                    xmin = Math.min(xmin, x);
                    xmax = Math.max(xmax, x);
                    ymin = Math.min(ymin, Math.log10(s.y()[i]));
                    ymax = Math.max(ymax, Math.log10(s.y()[i]));
                }
            }
        }
        if (!Double.isFinite(xmin)) {
            return;
        }
        ymin = Math.floor(ymin);
        ymax = Math.ceil(ymax);
        if (ymax - ymin < 1) {
            ymax = ymin + 1;
        }
        if (xmax - xmin < 1e-12) {
            xmax = xmin + 1;
        }
        double left = 44;
        double right = w - 8;
        double top = 8;
        double bottom = h - 18;
        g.setFont(javafx.scene.text.Font.font(10));
        g.setStroke(Color.web("#d0d4da"));
        g.setFill(Color.web("#5b6470"));
        int stepY = (int) Math.max(1, Math.ceil((ymax - ymin) / 5));
        for (double e = ymin; e <= ymax; e += stepY) {
            double y = bottom - (e - ymin) / (ymax - ymin) * (bottom - top);
            g.strokeLine(left, y, right, y);
            g.fillText(String.format("1e%d", (int) e), 4, y + 3);
        }
        if (logX) {
            for (double e = Math.ceil(xmin); e <= xmax; e++) {
                double x = left + (e - xmin) / (xmax - xmin) * (right - left);
                g.strokeLine(x, top, x, bottom);
                g.fillText(String.format("1e%d", (int) e), x - 10, h - 4);
            }
        }
        g.fillText(xLabel, 4, h - 4);
        double ly = top + 10;
        for (Series s : series) {
            g.setStroke(s.color());
            g.setLineWidth(1.6);
            boolean first = true;
            g.beginPath();
            for (int i = 0; i < s.x().length; i++) {
                if (s.y()[i] <= 0 || (logX && s.x()[i] <= 0)) {
                    continue;
                }
                double x = left + (tx(s.x()[i]) - xmin) / (xmax - xmin) * (right - left);
                double y = bottom - (Math.log10(s.y()[i]) - ymin) / (ymax - ymin) * (bottom - top);
                if (first) {
                    g.moveTo(x, y);
                    first = false;
                } else {
                    g.lineTo(x, y);
                }
            }
            g.stroke();
            if (s.legend() != null) {
                g.setFill(s.color());
                g.fillRect(right - 128, ly - 7, 10, 3);
                g.fillText(s.legend(), right - 114, ly - 3);
                ly += 12;
            }
        }
        g.setLineWidth(1);
    }

    private double tx(double x) {
        return logX ? Math.log10(x) : x;
    }
}
