package org.leafwalk.ui;

import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.stage.Stage;

/**
 * Asks, when a session's model changed since it was saved, whether to recompute its recorded outputs. The question
 * is shown without blocking anyone: the answer is passed on when the user gives it.
 */
final class SessionPrompt {
    private final Stage owner;

    SessionPrompt(Stage owner) {
        this.owner = owner;
    }

    /** The service's question (any thread): shown on the JavaFX thread, answered through {@code answer}. */
    void ask(Consumer<Boolean> answer) {
        Platform.runLater(() -> {
            Alert alert = new Alert(Alert.AlertType.CONFIRMATION,
                    "The model's weights changed since this session was saved. Recompute the recorded outputs "
                            + "with the current model, or show them as they were recorded?",
                    new ButtonType("Recompute"), new ButtonType("Show as recorded"));
            alert.setHeaderText("The model changed");
            alert.initOwner(owner);
            alert.setOnHidden(e -> answer.accept(alert.getResult() != null
                    && alert.getResult().getText().equals("Recompute")));
            alert.show();
        });
    }
}
