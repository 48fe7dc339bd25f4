package org.leafwalk.ui;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.leafwalk.explore.service.Snapshot;

/** Output change (KL divergence from the start distribution) against distance walked. */
final class DriftPlot extends VBox {
    private final Canvas canvas;
    private final Label caption = new Label();

    DriftPlot(double w, double h) {
        canvas = new Canvas(w, h);
        getStyleClass().add("plot");
        Label t = new Label("Drift: KL from start vs distance walked");
        t.getStyleClass().add("panel-title");
        caption.getStyleClass().add("caption");
        getChildren().addAll(t, canvas, caption);
        setSpacing(4);
    }

    void show(Snapshot s) {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double[] x = s.walk().driftDistance();
        double[] y = s.walk().driftKl();
        double xmax = 1e-9;
        double ymax = 1e-6;
        for (int i = 0; i < x.length; i++) {
            xmax = Math.max(xmax, x[i]);
            ymax = Math.max(ymax, y[i]);
        }
        double left = 40;
        double bottom = h - 18;
        g.setStroke(Color.web("#d0d4da"));
        g.strokeLine(left, bottom, w - 6, bottom);
        g.strokeLine(left, 8, left, bottom);
        g.setFill(Color.web("#5b6470"));
        g.setFont(javafx.scene.text.Font.font(10));
        g.fillText(String.format("%.2g", ymax), 2, 14);
        g.fillText("0", left - 10, bottom);
        g.fillText(String.format("distance %.3g", xmax), w - 90, h - 4);
        g.setStroke(Color.web("#8e44ad"));
        g.setLineWidth(1.5);
        g.beginPath();
        for (int i = 0; i < x.length; i++) {
            double px = left + x[i] / xmax * (w - left - 10);
            double py = bottom - y[i] / ymax * (bottom - 10);
            if (i == 0) {
                g.moveTo(px, py);
            } else {
                g.lineTo(px, py);
            }
        }
        g.stroke();
        g.setLineWidth(1);
        caption.setText(String.format("now: distance %.3g, KL %.3g nats", s.walk().distance(), s.walk().kl()));
    }
}
