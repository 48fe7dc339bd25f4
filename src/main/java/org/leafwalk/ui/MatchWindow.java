package org.leafwalk.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.analysis.Match;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Readout;

/**
 * Representation matching beside the main window: the source (the walk's current input), the point the match has
 * reached and the target, side by side with the representation distance and the predictions. Two modes: walk to
 * the target's representation, or keep the source's while the pixels approach the target.
 */
final class MatchWindow {
    private final Stage stage = new Stage();
    private final Exploration service;
    private final Canvas source = new Canvas(196, 196);
    private final Canvas current = new Canvas(196, 196);
    private final Canvas target = new Canvas(196, 196);
    private final Label sourceCaption = new Label("Source: the walk's input");
    private final Label currentCaption = new Label("Current");
    private final Label targetCaption = new Label("Target");
    private final Label status = new Label("Pick a target and press Start.");
    private final ComboBox<Path> targets = new ComboBox<>();
    private final RadioButton toTarget = new RadioButton("Walk to the target's representation");
    private final RadioButton keep = new RadioButton("Keep the source's representation, look like the target");
    private final TextField budget = new TextField("100");
    private final TextField stepSize = new TextField("0.5");
    private Analysis.Match last;

    MatchWindow(Window owner, Exploration service, List<Path> samples, String css) {
        this.service = service;
        stage.initOwner(owner);
        stage.setTitle("Leafwalk — representation matching");
        ToggleGroup mode = new ToggleGroup();
        toTarget.setToggleGroup(mode);
        keep.setToggleGroup(mode);
        toTarget.setSelected(true);
        toTarget.setId("match-to-target");
        keep.setId("match-keep");
        targets.getItems().setAll(samples);
        targets.setId("match-target");
        targets.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Path p) {
                return p == null ? "" : p.getFileName().toString();
            }

            @Override
            public Path fromString(String s) {
                return null;
            }
        });
        if (!samples.isEmpty()) {
            targets.getSelectionModel().select(Math.min(2, samples.size() - 1));
        }
        Button file = new Button("Image file…");
        file.setOnAction(e -> {
            FileChooser c = new FileChooser();
            c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.bmp"));
            File f = c.showOpenDialog(stage);
            if (f != null) {
                targets.getItems().add(f.toPath());
                targets.getSelectionModel().select(f.toPath());
            }
        });
        Button start = new Button("▶ Start");
        start.setId("match-start");
        start.setOnAction(e -> start());
        Button stop = new Button("❚❚ Stop");
        stop.setOnAction(e -> service.stopMatch());
        Button adopt = new Button("Walk from the result");
        adopt.setOnAction(e -> service.adoptMatch());
        budget.setPrefColumnCount(4);
        stepSize.setPrefColumnCount(4);
        HBox row1 = new HBox(8, new Label("Target"), targets, file);
        row1.setAlignment(Pos.CENTER_LEFT);
        HBox row2 = new HBox(8, new Label("Steps"), budget, new Label("Pixel step (keep)"), stepSize, start, stop, adopt);
        row2.setAlignment(Pos.CENTER_LEFT);
        HBox images = new HBox(16, column(source, sourceCaption), column(current, currentCaption),
                column(target, targetCaption));
        status.setId("match-status");
        status.setWrapText(true);
        status.setMaxWidth(640);
        status.getStyleClass().add("caption");
        Label title = new Label("Representation matching");
        title.getStyleClass().add("panel-title");
        VBox root = new VBox(10, title, row1, new VBox(4, toTarget, keep), row2, images, status);
        root.setPadding(new Insets(14));
        root.getStyleClass().add("column");
        Scene scene = new Scene(root, 680, 440);
        scene.getStylesheets().add(css);
        stage.setScene(scene);
    }

    private static VBox column(Canvas c, Label caption) {
        caption.getStyleClass().add("caption");
        caption.setWrapText(true);
        caption.setMaxWidth(196);
        javafx.scene.layout.StackPane frame = new javafx.scene.layout.StackPane(c);
        frame.getStyleClass().add("image-frame");
        return new VBox(4, frame, caption);
    }

    private void start() {
        Path t = targets.getValue();
        if (t == null) {
            status.setText("Pick a target image first.");
            return;
        }
        int steps;
        double step;
        try {
            steps = Integer.parseInt(budget.getText().trim());
            step = Double.parseDouble(stepSize.getText().trim());
        } catch (NumberFormatException e) {
            status.setText("Steps must be a whole number and the pixel step a number.");
            return;
        }
        service.startMatch(t, keep.isSelected(), steps, step);
    }

    void show() {
        stage.show();
        stage.toFront();
    }

    Stage stage() {
        return stage;
    }

    Analysis.Match last() {
        return last;
    }

    void show(Analysis.Match m) {
        last = m;
        Painter.fill(source, Painter.intensities(m.source(), m.channels(), m.size()));
        Painter.fill(current, Painter.intensities(m.current(), m.channels(), m.size()));
        Painter.fill(target, Painter.intensities(m.target(), m.channels(), m.size()));
        sourceCaption.setText("Source: " + m.labels().get(m.sourcePrediction()));
        targetCaption.setText("Target: " + m.labels().get(m.targetPrediction()));
        currentCaption.setText(String.format("Step %d: %s (p = %.3f)", m.step(), org.leafwalk.explore.walk.Readout.labelOf(m.labels(), m.prediction()),
                org.leafwalk.explore.walk.Readout.probabilityOf(m.probabilities(), m.prediction())));
        status.setText(m.keep()
                ? String.format("Step %d of %d: the representation drifted %.3g from the source's; pixel distance to "
                        + "the target %.3g.%s", m.step(), m.budget(), m.distance(), m.pixelDistance(),
                        m.done() ? " Stopped: " + m.reason() + "." : "")
                : String.format("Step %d of %d: representation distance %.4g (from %.4g, %.0f× closer); pixel "
                        + "distance to the target %.3g.%s", m.step(), m.budget(), m.distance(), m.initialDistance(),
                        m.distance() > 0 ? m.initialDistance() / m.distance() : 0, m.pixelDistance(),
                        m.done() ? " Stopped: " + m.reason() + "." : ""));
    }

    static List<Path> samplesOf(Path model) {
        try {
            return References.samples(model);
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
