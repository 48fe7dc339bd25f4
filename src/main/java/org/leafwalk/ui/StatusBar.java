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

    private boolean walking; // what the last state said
    private long busySince; // when the worker was first seen busy after a state arrived (ns; 0: not busy)

    /**
     * What the worker is doing now, polled a few times a second (never waiting on it): while it computes, the bar
     * says so with the time it has taken, never "ready".
     */
    void poll(boolean workerBusy) {
        if (!workerBusy) {
            busySince = 0;
            busy.setText(walking ? "walking…" : "ready");
            return;
        }
        long now = System.nanoTime();
        if (busySince == 0) {
            busySince = now;
        }
        double seconds = (now - busySince) / 1e9;
        busy.setText(seconds < 0.2 ? (walking ? "walking…" : "computing…")
                : String.format(java.util.Locale.ROOT, "computing… %.1f s", seconds));
    }

    void show(Snapshot s) {
        var src = s.source();
        model.setText("Model: " + src.model() + "   Input: " + src.input() + " (" + src.space().id() + ", "
                + src.metric().id() + ")");
        device.setText("Device: " + src.device());
        latency.setText(String.format("Step latency: %.0f ms", s.timing().stepMillis()));
        rate.setText(String.format("%.1f steps/s", s.timing().stepsPerSecond()));
        rank.setText("Rank of G: " + s.spectrum().rank());
        walking = s.busy();
        busySince = 0; // a state arrived: a computation still running is a new one
        busy.setText(s.busy() ? "walking…" : "ready");
        facts.setText(src.facts());
    }
}
