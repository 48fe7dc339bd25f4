package org.leafwalk.ui;

import java.nio.file.Path;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The desktop application. Launched by the command line (no command, or {@code leafwalk ui}); the options are
 * handed over in {@link Options} because JavaFX creates this class itself.
 */
public final class LeafwalkApp extends Application {
    /**
     * @param screenshot when set, the window saves itself here once the first walk has been drawn and the app quits
     * @param classroomScreenshot likewise, for classroom mode
     * @param matchScreenshot likewise, for the representation-matching window after a match to sample 2
     */
    public record Options(Path model, String input, String device, Path screenshot, Path classroomScreenshot,
            int demoSteps, String space, Path matchScreenshot) {
        public Options(Path model, String input, String device, Path screenshot, Path classroomScreenshot,
                int demoSteps, String space) {
            this(model, input, device, screenshot, classroomScreenshot, demoSteps, space, null);
        }
    }

    private static volatile Options options;
    private MainWindow window;

    public static void launch(Options o) {
        options = o;
        Application.launch(LeafwalkApp.class);
    }

    static Options options() {
        return options;
    }

    @Override
    public void start(Stage stage) {
        Options o = options != null ? options : new Options(null, "sample:14", "auto", null, null, 0, "pixels");
        window = new MainWindow(stage, o);
        window.show();
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
        Platform.exit();
    }
}
