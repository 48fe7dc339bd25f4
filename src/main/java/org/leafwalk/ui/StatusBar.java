package org.leafwalk.ui;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import org.leafwalk.explore.Snapshot;

/** The status bar: what is open, where it runs, how fast a step is, the rank of G, and whether a walk runs. */
final class StatusBar extends HBox {
    private final Label model = new Label();
    private final Label device = new Label();
    private final Label latency = new Label();
    private final Label rate = new Label();
    private final Label rank = new Label();
    private final Label busy = new Label();
    private final Label facts = new Label();

    StatusBar() {
        super(22);
        busy.setId("status-busy");
        rank.setId("status-rank");
        model.setId("status-model");
        facts.setId("status-facts");
        getChildren().setAll(model, device, latency, rate, rank, busy, facts);
        getStyleClass().add("status-bar");
        setPadding(new Insets(4, 12, 4, 12));
    }

    void show(Snapshot s) {
        var src = s.source();
        model.setText("Model: " + src.model() + "   Input: " + src.input() + " (" + src.space().id() + ", "
                + src.metric().id() + ")");
        device.setText("Device: " + src.device());
        latency.setText(String.format("Step latency: %.0f ms", s.timing().stepMillis()));
        rate.setText(String.format("%.1f steps/s", s.timing().stepsPerSecond()));
        rank.setText("Rank of G: " + s.spectrum().rank());
        busy.setText(s.busy() ? "walking…" : "ready");
        facts.setText(src.facts());
    }
}
