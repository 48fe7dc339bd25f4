package org.leafwalk.ui;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import org.leafwalk.explore.service.Snapshot;

/** The status bar: what is open, where it runs, how fast a step is, the rank of G, and whether a walk runs. */
final class StatusBar extends HBox {
    private final Label model = new Label();
    private final Label device = new Label();
    private final Label latency = new Label();
    private final Label rate = new Label();
    private final Label rank = new Label();
    private final Label busy = new Label();
    private final Label facts = new Label();
    private final javafx.scene.control.ProgressBar progress = new javafx.scene.control.ProgressBar();
    private final Label stage = new Label();
    private final Label server = new Label();

    StatusBar() {
        super(22);
        busy.setId("status-busy");
        rank.setId("status-rank");
        model.setId("status-model");
        facts.setId("status-facts");
        progress.setId("status-progress");
        stage.setId("status-stage");
        server.setId("status-server");
        server.setVisible(false);
        server.setManaged(false);
        progress.setPrefWidth(120);
        progress.setVisible(false);
        progress.setManaged(false);
        stage.setVisible(false);
        stage.setManaged(false);
        getChildren().setAll(server, model, device, latency, rate, rank, busy, progress, stage, facts);
        // when the bar is full (a progress shown), the line of facts gives way first, never the figures
        for (Label l : new Label[] {model, device, latency, rate, rank, busy, stage}) {
            l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        progress.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        facts.setMinWidth(0);
        server.setMinWidth(0); // a long server name gives way (ellipsis) before the figures and the window's width
        javafx.scene.layout.HBox.setHgrow(facts, javafx.scene.layout.Priority.SOMETIMES);
        getStyleClass().add("status-bar");
        setPadding(new Insets(4, 12, 4, 12));
    }

    private boolean walking; // what the last state said

    /**
     * What the worker is doing now, polled a few times a second (never waiting on it): while it computes, the bar
     * says so, never "ready"; past 200 ms it shows the stage (forward pass, Jacobian rows done of k, spectrum) with
     * a progress bar, the time taken, and that Esc stops it.
     */
    void poll(org.leafwalk.explore.service.Activity a) {
        boolean longWork = a != null && a.seconds() >= 0.2;
        if (progress.isVisible() != longWork) {
            progress.setVisible(longWork);
            progress.setManaged(longWork);
            stage.setVisible(longWork);
            stage.setManaged(longWork);
        }
        if (a == null) {
            busy.setText(stopped ? "stopped" : walking ? "walking…" : "ready");
            return;
        }
        busy.setText(walking ? "walking…" : "computing…");
        if (longWork) {
            progress.setProgress(a.fraction() < 0 ? javafx.scene.control.ProgressIndicator.INDETERMINATE_PROGRESS
                    : a.fraction());
            stage.setText(String.format(java.util.Locale.ROOT, "%s · %.1f s · Esc stops", a.what(), a.seconds()));
        }
    }

    /** The compute service went away: nothing walks until it is back (the last state stays shown). */
    void stopped() {
        walking = false;
        stopped = true;
        busy.setText("stopped");
    }

    private boolean stopped; // the service went away: until it shows a state again

    /** Where the computing happens (null: in this process): the server, its device, the round trip. */
    void connection(String where) {
        boolean remote = where != null;
        if (server.isVisible() != remote) {
            server.setVisible(remote);
            server.setManaged(remote);
        }
        if (remote && !where.equals(server.getText())) {
            server.setText(where);
            server.setTooltip(new javafx.scene.control.Tooltip(where)); // the whole line where the bar cuts it
        }
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
        stopped = false;
        if (!progress.isVisible()) {
            busy.setText(s.busy() ? "walking…" : "ready");
        }
        facts.setText(src.facts());
    }
}
