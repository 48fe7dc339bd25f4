package org.leafwalk.ui;

import java.nio.file.Path;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.analysis.Match;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.failure.Errors;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.LatestValue;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.WalkAlgorithm;

/**
 * The main window, as a composition root: it makes the views (input, sliders, output bars, spectrum, drift, the
 * analyses, settings, the trajectory and status bars), builds the menus, the toolbar and the shortcuts from one
 * table of {@link Actions}, and hands each snapshot to the {@link RenderScheduler}. It only posts requests to the
 * {@link Exploration} (in this process or on a server); the JavaFX thread never waits for the model, and at most
 * one redraw is pending.
 */
final class MainWindow {
    private final Stage stage;
    private final LeafwalkApp.Options options;
    private final Exploration service;
    private final InputPanel input = new InputPanel(300);
    private final TextPanel textPanel;
    private final RepresentationPanel representation;
    private final TabPane tabs = new TabPane();
    private final VBox leftColumn;
    private MatchWindow matchWindow;
    private final SliderPanel sliders;
    private final OutputBars bars = new OutputBars(200, "Output distribution");
    private final SpectrumPlot spectrum;
    private final DriftPlot drift = new DriftPlot(340, 140);
    private final SettingsPanel settings;
    private final TrajectoryBar trajectory;
    private final StatusBar status = new StatusBar();
    private final javafx.animation.Timeline busyPoll = new javafx.animation.Timeline();
    private final SampleGallery gallery;
    private final RecentModels recent;
    private final FileDialogs dialogs;
    private final SessionPrompt prompt;
    private final Banner banner = new Banner();
    private final NoticeArea notices;
    private final ClassroomView classroom;
    private final RenderScheduler renderer = new RenderScheduler();
    private final Actions actions;
    private final Scene scene;
    private final Parent mainRoot;
    private final ShownState shownState;
    private Path modelDir;

    MainWindow(Stage stage, LeafwalkApp.Options options) {
        this.stage = stage;
        this.options = options;
        LatestValue<Snapshot> updates = new LatestValue<>(Platform::runLater, renderer::render);
        // one core stays with the display where steps are short; where they are long (seconds), the model gets
        // every core and the display the gaps between its work (measured: README, Performance)
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, cores - 1);
        int longThreads = options.computeThreads() > 0 ? options.computeThreads() : cores;
        this.service = options.services().open(options.device(), threads, longThreads, s -> {
            if (s != null) {
                updates.offer(s);
            }
        }, n -> Platform.runLater(() -> notify(n)));
        service.paceWithDisplay(true);
        this.sliders = new SliderPanel(service);
        this.textPanel = new TextPanel(service);
        this.representation = new RepresentationPanel(service);
        service.setAnalysisListener(a -> Platform.runLater(() -> onAnalysis(a)));
        this.spectrum = new SpectrumPlot(340, 170, tau -> applySettings(settings().withTau(tau)));
        this.settings = new SettingsPanel(Settings.DEFAULTS, this::applySettings);
        this.classroom = new ClassroomView(service, 4);
        this.trajectory = new TrajectoryBar(service::scrubTo);
        this.gallery = new SampleGallery(service::openImage, service::openText);
        this.recent = new RecentModels(this::openModel);
        this.dialogs = new FileDialogs(stage);
        this.prompt = new SessionPrompt(stage);
        this.actions = WindowActions.of(this, service, input, dialogs);
        this.leftColumn = WindowLayout.leftColumn(input, textPanel, gallery);
        this.shownState = new ShownState(service, input, textPanel, leftColumn, bars);
        ZeroShotLabels classes = new ZeroShotLabels(service);
        leftColumn.getChildren().add(1, classes); // under the image, for a CLIPModel only

        BorderPane content = new BorderPane();
        content.setTop(new VBox(WindowLayout.menuBar(actions, recent, options.device(), service),
                WindowLayout.toolBar(actions), banner));
        content.setLeft(leftColumn);
        ScrollPane center = new ScrollPane(sliders);
        center.setFitToWidth(true);
        center.getStyleClass().add("center-scroll");
        content.setCenter(center);
        content.setRight(WindowLayout.rightColumn(tabs, bars, spectrum, drift, representation, settings));
        VBox bottom = new VBox(trajectory, status);
        content.setBottom(bottom);
        notices = new NoticeArea(content);
        mainRoot = notices.node();
        scene = new Scene(mainRoot, 1440, 900);
        scene.getStylesheets().add(MainWindow.class.getResource("leafwalk.css").toExternalForm());
        actions.bindKeys(scene, "play", "stop");
        WindowLayout.acceptDrops(scene, this::openModel, this::openSession, service::openImage);
        stage.setTitle("Leafwalk");
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> close());
        // the status says what the worker is doing between states (a long step, an estimate): polled, never awaited
        busyPoll.getKeyFrames().add(new javafx.animation.KeyFrame(javafx.util.Duration.millis(150),
                e -> {
                    status.poll(service.activity());
                    status.connection(service.connection());
                }));
        busyPoll.setCycleCount(javafx.animation.Animation.INDEFINITE);
        busyPoll.play();

        sliders.onHeld(shownState::held);
        renderer.every(shownState::computed).every(classes::show).every(s -> bars.show(shownState.shown())).every(s -> settings.show(s.settings()))
                .every(s -> {
                    if (scene.getRoot() == classroom) {
                        classroom.show(s);
                    }
                })
                .secondary(sliders::show).secondary(spectrum::show, drift::show)
                .whenSecondary(trajectory::show).whenSecondary(status::show)
                .whenSecondary(s -> stage.setTitle("Leafwalk — " + s.source().model() + " — " + s.source().input()))
                .onDrawn(service::drawn)
                .onFirstDrawn(() -> Screenshots.maybeRun(this, options))
                .onFirstDrawn(() -> WindowBenchmark.maybeRun(this, options));
    }

    // ---- what the actions do ----

    void show() {
        // the model opens and takes its first step on the compute thread while the window lays itself out
        Path model = options.model() != null ? options.model() : References.model(References.DEFAULT_MODEL);
        if (options.space() != null && !options.space().equals("pixels")) {
            applySettings(settings().withSpace(Space.parse(options.space())));
        }
        openModelAndInput(model, options.input() == null ? "sample:14" : options.input());
        stage.show();
        if (options.session() != null) {
            openSession(options.session());
        }
    }

    void close() {
        busyPoll.stop();
        service.close();
    }

    /** A window that saves pictures or figures and quits: a failure to open is its result, not a fallback. */
    private boolean automated() {
        return options.screenshot() != null || options.classroomScreenshot() != null
                || options.matchScreenshot() != null || options.benchmark() != null;
    }

    private void openModelAndInput(Path model, String inputRef) {
        modelDir = model;
        service.open(model, inputRef, !automated());
        recent.remember(model);
        gallery.fill(local(model));
    }

    /** The folder the gallery's samples come from: a server's catalogue name stands for the shipped model here. */
    private static Path local(Path model) {
        if (model.getNameCount() == 1 && !java.nio.file.Files.exists(model)) {
            try {
                return References.model(model.toString());
            } catch (RuntimeException e) {
                return model;
            }
        }
        return model;
    }

    void openModel(Path dir) {
        modelDir = dir;
        service.openModel(dir);
        recent.remember(dir);
        gallery.fill(local(dir));
    }

    /**
     * Opens a session; when its model's weights changed, the user is asked whether to recompute the recorded
     * outputs, while the worker goes on: nothing waits for the answer.
     */
    void openSession(Path file) {
        service.openSession(file, prompt::ask);
    }

    Settings settings() {
        return settings.settings();
    }

    private void applySettings(Settings s) {
        settings.show(s);
        sliders.setRange(s.space() == Space.PIXELS ? 4 : 8);
        service.applySettings(s);
    }

    void play(WalkAlgorithm a) {
        if (service.isPlaying()) {
            service.pause();
        } else {
            service.play(a);
        }
    }

    void exportTo(ExportKind kind, String what, String pattern) {
        Snapshot current = shownState.current();
        String base = current == null ? "leafwalk" : current.source().input().replaceAll("\\.[A-Za-z]+$", "");
        Path p = dialogs.save(what, pattern, base + "-walk");
        if (p != null) {
            service.export(kind, p, Exports.GifOptions.defaults());
        }
    }

    void exportDashboard() {
        Path p = dialogs.save("PNG image", "*.png", "leafwalk-dashboard");
        if (p != null) {
            service.savePicture(p, javafx.embed.swing.SwingFXUtils.fromFXImage(scene.snapshot(null), null));
        }
    }

    /**
     * Opens MiniLM. Its first use unpacks 90 MB from the class path into the cache, so the reference is resolved
     * on a thread of its own, never on the JavaFX thread.
     */
    void openEmbeddedTextModel() {
        Thread t = new Thread(() -> {
            try {
                Path p = References.model("minilm");
                Platform.runLater(() -> openModelAndInput(p, null));
            } catch (RuntimeException e) {
                Platform.runLater(() -> notify(Notice.error("cannot open MiniLM: "
                        + org.leafwalk.explore.failure.Errors.describe(e), e)));
            }
        }, "leafwalk-unpack-minilm");
        t.setDaemon(true);
        t.start();
    }

    void toggleClassroom() {
        if (scene.getRoot() == classroom) {
            scene.setRoot(mainRoot);
            stage.setFullScreen(false);
        } else {
            scene.setRoot(classroom);
            stage.setFullScreenExitHint("");
            stage.setFullScreen(true);
            if (shownState.current() != null) {
                classroom.show(shownState.current());
            }
        }
    }

    boolean inClassroom() {
        return scene.getRoot() == classroom;
    }

    void openMatchWindow() {
        if (matchWindow == null) {
            matchWindow = new MatchWindow(stage, service, MatchWindow.samplesOf(modelDir),
                    MainWindow.class.getResource("leafwalk.css").toExternalForm());
        }
        matchWindow.show();
    }

    /** Brings a tab of the right column forward (Drift, Lipschitz, Layers, Settings). */
    void showTab(String name) {
        for (Tab t : tabs.getTabs()) {
            if (t.getText().equals(name)) {
                tabs.getSelectionModel().select(t);
            }
        }
    }

    // ---- what the service says (JavaFX thread) ----

    private void notify(Notice n) {
        if (n.level() == Notice.Level.ERROR && automated() && renderer.firstDrawnMillis() == 0) {
            // nothing was drawn and nothing will be: the picture or figure asked for cannot be made
            notices.log().add(n);
            LeafwalkApp.fail(n.message(), n.bug());
            close();
            Platform.exit();
            return;
        }
        if (n.level() == Notice.Level.BANNER && Notice.RECONNECT.equals(n.action())) {
            // the compute service went away: what is shown stays, and the user may try it again
            notices.log().add(n);
            banner.show(n.message(), n.action(), service::reconnect);
            Snapshot last = current();
            if (last != null) {
                renderer.renderWhole(last); // every panel shows the last state, which no newer one will follow
            }
            status.stopped();
            return;
        }
        if (n.level() == Notice.Level.BANNER) {
            notices.log().add(n);
            banner.show(n.message());
            Path def = References.model(References.DEFAULT_MODEL);
            modelDir = def;
            gallery.fill(def);
            return;
        }
        notices.show(n);
    }

    private void onAnalysis(Analysis a) {
        if (a instanceof Analysis.Match m) {
            if (matchWindow != null) {
                matchWindow.show(m);
            }
        } else {
            representation.show(a);
            showTab(a instanceof Analysis.LipschitzCurves ? "Lipschitz" : "Layers");
        }
    }

    // ---- for screenshots, the benchmark and tests ----

    Exploration service() {
        return service;
    }

    Scene scene() {
        return scene;
    }

    /** When the first walk state was drawn (ms since the epoch), 0 before. */
    long firstDrawnMillis() {
        return renderer.firstDrawnMillis();
    }

    /** How many states have been drawn. */
    long renders() {
        return renderer.renders();
    }

    /** Longest time one snapshot took to draw on the JavaFX thread (diagnostics). */
    long maxRenderNanos() {
        return renderer.maxRenderNanos();
    }

    List<Notice> notices() {
        return notices.log();
    }

    /** How long each preview took to make and draw on the JavaFX thread, in ns (the benchmark reads it). */
    List<Long> previewNanos() {
        return shownState.previewNanos();
    }

    Snapshot current() {
        return shownState.current();
    }

    SliderPanel sliders() {
        return sliders;
    }

    InputPanel input() {
        return input;
    }

    RepresentationPanel representation() {
        return representation;
    }

    MatchWindow matchWindow() {
        return matchWindow;
    }

    TextPanel textPanel() {
        return textPanel;
    }

    Path modelDir() {
        return modelDir;
    }
}
