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
    private final Button action = new Button();

    Banner() {
        super(12);
        Button dismiss = new Button("Dismiss");
        dismiss.setId("banner-dismiss");
        dismiss.setOnAction(e -> hideBanner());
        text.setWrapText(true);
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        action.setId("banner-action");
        action.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // the message wraps, the buttons keep their words
        dismiss.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        getChildren().setAll(new Label("⚠"), text, action, dismiss);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(6, 12, 6, 12));
        getStyleClass().add("banner");
        setId("banner");
        hideBanner();
    }

    void show(String message) {
        show(message, null, null);
    }

    /** Shows {@code message} with a button doing {@code run} (null: none), which hides the banner too. */
    void show(String message, String actionText, Runnable run) {
        text.setText(message);
        action.setVisible(run != null);
        action.setManaged(run != null);
        action.setText(actionText == null ? "" : actionText);
        action.setOnAction(e -> {
            hideBanner();
            if (run != null) {
                run.run();
            }
        });
        setVisible(true);
        setManaged(true);
    }

    private void hideBanner() {
        setVisible(false);
        setManaged(false);
    }
}
