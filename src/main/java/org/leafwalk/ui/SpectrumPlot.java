package org.leafwalk.ui;

import java.util.function.DoubleConsumer;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.leafwalk.explore.service.Snapshot;

/**
 * The eigenvalue spectrum of G on a log scale, non-zero eigenvalues filled, null ones hollow, with the null threshold
 * τ·λmax as a dashed line the user can drag.
 */
final class SpectrumPlot extends VBox {
    private static final double LOG_MIN = -16;
    private final Canvas canvas;
    private final Label caption = new Label();
    private final DoubleConsumer onTau;
    private Snapshot last;
    private double draggedTau = Double.NaN;

    SpectrumPlot(double w, double h, DoubleConsumer onTau) {
        this.onTau = onTau;
        canvas = new Canvas(w, h);
        canvas.setId("spectrum-canvas");
        getStyleClass().add("plot");
        Label t = new Label("Eigenvalue spectrum of G (log scale)");
        t.getStyleClass().add("panel-title");
        caption.getStyleClass().add("caption");
        caption.setWrapText(true);
        getChildren().addAll(t, canvas, caption);
        setSpacing(4);
        canvas.setOnMousePressed(e -> dragTau(e.getY()));
        canvas.setOnMouseDragged(e -> dragTau(e.getY()));
        canvas.setOnMouseReleased(e -> {
            if (!Double.isNaN(draggedTau)) {
                onTau.accept(draggedTau);
            }
            draggedTau = Double.NaN;
        });
    }

    private double top() {
        double lmax = last == null || last.spectrum().eigenvalues().length == 0 ? 1 : last.spectrum().eigenvalues()[0];
        return Math.ceil(Math.log10(Math.max(lmax, 1e-300)));
    }

    private double yOf(double log) {
        double pad = 12;
        return pad + (top() - log) / (top() - LOG_MIN) * (canvas.getHeight() - 2 * pad);
    }

    private double logOf(double y) {
        double pad = 12;
        return top() - (y - pad) / (canvas.getHeight() - 2 * pad) * (top() - LOG_MIN);
    }

    private void dragTau(double y) {
        if (last == null || last.spectrum().eigenvalues().length == 0) {
            return;
        }
        double lmax = last.spectrum().eigenvalues()[0];
        double tau = Math.pow(10, logOf(y)) / lmax;
        draggedTau = Math.max(1e-15, Math.min(0.5, tau));
        draw();
    }

    void show(Snapshot s) {
        last = s;
        draw();
    }

    private void draw() {
        Snapshot s = last;
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        if (s == null) {
            return;
        }
        double left = 44;
        g.setStroke(Color.web("#d0d4da"));
        g.setFill(Color.web("#5b6470"));
        g.setFont(javafx.scene.text.Font.font(10));
        for (double e = top(); e >= LOG_MIN; e -= 4) {
            double y = yOf(e);
            g.strokeLine(left, y, w - 6, y);
            g.fillText(String.format("1e%d", (int) e), 4, y + 3);
        }
        double[] ev = s.spectrum().gramEigenvalues();
        int n = ev.length;
        double step = (w - left - 16) / Math.max(1, n);
        for (int i = 0; i < n; i++) {
            double v = ev[i];
            double log = v > 0 ? Math.max(LOG_MIN, Math.log10(v)) : LOG_MIN;
            double x = left + 8 + i * step + step / 2;
            double y = yOf(log);
            if (i < s.spectrum().rank()) {
                g.setFill(Color.web("#c0392b"));
                g.fillOval(x - 4, y - 4, 8, 8);
            } else {
                g.setStroke(Color.web("#2166ac"));
                g.strokeOval(x - 4, y - 4, 8, 8);
            }
        }
        double tau = Double.isNaN(draggedTau) ? s.spectrum().tau() : draggedTau;
        double lmax = s.spectrum().eigenvalues().length == 0 ? 0 : s.spectrum().eigenvalues()[0];
        if (lmax > 0) {
            double y = yOf(Math.log10(tau * lmax));
            g.setStroke(Color.web("#e67e22"));
            g.setLineDashes(6, 4);
            g.setLineWidth(2);
            g.strokeLine(left, y, w - 6, y);
            g.setLineDashes();
            g.setLineWidth(1);
            g.setFill(Color.web("#e67e22"));
            g.fillText("τ·λmax (drag)", w - 84, y - 4);
        }
        caption.setText(String.format("rank %d of %d outputs: %d of %d input directions keep the prediction"
                + " (τ = %.1e)", s.spectrum().rank(), n, s.input().dimension() - s.spectrum().rank(), s.input().dimension(), tau));
    }
}
