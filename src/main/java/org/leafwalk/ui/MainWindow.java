package org.leafwalk.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.leafwalk.explore.Analysis;
import org.leafwalk.explore.ExplorationService;
import org.leafwalk.explore.ExplorationService.ExportKind;
import org.leafwalk.explore.Exports;
import org.leafwalk.explore.LatestValue;
import org.leafwalk.explore.Notice;
import org.leafwalk.explore.References;
import org.leafwalk.explore.Settings;
import org.leafwalk.explore.Snapshot;
import org.leafwalk.explore.Space;
import org.leafwalk.explore.WalkAlgorithm;

/**
 * The main window, as a composition root: it makes the views (input, sliders, output bars, spectrum, drift, the
 * analyses, settings, the trajectory and status bars), builds the menus, the toolbar and the shortcuts from one
 * table of {@link Actions}, and hands each snapshot to the {@link RenderScheduler}. It only posts requests to the
 * {@link ExplorationService}; the JavaFX thread never waits for the model, and at most one redraw is pending.
 */
final class MainWindow {
    private final Stage stage;
    private final LeafwalkApp.Options options;
    private final ExplorationService service;
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
    private final SampleGallery gallery;
    private final RecentModels recent;
    private final FileDialogs dialogs;
    private final SessionPrompt prompt;
    private final Banner banner = new Banner();
    private final NoticeArea notices;
    private final ClassroomView classroom;
    private final RenderScheduler renderer = new RenderScheduler();
    private final Actions actions = new Actions();
    private final Scene scene;
    private final Parent mainRoot;
    private Snapshot current;
    private Path modelDir;

    MainWindow(Stage stage, LeafwalkApp.Options options) {
        this.stage = stage;
        this.options = options;
        LatestValue<Snapshot> updates = new LatestValue<>(Platform::runLater, renderer::render);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        this.service = new ExplorationService(options.device(), threads, s -> {
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
        defineActions();
        this.leftColumn = leftColumn();

        BorderPane content = new BorderPane();
        content.setTop(new VBox(menuBar(), toolBar(), banner));
        content.setLeft(leftColumn);
        ScrollPane center = new ScrollPane(sliders);
        center.setFitToWidth(true);
        center.getStyleClass().add("center-scroll");
        content.setCenter(center);
        content.setRight(rightColumn());
        VBox bottom = new VBox(trajectory, status);
        content.setBottom(bottom);
        notices = new NoticeArea(content);
        mainRoot = notices.node();
        scene = new Scene(mainRoot, 1440, 900);
        scene.getStylesheets().add(MainWindow.class.getResource("leafwalk.css").toExternalForm());
        actions.bindKeys(scene, "play", "leave-classroom");
        installDragAndDrop();
        stage.setTitle("Leafwalk");
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> close());

        renderer.every(this::showInput).every(bars::show).every(s -> settings.show(s.settings()))
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

    /** Every command of the window, once: the menus, the toolbar and the shortcuts are built from this table. */
    private void defineActions() {
        actions.add("open-model", "Open model…", "Shortcut+O", "Open a Hugging Face ViT or BERT folder, or an ONNX "
                        + "BERT export (Ctrl+O)", "Open model", this::chooseModel)
                .add("open-image", "Open image…", "Shortcut+I", "Open a PNG, JPEG or BMP image (Ctrl+I)", "Open image",
                        this::chooseImage)
                .add("open-minilm", "Open the embedded text model (MiniLM)", "Shortcut+T", null, null,
                        this::openEmbeddedTextModel)
                .add("open-session", "Open session…", "Shortcut+Shift+O", null, null, this::chooseSession)
                .add("save-session", "Save session…", "Shortcut+Shift+S", null, null,
                        () -> exportTo(ExportKind.SESSION, "Leafwalk session", "*.leafwalk.json"))
                .add("export-png", "Input as PNG (native and ×10)…", "Shortcut+Shift+P", null, null,
                        () -> exportTo(ExportKind.PNG, "PNG image", "*.png"))
                .add("export-dashboard", "Dashboard as PNG…", "Shortcut+Shift+D", null, null, this::exportDashboard)
                .add("export-gif", "Trajectory as animated GIF…", "Shortcut+Shift+G", null, null,
                        () -> exportTo(ExportKind.GIF, "Animated GIF", "*.gif"))
                .add("export-csv", "Trajectory as CSV…", "Shortcut+Shift+C", null, null,
                        () -> exportTo(ExportKind.CSV, "CSV", "*.csv"))
                .add("export-json", "Trajectory as JSON…", "Shortcut+Shift+J", null, null,
                        () -> exportTo(ExportKind.JSON, "JSON", "*.json"))
                .add("export-lipschitz", "Lipschitz estimates as CSV…", "Shortcut+Shift+K", null, null,
                        () -> exportTo(ExportKind.LIPSCHITZ_CSV, "CSV", "*.csv"))
                .add("quit", "Quit", "Shortcut+Q", null, null, () -> {
                    close();
                    Platform.exit();
                })
                .add("play-simec", "Play SiMEC (keep the prediction)", "Shortcut+E", "Walk automatically along null "
                        + "directions: the prediction stays (Space)", "▶ SiMEC", () -> play(WalkAlgorithm.SIMEC))
                .add("play-simexp", "Play SiMExp (change the prediction)", "Shortcut+X", "Walk automatically along the "
                        + "top eigendirection: the prediction changes fastest", "▶ SiMExp",
                        () -> play(WalkAlgorithm.SIMEXP))
                .add("pause", "Pause", "Shortcut+P", "Stop the walk (Space)", "❚❚ Pause", service::pause)
                .add("step", "Step once", "Shortcut+S", "One step of the algorithm chosen in the settings (Ctrl+S)",
                        "Step", () -> service.stepOnce(settings().algorithm()))
                .add("undo", "Undo step", "Shortcut+Z", "Back one step (Ctrl+Z)", "↶ Undo", service::undo)
                .add("reset", "Reset to start", "Shortcut+R", "Back to the start (Ctrl+R)", "⟲ Reset", service::reset)
                .add("redraw-nulls", "Draw new null directions", "Shortcut+N", null, null,
                        service::redrawNullDirections)
                .add("difference", "Difference from start", "Shortcut+D", null, null, () -> input.difference.fire())
                .add("show-original", "Show original", "Shortcut+G", null, null, () -> input.showOriginal.fire())
                .add("classroom", "Classroom mode", "F11", "Full screen, large type: image, two sliders, output (F11)",
                        "Classroom", this::toggleClassroom)
                .add("match", "Match representations…", "Shortcut+M", null, null, this::openMatchWindow)
                .add("lipschitz", "Estimate Lipschitz ratios here", "Shortcut+L", null, null,
                        service::estimateLipschitz)
                .add("layer-spectra", "Spectrum per layer here", "Shortcut+Shift+L", null, null,
                        service::estimateLayerSpectra)
                .add("play", "Play or pause the algorithm chosen in the settings", "Space", null, null,
                        () -> play(settings().algorithm()))
                .add("leave-classroom", "Leave classroom mode", "Esc", null, null, () -> {
                    if (inClassroom()) {
                        toggleClassroom();
                    }
                });
    }

    private MenuBar menuBar() {
        Menu export = actions.menu("Export", "export-png", "export-dashboard", "export-gif", "export-csv",
                "export-json", "export-lipschitz");
        Menu file = actions.menu("File", "open-model", recent.menu(), "open-image", "open-minilm", "-",
                "open-session", "save-session", export, "-", "quit");
        Menu walk = actions.menu("Walk", "play-simec", "play-simexp", "pause", "step", "undo", "reset",
                "redraw-nulls");
        Menu view = actions.menu("View", "difference", "show-original", "classroom", deviceMenu());
        Menu tools = actions.menu("Tools", "match", "lipschitz", "layer-spectra");
        return new MenuBar(file, walk, view, tools);
    }

    private Menu deviceMenu() {
        Menu m = new Menu("Device");
        ToggleGroup devices = new ToggleGroup();
        for (String d : new String[] {"auto", "cpu", "gpu"}) {
            RadioMenuItem r = new RadioMenuItem(
                    d.equals("auto") ? "Automatic (GPU when there is one)" : d.toUpperCase(java.util.Locale.ROOT));
            r.setToggleGroup(devices);
            r.setSelected(d.equals(options.device() == null ? "auto" : options.device()));
            r.setOnAction(e -> service.setDevice(d));
            m.getItems().add(r);
        }
        return m;
    }

    private ToolBar toolBar() {
        List<Node> items = new java.util.ArrayList<>(actions.buttons("open-model", "open-image"));
        items.add(new Separator());
        items.addAll(actions.buttons("play-simec", "play-simexp", "pause", "step", "undo", "reset"));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        items.add(spacer);
        items.addAll(actions.buttons("classroom"));
        return new ToolBar(items.toArray(Node[]::new));
    }

    private VBox leftColumn() {
        TitledPane samples = new TitledPane("Samples (click to open)", gallery);
        samples.setCollapsible(false);
        input.managedProperty().bind(input.visibleProperty());
        textPanel.managedProperty().bind(textPanel.visibleProperty());
        textPanel.setVisible(false);
        VBox left = new VBox(12, input, samples); // the text panel joins when a sentence first arrives
        left.setPadding(new Insets(12));
        left.getStyleClass().add("column");
        return left;
    }

    private ScrollPane rightColumn() {
        // a tab's content joins the scene when the tab is first shown: fewer nodes for the first CSS pass
        tabs.getTabs().setAll(tab("Drift", drift), tab("Lipschitz", representation.lipschitzView()),
                tab("Layers", representation.layersView()), tab("Settings", settings));
        for (Tab t : tabs.getTabs()) {
            if (!t.getText().equals("Drift")) {
                Node content = t.getContent();
                t.setContent(null);
                t.selectedProperty().addListener((o, was, now) -> {
                    if (now && t.getContent() == null) {
                        t.setContent(content);
                    }
                });
            }
        }
        tabs.setId("right-tabs");
        VBox right = new VBox(14, bars, spectrum, tabs);
        right.setPadding(new Insets(12));
        right.getStyleClass().add("column");
        ScrollPane sp = new ScrollPane(right);
        sp.setFitToWidth(true);
        sp.setPrefWidth(400);
        sp.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        return sp;
    }

    private static Tab tab(String name, Node content) {
        Tab t = new Tab(name, content);
        t.setClosable(false);
        t.setId("tab-" + name.toLowerCase(java.util.Locale.ROOT));
        return t;
    }

    private void installDragAndDrop() {
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            boolean ok = false;
            if (e.getDragboard().hasFiles()) {
                Path p = e.getDragboard().getFiles().get(0).toPath();
                if (Files.isDirectory(p)) {
                    openModel(p);
                } else if (p.getFileName().toString().endsWith(".leafwalk.json")) {
                    openSession(p);
                } else {
                    service.openImage(p);
                }
                ok = true;
            }
            e.setDropCompleted(ok);
            e.consume();
        });
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
        gallery.fill(model);
    }

    void openModel(Path dir) {
        modelDir = dir;
        service.openModel(dir);
        recent.remember(dir);
        gallery.fill(dir);
    }

    /**
     * Opens a session; when its model's weights changed, the user is asked whether to recompute the recorded
     * outputs, while the worker goes on: nothing waits for the answer.
     */
    void openSession(Path file) {
        service.openSession(file, prompt::ask);
    }

    private Settings settings() {
        return settings.settings();
    }

    private void applySettings(Settings s) {
        settings.show(s);
        sliders.setRange(s.space() == Space.PIXELS ? 4 : 8);
        service.applySettings(s);
    }

    private void play(WalkAlgorithm a) {
        if (service.isPlaying()) {
            service.pause();
        } else {
            service.play(a);
        }
    }

    private void chooseModel() {
        Path p = dialogs.modelFolder();
        if (p != null) {
            openModel(p);
        }
    }

    private void chooseImage() {
        Path p = dialogs.image();
        if (p != null) {
            service.openImage(p);
        }
    }

    private void chooseSession() {
        Path p = dialogs.session();
        if (p != null) {
            openSession(p);
        }
    }

    private void exportTo(ExportKind kind, String what, String pattern) {
        String base = current == null ? "leafwalk" : current.source().input().replaceAll("\\.[A-Za-z]+$", "");
        Path p = dialogs.save(what, pattern, base + "-walk");
        if (p != null) {
            service.export(kind, p, Exports.GifOptions.defaults());
        }
    }

    private void exportDashboard() {
        Path p = dialogs.save("PNG image", "*.png", "leafwalk-dashboard");
        if (p != null) {
            service.savePicture(p, javafx.embed.swing.SwingFXUtils.fromFXImage(scene.snapshot(null), null));
        }
    }

    /**
     * Opens MiniLM. Its first use unpacks 90 MB from the class path into the cache, so the reference is resolved
     * on a thread of its own, never on the JavaFX thread.
     */
    private void openEmbeddedTextModel() {
        Thread t = new Thread(() -> {
            try {
                Path p = References.model("minilm");
                Platform.runLater(() -> openModelAndInput(p, null));
            } catch (RuntimeException e) {
                Platform.runLater(() -> notify(Notice.error("cannot open MiniLM: " + e.getMessage())));
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
            if (current != null) {
                classroom.show(current);
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

    /** The input panel for an image, the token strip for a sentence. */
    private void showInput(Snapshot s) {
        current = s;
        boolean text = s.text() != null;
        if (text && !leftColumn.getChildren().contains(textPanel)) {
            leftColumn.getChildren().add(1, textPanel);
        }
        if (input.isVisible() == text) {
            input.setVisible(!text);
            textPanel.setVisible(text);
        }
        if (text) {
            textPanel.show(s);
        } else {
            input.show(s);
        }
    }

    private void notify(Notice n) {
        if (n.level() == Notice.Level.ERROR && automated() && renderer.firstDrawnMillis() == 0) {
            // nothing was drawn and nothing will be: the picture or figure asked for cannot be made
            notices.log().add(n);
            LeafwalkApp.fail(n.message());
            close();
            Platform.exit();
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

    ExplorationService service() {
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

    Snapshot current() {
        return current;
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
