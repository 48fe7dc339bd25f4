package org.leafwalk.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.leafwalk.explore.service.Activity;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.Preview;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;

/**
 * One slider per eigendirection, in two groups: those that change the prediction (non-zero eigenvalues, SiMExp)
 * and those that keep it (null directions, SiMEC). Dragging walks; letting go keeps the point and re-centres the
 * slider, whose position always means "distance walked along this direction since it was pressed".
 */
final class SliderPanel extends VBox {
    private final Exploration service;
    private final VBox changes = new VBox(4);
    private final VBox keeps = new VBox(4);
    private final List<Row> eigenRows = new ArrayList<>();
    private final List<Row> nullRows = new ArrayList<>();
    private double range = 4;
    private java.util.function.Consumer<Held> onHeld = h -> { };

    /** The slider a hand holds: which, the drag's id, and the distance it asks for (a preview's input). */
    record Held(SliderKind kind, int index, long dragId, double target) {}

    SliderPanel(Exploration service) {
        this.service = service;
        getStyleClass().add("slider-panel");
        Label t1 = new Label("Changes the prediction");
        t1.getStyleClass().add("panel-title");
        Label s1 = new Label("eigendirections of G with non-zero eigenvalue (SiMExp)");
        s1.getStyleClass().add("subtitle");
        Label t2 = new Label("Keeps the prediction");
        t2.getStyleClass().add("panel-title");
        Label s2 = new Label("null directions of G: the input's equivalence class (SiMEC)");
        s2.getStyleClass().add("subtitle");
        Button redraw = new Button("Draw new null directions");
        redraw.setId("redraw-nulls");
        redraw.setOnAction(e -> service.redrawNullDirections());
        getChildren().addAll(t1, s1, changes, t2, s2, keeps, redraw);
        setSpacing(6);
    }

    /**
     * The first-order preview of held slider {@code h} from state {@code s}, where it helps: where steps are long,
     * or when the step under way has taken more than 100 ms; null otherwise. A step of tens of milliseconds arrives
     * within a few frames, and previewing it too would only redraw the panels twice as often while the model
     * computes (the main window and classroom mode both ask here).
     */
    static Snapshot preview(Exploration service, Snapshot s, Held h) {
        if (s == null || h == null) {
            return null;
        }
        boolean slow = s.timing().longSteps() || s.timing().stepMillis() > 100;
        if (!slow) {
            Activity a = service.activity();
            slow = a != null && a.seconds() > 0.1;
        }
        return slow ? org.leafwalk.explore.service.Preview.of(s, h.kind(), h.index(), h.dragId(), h.target()) : null;
    }

    /** Told on the JavaFX thread whenever a held slider moves, and with null when it is let go. */
    void onHeld(java.util.function.Consumer<Held> listener) {
        onHeld = listener;
    }

    /** Full slider travel, in input-space distance. */
    void setRange(double range) {
        this.range = range;
    }

    double range() {
        return range;
    }

    List<Row> eigenRows() {
        return eigenRows;
    }

    List<Row> nullRows() {
        return nullRows;
    }

    void show(Snapshot s) {
        ensure(eigenRows, changes, s.directions().eigenvalues().length, SliderKind.EIGEN);
        ensure(nullRows, keeps, s.directions().nullPictures().length, SliderKind.NULL);
        for (int i = 0; i < eigenRows.size(); i++) {
            Row r = eigenRows.get(i);
            r.name.setText(String.format("λ = %.3g", s.directions().eigenvalues()[i]));
            Painter.fill(r.thumb, thumb(s, s.directions().eigenPictures()[i]));
        }
        for (int i = 0; i < nullRows.size(); i++) {
            Row r = nullRows.get(i);
            r.name.setText("null " + (i + 1));
            Painter.fill(r.thumb, thumb(s, s.directions().nullPictures()[i]));
        }
    }

    /** A direction's picture: a heat map of its image, or for text how much of it lies in each token. */
    private static javafx.scene.image.WritableImage thumb(Snapshot s, double[] v) {
        return s.text() != null ? Painter.tokenBars(v) : Painter.diverging(v, s.picture().channels(), s.picture().size(), 0);
    }

    private void ensure(List<Row> rows, VBox box, int count, SliderKind kind) {
        while (rows.size() > count) {
            box.getChildren().remove(rows.remove(rows.size() - 1).box);
        }
        while (rows.size() < count) {
            Row r = new Row(kind, rows.size());
            rows.add(r);
            box.getChildren().add(r.box);
        }
    }

    /** One direction: its picture, its name and its slider. */
    final class Row {
        final Canvas thumb = new Canvas(34, 34);
        final Label name = new Label();
        final Slider slider = new Slider(-1, 1, 0);
        final HBox box;
        private boolean recentring;

        Row(SliderKind kind, int index) {
            name.getStyleClass().add("slider-name");
            name.setMinWidth(96);
            slider.setId((kind == SliderKind.EIGEN ? "eigen-slider-" : "null-slider-") + index);
            slider.getStyleClass().add(kind == SliderKind.EIGEN ? "eigen-slider" : "null-slider");
            slider.setBlockIncrement(0.05);
            HBox.setHgrow(slider, Priority.ALWAYS);
            Tooltip.install(slider, new Tooltip(kind == SliderKind.EIGEN
                    ? "Drag to walk along this eigendirection: the prediction changes"
                    : "Drag to walk along this null direction: the prediction stays"));
            slider.valueProperty().addListener((o, a, v) -> {
                if (!recentring) {
                    double target = v.doubleValue() * range;
                    onHeld.accept(new Held(kind, index, service.drag(kind, index, target), target));
                }
            });
            slider.setOnMouseReleased(e -> letGo());
            slider.setOnKeyReleased(e -> letGo());
            javafx.scene.layout.StackPane frame = new javafx.scene.layout.StackPane(thumb);
            frame.getStyleClass().add("thumb-frame");
            box = new HBox(8, frame, name, slider);
            box.setAlignment(Pos.CENTER_LEFT);
            box.getStyleClass().add(kind == SliderKind.EIGEN ? "eigen-row" : "null-row");
        }

        /** The hand lets go (the benchmark calls it as a mouse release would). */
        void letGo() {
            service.release();
            recentring = true;
            slider.setValue(0);
            recentring = false;
            onHeld.accept(null);
        }
    }
}
