package org.leafwalk.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/** What the user must know about what is shown (an open that failed and another model shown): it stays. */
final class Banner extends HBox {
    private final Label text = new Label();

    Banner() {
        super(12);
        Button dismiss = new Button("Dismiss");
        dismiss.setId("banner-dismiss");
        dismiss.setOnAction(e -> hideBanner());
        text.setWrapText(true);
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        getChildren().setAll(new Label("⚠"), text, dismiss);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(6, 12, 6, 12));
        getStyleClass().add("banner");
        setId("banner");
        hideBanner();
    }

    void show(String message) {
        text.setText(message);
        setVisible(true);
        setManaged(true);
    }

    private void hideBanner() {
        setVisible(false);
        setManaged(false);
    }
}
