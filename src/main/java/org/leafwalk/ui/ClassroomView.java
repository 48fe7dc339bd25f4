package org.leafwalk.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.subject.TextView;

/** For a projector: only the image, one pair of sliders and the output bars, in large type. Esc leaves. */
final class ClassroomView extends BorderPane {
    private final Canvas image = new Canvas(420, 420);
    private final Label headline = new Label();
    private final OutputBars bars = new OutputBars(340, "What the model sees");
    private final Exploration service;
    private Snapshot current;
    private SliderPanel.Held held; // the slider a hand holds, for the first-order preview

    ClassroomView(Exploration service, double range) {
        this.service = service;
        getStyleClass().add("classroom");
        headline.getStyleClass().add("classroom-headline");
        VBox left = new VBox(16, headline, image);
        left.setAlignment(Pos.CENTER);
        VBox sliders = new VBox(18,
                sliderBox(SliderKind.EIGEN, "Changes the prediction", "classroom-eigen", range),
                sliderBox(SliderKind.NULL, "Keeps the prediction", "classroom-null", range));
        VBox right = new VBox(30, bars, sliders);
        right.setAlignment(Pos.CENTER_LEFT);
        HBox center = new HBox(60, left, right);
        center.setAlignment(Pos.CENTER);
        setCenter(center);
        Label hint = new Label("Esc: back to the full window");
        hint.getStyleClass().add("classroom-hint");
        setBottom(hint);
        BorderPane.setAlignment(hint, Pos.CENTER);
        setPadding(new Insets(30));
    }

    private VBox sliderBox(SliderKind kind, String title, String id, double range) {
        Label l = new Label(title);
        l.getStyleClass().add("classroom-slider-title");
        Slider s = new Slider(-1, 1, 0);
        s.setId(id);
        s.getStyleClass().add(kind == SliderKind.EIGEN ? "eigen-slider" : "null-slider");
        s.setPrefWidth(420);
        boolean[] recentring = {false};
        s.valueProperty().addListener((o, a, v) -> {
            if (!recentring[0]) {
                double target = v.doubleValue() * range;
                held(new SliderPanel.Held(kind, 0, service.drag(kind, 0, target), target));
            }
        });
        Runnable letGo = () -> {
            service.release();
            recentring[0] = true;
            s.setValue(0);
            recentring[0] = false;
            held(null);
        };
        s.setOnMouseReleased(e -> letGo.run());
        s.setOnKeyReleased(e -> letGo.run());
        return new VBox(6, l, s);
    }

    /** The decoded tokens in large type, changed ones in red, wrapped to the canvas. */
    private void drawTokens(org.leafwalk.explore.subject.TextView t) {
        var g = image.getGraphicsContext2D();
        g.setFont(javafx.scene.text.Font.font("System", javafx.scene.text.FontWeight.BOLD, 30));
        double x = 10;
        double y = 50;
        for (int i = 0; i < t.nearest().size(); i++) {
            String w = t.nearest().get(i);
            double width = 18 * w.length() + 14;
            if (x + width > image.getWidth() - 10 && x > 10) {
                x = 10;
                y += 48;
            }
            g.setFill(t.changed()[i] ? javafx.scene.paint.Color.web("#c0392b") : javafx.scene.paint.Color.web("#1f2933"));
            g.fillText(w, x, y);
            x += width;
        }
    }

    /** A held slider moved (or was let go): the preview from the last computed state, or that state again. */
    private void held(SliderPanel.Held h) {
        held = h;
        if (current != null) {
            Snapshot p = SliderPanel.preview(service, current, h);
            draw(p != null ? p : current);
        }
    }

    void show(Snapshot s) {
        current = s;
        Snapshot p = SliderPanel.preview(service, s, held);
        draw(p != null ? p : s);
    }

    private void draw(Snapshot s) {
        if (s.text() != null) {
            image.getGraphicsContext2D().setFill(javafx.scene.paint.Color.WHITE);
            image.getGraphicsContext2D().fillRect(0, 0, image.getWidth(), image.getHeight());
            drawTokens(s.text());
        } else {
            Painter.fill(image, Painter.intensities(s.picture().pixels(), s.picture().channels(), s.picture().size()));
        }
        if (!s.outputs().hasClasses()) {
            headline.setText("No classifier: the walk follows the representation");
        } else if (s.preview()) {
            headline.setText(String.format("Preview: the model would say %s  (%.0f%%)",
                    OutputRows.shortLabel(s.outputs().predictedLabel()),
                    100 * s.outputs().probabilities()[s.outputs().prediction()]));
        } else {
            headline.setText(String.format("The model says: %s  (%.0f%%)",
                    OutputRows.shortLabel(s.outputs().predictedLabel()),
                    100 * s.outputs().probabilities()[s.outputs().prediction()]));
        }
        bars.show(s);
    }
}
