package org.leafwalk.ui;

import java.util.Arrays;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.VBox;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.Snapshot;

/**
 * A CLIPModel's classes, one per line, each read as "a photo of a {label}" by the text tower; Apply restarts the
 * walk on the same image under the new prompts. Shown only for such a model.
 */
final class ZeroShotLabels extends VBox {
    private final TextArea labels = new TextArea();
    private List<String> shown;

    ZeroShotLabels(Exploration service) {
        super(6);
        Label title = new Label("Zero-shot classes (one per line, read as \"a photo of a …\")");
        title.getStyleClass().add("panel-title");
        title.setWrapText(true);
        labels.setId("image-zero-shot-labels");
        labels.setPrefRowCount(4);
        labels.setPrefWidth(340);
        Button apply = new Button("Apply classes");
        apply.setId("apply-image-labels");
        apply.setOnAction(e -> service.setZeroShotLabels(Arrays.stream(labels.getText().split("\n"))
                .map(String::strip).filter(l -> !l.isEmpty()).toList()));
        getChildren().addAll(title, labels, apply);
        managedProperty().bind(visibleProperty());
        setVisible(false);
    }

    void show(Snapshot s) {
        boolean on = s.text() == null && s.source().zeroShotImage();
        if (isVisible() != on) {
            setVisible(on);
        }
        if (on && !s.outputs().labels().equals(shown)) {
            shown = s.outputs().labels();
            labels.setText(String.join("\n", shown));
        }
    }
}
