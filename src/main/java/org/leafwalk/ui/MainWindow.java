package org.leafwalk.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.controlsfx.control.NotificationPane;
import org.leafwalk.explore.ExplorationService;
import org.leafwalk.explore.LatestValue;
import org.leafwalk.explore.Notice;
import org.leafwalk.explore.References;
import org.leafwalk.explore.Settings;
import org.leafwalk.explore.Snapshot;
import org.leafwalk.geometry.Algorithm;

/**
 * The main window: input, sliders, output bars, spectrum, drift, timeline, settings and status. It only posts
 * requests to the {@link ExplorationService} and draws the snapshots it publishes; the JavaFX thread never waits for
 * the model, and at most one redraw is pending at a time.
 */
final class MainWindow {
    private static final int RECENT = 8;
    private final Stage stage;
    private final LeafwalkApp.Options options;
    private final ExplorationService service;
    private final NotificationPane notifications;
    private final BorderPane content = new BorderPane();
    private final InputPanel input = new InputPanel(300);
    private final TextPanel textPanel;
    private final RepresentationPanel representation;
    private final javafx.scene.control.TabPane tabs = new javafx.scene.control.TabPane();
    private VBox leftColumn;
    private MatchWindow matchWindow;
    private final SliderPanel sliders;
    private final OutputBars bars = new OutputBars(200, "Output distribution");
    private final SpectrumPlot spectrum;
    private final DriftPlot drift = new DriftPlot(340, 140);
    private final SettingsPanel settings;
    private final Slider timeline = new Slider(0, 1, 0);
    private final Label timelineLabel = new Label("step 0 of 0");
    private final Label statusModel = new Label();
    private final Label statusDevice = new Label();
    private final Label statusLatency = new Label();
    private final Label statusRate = new Label();
    private final Label statusRank = new Label();
    private final Label statusBusy = new Label();
    private final FlowPane gallery = new FlowPane(4, 4);
    private final Menu recentMenu = new Menu("Open recent model");
    private final ClassroomView classroom;
    private final Scene scene;
    private final List<Notice> noticeLog = new ArrayList<>();
    private final PauseTransition noticeTimer = new PauseTransition();
    private Parent mainRoot;
    private boolean scrubbing;
    private boolean firstSnapshot = true;
    private Snapshot current;
    private volatile long firstDrawnMillis;
    private final java.util.concurrent.atomic.AtomicLong renders = new java.util.concurrent.atomic.AtomicLong();
    private long maxRenderNanos;
    private long lastSecondaryDraw;
    private long secondaryTurn;
    /** Diagnostics for tests: how long each render took, in ms (null: not recording). */
    volatile java.util.List<Long> renderLog;
    private Path modelDir;
    private final LatestValue<Snapshot> updates;
    /** What the user must know about what is shown (an open that failed); it stays until dismissed. */
    private final Label bannerText = new Label();
    private final HBox banner = bannerBox();

    MainWindow(Stage stage, LeafwalkApp.Options options) {
        this.stage = stage;
        this.options = options;
        this.updates = new LatestValue<>(Platform::runLater, this::render);
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
        this.settings = new SettingsPanel(Settings.defaults(), this::applySettings);
        this.classroom = new ClassroomView(service, 4);

        banner.getStyleClass().add("banner");
        banner.setId("banner");
        banner.setVisible(false);
        banner.setManaged(false);
        content.setTop(new VBox(menuBar(), toolBar(), banner));
        content.setLeft(leftColumn());
        ScrollPane center = new ScrollPane(sliders);
        center.setFitToWidth(true);
        center.getStyleClass().add("center-scroll");
        content.setCenter(center);
        content.setRight(rightColumn());
        content.setBottom(bottomBar());
        notifications = new NotificationPane(content);
        notifications.setId("notifications");
        notifications.getStyleClass().add(NotificationPane.STYLE_CLASS_DARK);
        mainRoot = notifications;
        scene = new Scene(mainRoot, 1440, 900);
        scene.getStylesheets().add(MainWindow.class.getResource("leafwalk.css").toExternalForm());
        installShortcuts();
        installDragAndDrop();
        stage.setTitle("Leafwalk");
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> close());
    }

    ExplorationService service() {
        return service;
    }

    Scene scene() {
        return scene;
    }

    void show() {
        // the model opens and takes its first step on the compute thread while the window lays itself out
        Path model = options.model() != null ? options.model() : References.model(References.DEFAULT_MODEL);
        if (options.space() != null && !options.space().equals("pixels")) {
            applySettings(settings().withSpace(org.leafwalk.model.InputSpace.parse(options.space())));
        }
        openModelAndInput(model, options.input() == null ? "sample:14" : options.input());
        stage.show();
        if (options.session() != null) {
            openSession(options.session());
        }
    }

    /** A window that saves pictures or figures and quits: a failure to open is its result, not a fallback. */
    private boolean automated() {
        return options.screenshot() != null || options.classroomScreenshot() != null
                || options.matchScreenshot() != null || options.benchmark() != null;
    }

    private HBox bannerBox() {
        Button dismiss = new Button("Dismiss");
        dismiss.setId("banner-dismiss");
        dismiss.setOnAction(e -> {
            banner.setVisible(false);
            banner.setManaged(false);
        });
        bannerText.setWrapText(true);
        bannerText.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(bannerText, javafx.scene.layout.Priority.ALWAYS);
        HBox b = new HBox(12, new Label("⚠"), bannerText, dismiss);
        b.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        b.setPadding(new Insets(6, 12, 6, 12));
        return b;
    }

    private void openModelAndInput(Path model, String inputRef) {
        modelDir = model;
        service.open(model, inputRef, !automated());
        remember(model);
        fillGallery(model);
    }

    void close() {
        service.close();
    }

    // ---- layout ----

    private MenuBar menuBar() {
        Menu file = new Menu("File");
        MenuItem openModel = item("Open model…", "Shortcut+O", this::chooseModel);
        MenuItem openImage = item("Open image…", "Shortcut+I", this::chooseImage);
        MenuItem openMiniLm = item("Open the embedded text model (MiniLM)", "Shortcut+T",
                this::openEmbeddedTextModel);
        MenuItem quit = item("Quit", "Shortcut+Q", () -> {
            close();
            Platform.exit();
        });
        refreshRecent();
        MenuItem openSession = item("Open session…", "Shortcut+Shift+O", this::chooseSession);
        MenuItem saveSession = item("Save session…", "Shortcut+Shift+S",
                () -> exportTo(ExplorationService.ExportKind.SESSION, "Leafwalk session", "*.leafwalk.json"));
        Menu export = new Menu("Export");
        export.getItems().addAll(
                item("Input as PNG (native and ×10)…", "Shortcut+Shift+P",
                        () -> exportTo(ExplorationService.ExportKind.PNG, "PNG image", "*.png")),
                item("Dashboard as PNG…", "Shortcut+Shift+D", this::exportDashboard),
                item("Trajectory as animated GIF…", "Shortcut+Shift+G",
                        () -> exportTo(ExplorationService.ExportKind.GIF, "Animated GIF", "*.gif")),
                item("Trajectory as CSV…", "Shortcut+Shift+C",
                        () -> exportTo(ExplorationService.ExportKind.CSV, "CSV", "*.csv")),
                item("Trajectory as JSON…", "Shortcut+Shift+J",
                        () -> exportTo(ExplorationService.ExportKind.JSON, "JSON", "*.json")),
                item("Lipschitz estimates as CSV…", "Shortcut+Shift+K",
                        () -> exportTo(ExplorationService.ExportKind.LIPSCHITZ_CSV, "CSV", "*.csv")));
        file.getItems().addAll(openModel, recentMenu, openImage, openMiniLm,
                new javafx.scene.control.SeparatorMenuItem(),
                openSession, saveSession, export, new javafx.scene.control.SeparatorMenuItem(), quit);
        Menu walk = new Menu("Walk");
        walk.getItems().addAll(
                item("Play SiMEC (keep the prediction)", "Shortcut+E", () -> play(Algorithm.SIMEC)),
                item("Play SiMExp (change the prediction)", "Shortcut+X", () -> play(Algorithm.SIMEXP)),
                item("Pause", "Shortcut+P", service::pause),
                item("Step once", "Shortcut+S", () -> service.stepOnce(settings().algorithm())),
                item("Undo step", "Shortcut+Z", service::undo),
                item("Reset to start", "Shortcut+R", service::reset),
                item("Draw new null directions", "Shortcut+N", service::redrawNullDirections));
        Menu view = new Menu("View");
        view.getItems().addAll(
                item("Difference from start", "Shortcut+D", () -> input.difference.fire()),
                item("Show original", "Shortcut+G", () -> input.showOriginal.fire()),
                item("Classroom mode", "F11", this::toggleClassroom));
        Menu deviceMenu = new Menu("Device");
        javafx.scene.control.ToggleGroup devices = new javafx.scene.control.ToggleGroup();
        for (String d : new String[] {"auto", "cpu", "gpu"}) {
            javafx.scene.control.RadioMenuItem r = new javafx.scene.control.RadioMenuItem(
                    d.equals("auto") ? "Automatic (GPU when there is one)" : d.toUpperCase(java.util.Locale.ROOT));
            r.setToggleGroup(devices);
            r.setSelected(d.equals(options.device() == null ? "auto" : options.device()));
            r.setOnAction(e -> service.setDevice(d));
            deviceMenu.getItems().add(r);
        }
        view.getItems().add(deviceMenu);
        Menu tools = new Menu("Tools");
        tools.getItems().addAll(
                item("Match representations…", "Shortcut+M", this::openMatchWindow),
                item("Estimate Lipschitz ratios here", "Shortcut+L", service::estimateLipschitz),
                item("Spectrum per layer here", "Shortcut+Shift+L", service::estimateLayerSpectra));
        return new MenuBar(file, walk, view, tools);
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setAccelerator(KeyCombination.keyCombination(accelerator));
        m.setOnAction(e -> action.run());
        return m;
    }

    private ToolBar toolBar() {
        Button openModel = button("Open model", "Open a Hugging Face ViT or BERT folder, or an ONNX BERT export "
                + "(Ctrl+O)", this::chooseModel);
        Button openImage = button("Open image", "Open a PNG, JPEG or BMP image (Ctrl+I)", this::chooseImage);
        Button playSimec = button("▶ SiMEC", "Walk automatically along null directions: the prediction stays (Space)",
                () -> play(Algorithm.SIMEC));
        playSimec.setId("play-simec");
        Button playSimexp = button("▶ SiMExp", "Walk automatically along the top eigendirection: the prediction "
                + "changes fastest", () -> play(Algorithm.SIMEXP));
        playSimexp.setId("play-simexp");
        Button pause = button("❚❚ Pause", "Stop the walk (Space)", service::pause);
        pause.setId("pause");
        Button step = button("Step", "One step of the algorithm chosen in the settings (Ctrl+S)",
                () -> service.stepOnce(settings().algorithm()));
        Button undo = button("↶ Undo", "Back one step (Ctrl+Z)", service::undo);
        Button reset = button("⟲ Reset", "Back to the start (Ctrl+R)", service::reset);
        reset.setId("reset");
        Button room = button("Classroom", "Full screen, large type: image, two sliders, output (F11)",
                this::toggleClassroom);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        return new ToolBar(openModel, openImage, new Separator(), playSimec, playSimexp, pause, step, undo, reset,
                spacer, room);
    }

    private static Button button(String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        b.setFocusTraversable(false);
        return b;
    }

    private VBox leftColumn() {
        TitledPane samples = new TitledPane("Samples (click to open)", gallery);
        samples.setCollapsible(false);
        gallery.setPrefWrapLength(320);
        gallery.setId("gallery");
        input.managedProperty().bind(input.visibleProperty());
        textPanel.managedProperty().bind(textPanel.visibleProperty());
        textPanel.setVisible(false);
        VBox left = new VBox(12, input, samples); // the text panel joins when a sentence first arrives
        leftColumn = left;
        left.setPadding(new Insets(12));
        left.getStyleClass().add("column");
        return left;
    }

    private ScrollPane rightColumn() {
        // a tab's content joins the scene when the tab is first shown: fewer nodes for the first CSS pass
        tabs.getTabs().setAll(tab("Drift", drift), tab("Lipschitz", representation.lipschitzView()),
                tab("Layers", representation.layersView()), tab("Settings", settings));
        for (var t : tabs.getTabs()) {
            if (!t.getText().equals("Drift")) {
                javafx.scene.Node content = t.getContent();
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

    private VBox bottomBar() {
        timeline.setId("timeline");
        timeline.setBlockIncrement(1);
        timeline.setMajorTickUnit(1);
        timeline.setSnapToTicks(true);
        HBox.setHgrow(timeline, Priority.ALWAYS);
        timeline.valueProperty().addListener((o, a, v) -> {
            if (!scrubbing) {
                service.scrubTo((int) Math.round(v.doubleValue()));
            }
        });
        Label tl = new Label("Trajectory");
        tl.getStyleClass().add("panel-title");
        HBox track = new HBox(10, tl, timeline, timelineLabel);
        track.setAlignment(Pos.CENTER_LEFT);
        track.setPadding(new Insets(6, 12, 6, 12));
        statusBusy.setId("status-busy");
        statusRank.setId("status-rank");
        statusModel.setId("status-model");
        HBox status = new HBox(22, statusModel, statusDevice, statusLatency, statusRate, statusRank, statusBusy);
        status.getStyleClass().add("status-bar");
        status.setPadding(new Insets(4, 12, 4, 12));
        return new VBox(track, status);
    }

    // ---- actions ----

    private Settings settings() {
        return settings.settings();
    }

    private void applySettings(Settings s) {
        settings.show(s);
        sliders.setRange(s.space() == org.leafwalk.model.InputSpace.PIXELS ? 4 : 8);
        service.applySettings(s);
    }

    private void play(Algorithm a) {
        if (service.isPlaying()) {
            service.pause();
        } else {
            service.play(a);
        }
    }

    private void chooseModel() {
        DirectoryChooser c = new DirectoryChooser();
        c.setTitle("Open a model folder (ViT or BERT: config.json, model.safetensors; or an ONNX BERT export)");
        File f = c.showDialog(stage);
        if (f != null) {
            openModel(f.toPath());
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

    void openModel(Path dir) {
        modelDir = dir;
        service.openModel(dir);
        remember(dir);
        fillGallery(dir);
    }

    private void chooseImage() {
        FileChooser c = new FileChooser();
        c.setTitle("Open an image");
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.bmp",
                "*.gif"));
        File f = c.showOpenDialog(stage);
        if (f != null) {
            service.openImage(f.toPath());
        }
    }

    private void exportTo(ExplorationService.ExportKind kind, String what, String pattern) {
        FileChooser c = new FileChooser();
        c.setTitle("Save " + what);
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter(what, pattern));
        String base = current == null ? "leafwalk" : current.input().replaceAll("\\.[A-Za-z]+$", "");
        c.setInitialFileName(base + "-walk" + pattern.substring(1));
        File f = c.showSaveDialog(stage);
        if (f != null) {
            service.export(kind, f.toPath(), org.leafwalk.explore.Exports.GifOptions.defaults());
        }
    }

    private void exportDashboard() {
        FileChooser c = new FileChooser();
        c.setTitle("Save the dashboard as PNG");
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
        c.setInitialFileName("leafwalk-dashboard.png");
        File f = c.showSaveDialog(stage);
        if (f == null) {
            return;
        }
        service.savePicture(f.toPath(), javafx.embed.swing.SwingFXUtils.fromFXImage(scene.snapshot(null), null));
    }

    private void chooseSession() {
        FileChooser c = new FileChooser();
        c.setTitle("Open a Leafwalk session");
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Leafwalk session", "*.leafwalk.json", "*.json"));
        File f = c.showOpenDialog(stage);
        if (f != null) {
            openSession(f.toPath());
        }
    }

    /** Opens a session; when its model's weights changed, asks whether to recompute the recorded outputs. */
    void openSession(Path file) {
        service.openSession(file, loaded -> {
            var answer = new java.util.concurrent.CompletableFuture<Boolean>();
            Platform.runLater(() -> {
                var alert = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.CONFIRMATION,
                        "The model's weights changed since this session was saved. Recompute the recorded outputs "
                                + "with the current model, or show them as they were recorded?",
                        new javafx.scene.control.ButtonType("Recompute"),
                        new javafx.scene.control.ButtonType("Show as recorded"));
                alert.setHeaderText("The model changed");
                alert.initOwner(stage);
                answer.complete(alert.showAndWait().map(b -> b.getText().equals("Recompute")).orElse(false));
            });
            try {
                return answer.get();
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                return false;
            }
        });
    }

    private void remember(Path dir) {
        try {
            Preferences p = Preferences.userNodeForPackage(MainWindow.class);
            List<String> list = new ArrayList<>(List.of(p.get("recentModels", "").split("\n")));
            list.removeIf(s -> s.isBlank() || s.equals(dir.toAbsolutePath().toString()));
            list.add(0, dir.toAbsolutePath().toString());
            p.put("recentModels", String.join("\n", list.subList(0, Math.min(RECENT, list.size()))));
        } catch (RuntimeException e) {
            // preferences are a convenience; a read-only home must not stop the app
        }
        refreshRecent();
    }

    private void refreshRecent() {
        recentMenu.getItems().clear();
        try {
            for (String s : Preferences.userNodeForPackage(MainWindow.class).get("recentModels", "").split("\n")) {
                if (!s.isBlank()) {
                    MenuItem m = new MenuItem(s);
                    m.setOnAction(e -> openModel(Path.of(s)));
                    recentMenu.getItems().add(m);
                }
            }
        } catch (RuntimeException e) {
            // see remember()
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private void fillGallery(Path model) {
        gallery.getChildren().clear();
        if (References.isTextModel(model)) {
            for (String sentence : References.sampleSentences()) {
                Button b = new Button(sentence);
                b.getStyleClass().add("sample-sentence");
                b.setWrapText(true);
                b.setMaxWidth(330);
                b.setOnAction(e -> service.openText(sentence));
                b.setFocusTraversable(false);
                gallery.getChildren().add(b);
            }
            return;
        }
        List<Path> samples;
        try {
            samples = References.samples(model);
        } catch (RuntimeException e) {
            gallery.getChildren().add(new Label("no samples for this model"));
            return;
        }
        for (Path p : samples) {
            ImageView v = new ImageView(new Image(p.toUri().toString(), 28, 28, true, false, true));
            v.setFitWidth(28 * 1.4);
            v.setFitHeight(28 * 1.4);
            Button b = new Button(null, v);
            b.getStyleClass().add("sample-button");
            b.setTooltip(new Tooltip(p.getFileName().toString()));
            b.setOnAction(e -> service.openImage(p));
            b.setFocusTraversable(false);
            gallery.getChildren().add(b);
        }
    }

    private void installShortcuts() {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.SPACE), () -> play(settings().algorithm()));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ESCAPE), () -> {
            if (scene.getRoot() == classroom) {
                toggleClassroom();
            }
        });
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

    // ---- rendering (JavaFX thread) ----

    /** When the first walk state was drawn (ms since the epoch), 0 before. */
    long firstDrawnMillis() {
        return firstDrawnMillis;
    }

    /** How many states have been drawn. */
    long renders() {
        return renders.get();
    }

    private void render(Snapshot s) {
        renders.incrementAndGet();
        long t0 = System.nanoTime();
        renderPanels(s);
        service.drawn(s.version());
        long took = System.nanoTime() - t0;
        maxRenderNanos = Math.max(maxRenderNanos, took);
        if (renderLog != null) {
            renderLog.add(took / 1_000_000);
        }
    }

    /** Longest time one snapshot took to draw on the JavaFX thread (diagnostics). */
    long maxRenderNanos() {
        return maxRenderNanos;
    }

    private void renderPanels(Snapshot s) {
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
        bars.show(s);
        // the secondary panels follow a few times a second while a walk runs, and always when it stops: fewer
        // dirty regions per pulse keep the window smooth even with software rendering on a busy machine
        long now = System.nanoTime();
        boolean secondary = !s.busy() || now - lastSecondaryDraw > 300_000_000L;
        if (secondary) {
            lastSecondaryDraw = now;
            // while walking, the sliders and the plots take turns, so no single frame redraws all of them
            boolean turn = secondaryTurn++ % 2 == 0;
            if (!s.busy() || turn) {
                sliders.show(s);
            }
            if (!s.busy() || !turn) {
                spectrum.show(s);
                drift.show(s);
            }
        }
        settings.show(s.settings());
        if (scene.getRoot() == classroom) {
            classroom.show(s);
        }
        if (!secondary) {
            return;
        }
        scrubbing = true;
        timeline.setMax(Math.max(1, s.trajectoryLength() - 1));
        timeline.setValue(s.step());
        scrubbing = false;
        timelineLabel.setText(String.format("step %d of %d", s.step(), s.trajectoryLength() - 1));
        statusModel.setText("Model: " + s.model() + "   Input: " + s.input() + " (" + s.space() + ", " + s.metric()
                + ")");
        statusDevice.setText("Device: " + s.device());
        statusLatency.setText(String.format("Step latency: %.0f ms", s.stepMillis()));
        statusRate.setText(String.format("%.1f steps/s", s.stepsPerSecond()));
        statusRank.setText("Rank of G: " + s.rank());
        statusBusy.setText(s.busy() ? "walking…" : "ready");
        stage.setTitle("Leafwalk — " + s.model() + " — " + s.input());
        if (firstSnapshot) {
            firstSnapshot = false;
            firstDrawnMillis = System.currentTimeMillis();
            Screenshots.maybeRun(this, options);
            WindowBenchmark.maybeRun(this, options);
        }
    }

    private void notify(Notice n) {
        noticeLog.add(n);
        if (n.level() == Notice.Level.ERROR && automated() && firstSnapshot) {
            // nothing was drawn and nothing will be: the picture or figure asked for cannot be made
            LeafwalkApp.fail(n.message());
            close();
            Platform.exit();
            return;
        }
        if (n.level() == Notice.Level.BANNER) {
            bannerText.setText(n.message());
            banner.setVisible(true);
            banner.setManaged(true);
            Path def = References.model(References.DEFAULT_MODEL);
            modelDir = def;
            fillGallery(def);
            return;
        }
        notifications.getStyleClass().removeAll("notice-error", "notice-info");
        notifications.getStyleClass().add(n.level() == Notice.Level.ERROR ? "notice-error" : "notice-info");
        notifications.setText((n.level() == Notice.Level.ERROR ? "⚠ " : "") + n.message());
        if (!notifications.isShowing()) {
            notifications.show();
        }
        noticeTimer.stop();
        noticeTimer.setDuration(Duration.seconds(n.level() == Notice.Level.ERROR ? 8 : 4));
        noticeTimer.setOnFinished(e -> notifications.hide());
        noticeTimer.playFromStart();
    }

    List<Notice> notices() {
        return noticeLog;
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

    void openMatchWindow() {
        if (matchWindow == null) {
            matchWindow = new MatchWindow(stage, service, MatchWindow.samplesOf(modelDir),
                    MainWindow.class.getResource("leafwalk.css").toExternalForm());
        }
        matchWindow.show();
    }

    private static javafx.scene.control.Tab tab(String name, javafx.scene.Node content) {
        javafx.scene.control.Tab t = new javafx.scene.control.Tab(name, content);
        t.setClosable(false);
        t.setId("tab-" + name.toLowerCase(java.util.Locale.ROOT));
        return t;
    }

    /** Brings a tab of the right column forward (Drift, Lipschitz, Layers, Settings). */
    void showTab(String name) {
        for (var t : tabs.getTabs()) {
            if (t.getText().equals(name)) {
                tabs.getSelectionModel().select(t);
            }
        }
    }

    private void onAnalysis(org.leafwalk.explore.Analysis a) {
        if (a instanceof org.leafwalk.explore.Analysis.Match m) {
            if (matchWindow != null) {
                matchWindow.show(m);
            }
        } else {
            representation.show(a);
            showTab(a instanceof org.leafwalk.explore.Analysis.LipschitzCurves ? "Lipschitz" : "Layers");
        }
    }

    TextPanel textPanel() {
        return textPanel;
    }

    Path modelDir() {
        return modelDir;
    }
}
