package org.leafwalk.ui;

import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.leafwalk.explore.service.Snapshot;

/**
 * The input as the model sees it now, with crisp pixels; optionally its difference from the start (diverging heat
 * map) and the original beside it; in embedding space also what of the embedding no image can produce.
 */
final class InputPanel extends VBox {
    static final javafx.css.PseudoClass PREVIEW = javafx.css.PseudoClass.getPseudoClass("preview");
    private final Canvas current;
    private final Canvas original = new Canvas(150, 150);
    private final Canvas residual = new Canvas(150, 150);
    private final Label caption = new Label();
    private final Label originalCaption = new Label("Start");
    private final Label residualCaption = new Label("Residual");
    private final VBox originalBox;
    private final VBox residualBox;
    final ToggleButton difference = new ToggleButton("Difference from start");
    final ToggleButton showOriginal = new ToggleButton("Show original");
    private Snapshot last;

    InputPanel(double size) {
        getStyleClass().add("input-panel");
        current = new Canvas(size, size);
        current.getStyleClass().add("input-canvas");
        Label title = new Label("Input");
        title.getStyleClass().add("panel-title");
        caption.getStyleClass().add("caption");
        caption.setId("input-caption");
        VBox currentBox = new VBox(4, wrap(current), caption);
        originalBox = new VBox(4, wrap(original), originalCaption);
        residualBox = new VBox(4, wrap(residual), residualCaption);
        residualCaption.setWrapText(true);
        residualCaption.setMaxWidth(150);
        // a long class name (ImageNet's) is shortened, and wraps rather than widening the column
        caption.setMaxWidth(300);
        originalCaption.setWrapText(true);
        originalCaption.setMaxWidth(150);
        originalBox.setVisible(false);
        originalBox.managedProperty().bind(originalBox.visibleProperty());
        residualBox.setVisible(false);
        residualBox.managedProperty().bind(residualBox.visibleProperty());
        VBox side = new VBox(10, originalBox, residualBox);
        HBox images = new HBox(12, currentBox, side);
        difference.setId("difference-toggle");
        showOriginal.setId("original-toggle");
        difference.selectedProperty().addListener((o, a, b) -> redraw());
        showOriginal.selectedProperty().addListener((o, a, b) -> redraw());
        HBox toggles = new HBox(8, difference, showOriginal);
        toggles.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(title, images, toggles);
        setSpacing(8);
    }

    private static javafx.scene.layout.StackPane wrap(Canvas c) {
        javafx.scene.layout.StackPane p = new javafx.scene.layout.StackPane(c);
        p.getStyleClass().add("image-frame");
        return p;
    }

    void show(Snapshot s) {
        last = s;
        redraw();
    }

    private void redraw() {
        Snapshot s = last;
        if (s == null) {
            return;
        }
        if (difference.isSelected()) {
            double[] d = new double[s.picture().pixels().length];
            for (int i = 0; i < d.length; i++) {
                d[i] = s.picture().pixels()[i] - s.input().start().pixels()[i];
            }
            Painter.fill(current, Painter.diverging(d, s.picture().channels(), s.picture().size(), 0));
            caption.setText("Now minus start (red: brighter, blue: darker)");
        } else {
            Painter.fill(current, Painter.intensities(s.picture().pixels(), s.picture().channels(), s.picture().size()));
            if (s.preview()) {
                caption.setText(!s.outputs().hasClasses() ? "Preview (first order) from step " + s.walk().step()
                        : String.format("Preview (first order) from step %d: %s (p ≈ %.3f)", s.walk().step(),
                                OutputRows.shortLabel(s.outputs().predictedLabel()),
                                s.outputs().probabilities()[s.outputs().prediction()]));
            } else {
                caption.setText(!s.outputs().hasClasses() ? "Step " + s.walk().step() + " (no classifier)"
                        : String.format("Step %d: %s (p = %.3f)", s.walk().step(),
                                OutputRows.shortLabel(s.outputs().predictedLabel()), s.outputs().probabilities()[s
                                        .outputs().prediction()]));
            }
        }
        pseudoClassStateChanged(PREVIEW, s.preview());
        originalBox.setVisible(showOriginal.isSelected());
        if (showOriginal.isSelected()) {
            Painter.fill(original, Painter.intensities(s.input().start().pixels(), s.picture().channels(), s.picture().size()));
            originalCaption.setText(!s.outputs().hasClasses() ? "Start"
                    : String.format("Start: %s (p = %.3f)", OutputRows.shortLabel(s.outputs().startLabel()),
                            s.outputs().startProbabilities()[s.outputs().startPrediction()]));
        }
        boolean embeddings = s.picture().patchResidual() != null;
        residualBox.setVisible(embeddings);
        if (embeddings) {
            int grid = (int) Math.round(Math.sqrt(s.picture().patchResidual().length));
            Painter.fill(residual, Painter.patches(s.picture().patchResidual(), grid, s.picture().size()));
            residualCaption.setText(String.format("Residual per patch: %.1f%% of the embedding no image can produce",
                    100 * s.picture().relativeResidual()));
        }
    }
}
