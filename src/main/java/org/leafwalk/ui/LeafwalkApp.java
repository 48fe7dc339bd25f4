package org.leafwalk.ui;

import org.leafwalk.explore.service.Exploration;

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
     * @param benchmark when set, the window measures its start-up and a continuous slider drag, writes the figures
     *     here as JSON and quits
     */
    /** @param computeThreads the model's threads where steps are long (0: every core) */
    /** @param services the compute service: this process's own, or a server's ({@code --connect}) */
    public record Options(Path model, String input, String device, Path screenshot, Path classroomScreenshot,
            double demoSteps, String space, Path matchScreenshot, Path benchmark, Path session, int computeThreads,
            Exploration.Opener services) {
        public Options {
            services = services == null ? Exploration.Opener.local() : services;
        }

        public Options(Path model, String input, String device, Path screenshot, Path classroomScreenshot,
                double demoSteps, String space) {
            this(model, input, device, screenshot, classroomScreenshot, demoSteps, space, null, null, null, 0, null);
        }

        /** The same window on another compute service. */
        public Options withServices(Exploration.Opener s) {
            return new Options(model, input, device, screenshot, classroomScreenshot, demoSteps, space,
                    matchScreenshot, benchmark, session, computeThreads, s);
        }
    }

    private static volatile Options options;
    private MainWindow window;

    public static void launch(Options o) {
        options = o;
        // load the model engine's native library while JavaFX starts its toolkit: the two are independent, and
        // together they are most of the time to a usable window
        Thread warm = new Thread(org.leafwalk.explore.subject.EngineSetup::warmUp, "leafwalk-engine-warm-up");
        warm.setDaemon(true);
        warm.start();
        Application.launch(LeafwalkApp.class);
    }

    private static volatile String failure;
    private static volatile boolean failureIsBug;

    /** Why an automated run (screenshot, benchmark) could not do its work; null when it did. */
    public static String failure() {
        return failure;
    }

    /** Whether the failure is a bug in Leafwalk (its message says where its stack trace was written). */
    public static boolean failureIsBug() {
        return failureIsBug;
    }

    static void fail(String message, boolean bug) {
        failure = message;
        failureIsBug = bug;
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
