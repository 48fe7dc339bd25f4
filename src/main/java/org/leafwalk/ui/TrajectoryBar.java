package org.leafwalk.ui;

import java.util.function.IntConsumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.leafwalk.explore.service.Snapshot;

/** The trajectory bar: a timeline over the recorded steps; moving it scrubs the walk to a step. */
final class TrajectoryBar extends HBox {
    private final Slider timeline = new Slider(0, 1, 0);
    private final Label label = new Label("step 0 of 0");
    private boolean showing;

    TrajectoryBar(IntConsumer scrubTo) {
        super(10);
        timeline.setId("timeline");
        timeline.setBlockIncrement(1);
        timeline.setMajorTickUnit(1);
        timeline.setSnapToTicks(true);
        HBox.setHgrow(timeline, Priority.ALWAYS);
        timeline.valueProperty().addListener((o, a, v) -> {
            if (!showing) {
                scrubTo.accept((int) Math.round(v.doubleValue()));
            }
        });
        Label title = new Label("Trajectory");
        title.getStyleClass().add("panel-title");
        getChildren().setAll(title, timeline, label);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(6, 12, 6, 12));
    }

    /** Shows where the walk stands without scrubbing it there again. */
    void show(Snapshot s) {
        showing = true;
        timeline.setMax(Math.max(1, s.walk().length() - 1));
        timeline.setValue(s.walk().step());
        showing = false;
        label.setText(String.format("step %d of %d", s.walk().step(), s.walk().length() - 1));
    }
}
