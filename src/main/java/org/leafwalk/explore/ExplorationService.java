package org.leafwalk.explore;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.leafwalk.geometry.Algorithm;
import org.leafwalk.geometry.DirectionTracker;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.StepOutcome;
import org.leafwalk.geometry.Walker;
import org.leafwalk.model.EmbeddingDecoding;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;
import org.leafwalk.model.TextDecoding;
import org.leafwalk.model.TextTask;

/**
 * The compute service: one worker thread owns the model and every NDArray and recomputes the metric after every
 * step. Callers on any thread (the UI thread) only post requests, which never block. Slider drags are latest-wins:
 * a new target replaces the pending one, and a walk heading for an old target turns between two steps. Each state
 * is published as an immutable {@link Snapshot}; failures arrive as {@link Notice}s and leave the state as it was.
 */
public final class ExplorationService implements AutoCloseable {
    /** Which group of sliders a drag belongs to. */
    public enum SliderKind {
        /** "Changes the prediction": a tracked eigendirection with a non-zero eigenvalue (SiMExp). */
        EIGEN,
        /** "Keeps the prediction": a tracked null direction (SiMEC). */
        NULL
    }

    /** A slider's target; {@code released}: the hand let go, finish the way to the target, then settle. */
    private record Drag(long id, SliderKind kind, int index, double target, boolean released) {}

    private final Consumer<Snapshot> snapshots;
    private final Consumer<Notice> notices;
    private volatile String device;
    private final int computeThreads;
    private final Thread worker;
    private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> wake = new ArrayBlockingQueue<>(1);
    private final AtomicReference<Drag> drag = new AtomicReference<>();
    private final AtomicLong dragIds = new AtomicLong();
    private final AtomicLong versions = new AtomicLong();
    private volatile Algorithm playing;
    private volatile boolean running = true;
    private volatile boolean paced;
    private volatile Consumer<Analysis> analyses = a -> { };
    private volatile boolean matchRunning;
    private volatile long drawnVersion;

    // owned by the worker thread
    private Explorer explorer;
    private Explorer precise; // a float64 twin of an image model for the analyses, opened on first use
    private MatchRun match; // the representation match under way, or the last one
    private List<org.leafwalk.geometry.Lipschitz.Curve> lastCurves;
    private Path modelPath;
    private Path inputPath;
    private ImageInput image;
    private TextSetup textSetup; // the text input (text models), or null
    private TextTask task; // the sentence under the model, rebuilt on restart
    private Settings settings = Settings.defaults();
    private Walker walker;
    private Readout startReadout;
    private double[] startImage;
    private final List<TrajectoryEntry> trajectory = new ArrayList<>();
    private int cursor;
    private long currentDragId = -1;
    private double walked;
    private long refusedDragId = -1;
    private double lastStepMillis;
    private double stepsPerSecond;
    private long lastStepEnd;
    private double lastDelta;

    public ExplorationService(String device, Consumer<Snapshot> snapshots, Consumer<Notice> notices) {
        this(device, 0, snapshots, notices);
    }

    /**
     * @param computeThreads intra-op threads for the model (0: the engine's default); a window passes one fewer
     *     than the cores so the JavaFX thread always has one
     */
    public ExplorationService(String device, int computeThreads, Consumer<Snapshot> snapshots,
            Consumer<Notice> notices) {
        this.computeThreads = computeThreads;
        this.device = device;
        this.snapshots = snapshots;
        this.notices = notices;
        this.worker = new Thread(this::loop, "leafwalk-compute");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Paces walks to a display: before each walking step the worker waits (at most 25 ms) until the last state it
     * published has been drawn. The window thus gets the CPU to draw every state it is shown, on a machine with few
     * cores, and the walk never runs ahead of what the user sees. The display never waits for the worker.
     */
    public void paceWithDisplay(boolean on) {
        paced = on;
    }

    /** The display drew the snapshot of this version (called from the display's thread). */
    public void drawn(long version) {
        drawnVersion = version;
    }

    private void awaitDrawn() {
        if (!paced) {
            return;
        }
        long end = System.nanoTime() + 25_000_000L;
        while (drawnVersion < versions.get() && System.nanoTime() < end && running) {
            java.util.concurrent.locks.LockSupport.parkNanos(500_000L);
        }
    }

    /**
     * Moves the model to another device (auto, cpu or gpu): the model and the current input are opened again there
     * and the walk restarts; when the device cannot be used the model stays where it was and a notice says why.
     */
    public void setDevice(String choice) {
        post(() -> {
            String old = device;
            try {
                Explorer.Offline.device(choice);
            } catch (RuntimeException e) {
                notices.accept(Notice.error(describe(e)));
                return;
            }
            device = choice;
            if (modelPath != null && !doOpenModel(modelPath)) {
                device = old;
            }
        });
    }

    /** Who receives the analyses (Lipschitz curves, per-layer spectra, match progress). */
    public void setAnalysisListener(Consumer<Analysis> listener) {
        analyses = listener == null ? a -> { } : listener;
    }

    /** Directional Lipschitz estimates at the current point (image models in float64), published as an analysis. */
    public void estimateLipschitz() {
        post(this::doLipschitz);
    }

    /** The spectrum of G for every layer's [CLS] state at the current point (image models). */
    public void estimateLayerSpectra() {
        post(this::doLayerSpectra);
    }

    /**
     * Starts a representation match from the current input toward a target image: walk to its representation, or
     * ({@code keep}) keep the current representation while the pixels approach it. Runs step by step until done,
     * the budget is spent, or {@link #stopMatch()}.
     */
    public void startMatch(Path target, boolean keep, int budget, double stepSize) {
        post(() -> doStartMatch(target, keep, budget, stepSize));
    }

    public void stopMatch() {
        matchRunning = false;
    }

    /** Makes the match's current image the walk's input (the walk restarts there). */
    public void adoptMatch() {
        post(() -> {
            if (match != null && explorer != null && !explorer.isText()) {
                var cfg = explorer.config();
                image = new ImageInput("matched", match.m.current().point().clone(), cfg.numChannels(),
                        cfg.imageSize(), List.of());
                inputPath = Path.of("matched.png");
                restart();
            }
        });
    }

    // ---- requests (any thread, never blocking) ----

    public void openModel(Path dir) {
        post(() -> doOpenModel(dir));
    }

    public void openImage(Path file) {
        post(() -> doOpenImage(file));
    }

    /** A sentence for a text model (the explored positions start as every token). */
    public void openText(String sentence) {
        post(() -> doOpenText(textSetup == null ? TextSetup.of(sentence) : textSetup.withSentence(sentence)));
    }

    /** Which token positions the walk moves (empty: every token); restarts the walk. */
    public void selectTokens(int[] positions) {
        post(() -> {
            if (textSetup != null) {
                doOpenText(textSetup.withSelected(positions));
            }
        });
    }

    /** The zero-shot label sentences (at least two); restarts the walk. */
    public void setZeroShotLabels(List<String> labels) {
        post(() -> {
            TextSetup base = textSetup == null ? TextSetup.of(defaultSentence()) : textSetup;
            doOpenText(base.withLabels(labels));
        });
    }

    /** Opens a model and an input together (the input resolved against the model, for sample:N). */
    public void open(Path modelDir, String inputRef) {
        open(modelDir, inputRef, false);
    }

    /**
     * Opens a model and an input together. When either cannot be opened, what was open stays open; when nothing was
     * ({@code fallBackToDefault}), the shipped default model opens with a banner saying what failed.
     */
    public void open(Path modelDir, String inputRef, boolean fallBackToDefault) {
        post(() -> {
            String failure = doOpen(modelDir, inputRef);
            if (failure != null && explorer == null && fallBackToDefault) {
                Path def = References.model(References.DEFAULT_MODEL);
                if (doOpen(def, "sample:14") == null) {
                    notices.accept(Notice.banner(failure + ": showing the default model ("
                            + def.getFileName() + ") instead"));
                }
            }
            if (failure != null) {
                publish();
            }
        });
    }

    /** Opens model and input, or neither: returns null, or the message of the failure (already noticed). */
    private String doOpen(Path modelDir, String inputRef) {
        Explorer next;
        try {
            next = Explorer.open(modelDir, Explorer.Offline.device(device), DataType.FLOAT32);
        } catch (RuntimeException e) {
            String m = "cannot open model " + modelDir + ": " + describe(e);
            notices.accept(Notice.error(m + still()));
            return m;
        }
        TextSetup setup = null;
        TextTask sentence = null;
        Path file = null;
        ImageInput img = null;
        try {
            if (next.isText()) {
                String text = inputRef == null || inputRef.isBlank() || inputRef.startsWith("sample:")
                        ? defaultSentence(next) : References.text(inputRef);
                setup = textSetup == null ? TextSetup.of(text) : textSetup.withSentence(text);
                sentence = next.textTask(setup, settings.topK());
            } else {
                file = References.input(inputRef, modelDir);
                img = next.loadImage(file);
            }
        } catch (RuntimeException e) {
            next.close();
            String m = "cannot open input " + inputRef + ": " + describe(e);
            notices.accept(Notice.error(m + still()));
            return m;
        }
        adoptModel(modelDir, next, false);
        if (sentence != null) {
            adoptText(setup, sentence);
        } else {
            adoptImage(file, img);
        }
        return null;
    }

    /** What the user keeps after a failed open. */
    private String still() {
        if (explorer == null) {
            return "";
        }
        return " (still showing " + modelPath.getFileName() + (inputPath != null ? ", " + inputPath.getFileName()
                : "") + ")";
    }

    public void applySettings(Settings s) {
        post(() -> doApplySettings(s));
    }

    /**
     * Moves a slider: walk along its tracked direction until the distance walked since the slider was pressed is
     * {@code target}. Latest wins.
     */
    public void drag(SliderKind kind, int index, double target) {
        Drag prev = drag.get();
        long id = prev != null && prev.kind == kind && prev.index == index ? prev.id : dragIds.incrementAndGet();
        drag.set(new Drag(id, kind, index, target, false));
        playing = null;
        wake.offer(Boolean.TRUE);
    }

    /**
     * The slider is let go: the walk finishes the way to the last target, keeps the point there, and a corrected
     * SiMEC walk settles onto the level set.
     */
    public void release() {
        Drag d = drag.updateAndGet(x -> x == null ? null : new Drag(x.id, x.kind, x.index, x.target, true));
        if (d == null) {
            post(this::doSettle);
        }
        wake.offer(Boolean.TRUE);
    }

    public void reset() {
        stopMotion();
        post(() -> doScrub(0, true));
    }

    public void undo() {
        stopMotion();
        post(() -> doScrub(cursor - 1, false));
    }

    public void scrubTo(int step) {
        stopMotion();
        post(() -> doScrub(step, false));
    }

    public void redrawNullDirections() {
        post(() -> {
            if (walker != null) {
                walker.redrawNullDirections();
                publish();
            }
        });
    }

    public void play(Algorithm algorithm) {
        drag.set(null);
        playing = algorithm;
        wake.offer(Boolean.TRUE);
    }

    public void pause() {
        playing = null;
        post(this::doSettle);
    }

    public boolean isPlaying() {
        return playing != null;
    }

    public void stepOnce(Algorithm algorithm) {
        stopMotion();
        post(() -> {
            if (walker != null) {
                safeStep(algorithm, 0, 1, Double.POSITIVE_INFINITY, algorithm == Algorithm.SIMEC ? "null:0" : "eigen:0");
            }
        });
    }

    /** What can be exported from the window. */
    public enum ExportKind {
        /** The last Lipschitz estimates as CSV. */
        LIPSCHITZ_CSV,
        SESSION,
        CSV,
        JSON,
        GIF,
        PNG
    }

    /**
     * Writes the walk (up to the current step) to a file on the compute thread; a notice says where it went or why
     * it could not be written. Nothing recorded is lost either way.
     */
    public void export(ExportKind kind, Path file, Exports.GifOptions gif) {
        post(() -> {
            if (walker == null) {
                notices.accept(Notice.error("nothing to export yet"));
                return;
            }
            if (!safeToWrite(file, kind == ExportKind.PNG ? Exports.scaledPng(file, 10) : null)) {
                return;
            }
            if (kind == ExportKind.LIPSCHITZ_CSV) {
                try {
                    if (lastCurves == null) {
                        notices.accept(Notice.error("estimate the Lipschitz ratios first"));
                        return;
                    }
                    LipschitzExport.writeCsv(file, lastCurves);
                    notices.accept(Notice.info("saved " + file));
                } catch (RuntimeException e) {
                    notices.accept(Notice.error("could not save " + file.getFileName() + ": " + describe(e)));
                }
                return;
            }
            try {
                Recording r = recording();
                switch (kind) {
                    case SESSION -> SessionFiles.save(file, r);
                    case CSV -> TrajectoryExport.writeCsv(file, r);
                    case JSON -> TrajectoryExport.writeJson(file, r);
                    case GIF -> Exports.gif(file, r, drawer(r), gif);
                    case PNG -> Exports.png(file, r, r.cursor(), drawer(r), 10);
                }
                notices.accept(Notice.info("saved " + file));
            } catch (RuntimeException e) {
                notices.accept(Notice.error("could not save " + file.getFileName() + ": " + describe(e)));
            }
        });
    }

    /**
     * The window's files follow the command line's rules: never over the model or the input, never onto what is not
     * a regular file. Says why when not.
     */
    private boolean safeToWrite(Path file, Path alsoWritten) {
        try {
            new org.leafwalk.io.OutputPlan().input("model", modelPath).input("input image", inputPath)
                    .output("the export", file).output("the scaled export", alsoWritten).check();
            return true;
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save " + file.getFileName() + ": " + describe(e)));
            publish();
            return false;
        }
    }

    /** Saves a picture the window made (the dashboard) under the same rules as every export. */
    public void savePicture(Path file, java.awt.image.BufferedImage image) {
        post(() -> {
            if (!safeToWrite(file, null)) {
                return;
            }
            try {
                Exports.savePicture(file, image);
                notices.accept(Notice.info("saved " + file));
            } catch (RuntimeException e) {
                notices.accept(Notice.error("could not save " + file.getFileName() + ": " + describe(e)));
            }
        });
    }

    /**
     * Opens a session file: its model (when not already open), its input and settings, and its trajectory at the
     * step it was saved, without recomputing the walk. When the model's weights changed since, {@code onChanged}
     * decides (on the caller's side) whether to recompute the recorded outputs with the current weights.
     */
    public void openSession(Path file, java.util.function.Predicate<SessionFiles.Loaded> recomputeIfChanged) {
        post(() -> {
            SessionFiles.Loaded loaded;
            try {
                loaded = SessionFiles.load(file);
            } catch (RuntimeException e) {
                notices.accept(Notice.error("cannot open session: " + describe(e)));
                return;
            }
            boolean recompute = loaded.modelChanged() && recomputeIfChanged.test(loaded);
            doOpenSession(file, loaded, recompute);
        });
    }

    /** The float64 twin of the open image model, for estimates whose small differences float32 would round away. */
    private Explorer precise() {
        if (precise == null) {
            precise = Explorer.open(modelPath, Explorer.Offline.device(device), DataType.FLOAT64);
        }
        return precise;
    }

    private void closePrecise() {
        if (precise != null) {
            precise.close();
            precise = null;
        }
    }

    private void doLipschitz() {
        if (walker == null) {
            notices.accept(Notice.error("open an input first"));
            return;
        }
        double[] x = walker.current().point();
        org.leafwalk.geometry.DifferentiableMap f;
        String precision;
        if (task != null) {
            f = explorer.map(task);
            precision = "float32";
        } else {
            f = precise().map(settings.space(), settings.layer());
            precision = "float64";
        }
        var out = org.leafwalk.geometry.Linearization.evaluate(f, x);
        var spec = org.leafwalk.geometry.OutputSpec.choose(settings.metric(), out, f.logitCount(), settings.topK());
        var lin = org.leafwalk.geometry.Linearization.at(f, spec, x, settings.tau());
        lastCurves = org.leafwalk.geometry.Lipschitz.estimate(f, lin, spec, 3, 3, 3, settings.seed(),
                org.leafwalk.geometry.Lipschitz.DEFAULT_EPSILONS);
        analyses.accept(new Analysis.LipschitzCurves(cursor, settings.metric().id(), settings.layer(), precision,
                List.copyOf(lastCurves)));
    }

    private void doLayerSpectra() {
        if (walker == null || task != null) {
            notices.accept(Notice.error(task != null ? "per-layer spectra are for image models"
                    : "open an input first"));
            return;
        }
        double[] x = walker.current().point();
        Explorer p = precise();
        int layers = p.config().numLayers();
        List<Analysis.Layer> out = new ArrayList<>();
        for (int l = 1; l <= layers; l++) {
            var f = p.map(settings.space(), l);
            var y = org.leafwalk.geometry.Linearization.evaluate(f, x);
            var spec = org.leafwalk.geometry.OutputSpec.choose(org.leafwalk.geometry.OutputMetric.REPRESENTATION, y,
                    f.logitCount(), 0);
            var lin = org.leafwalk.geometry.Linearization.at(f, spec, x, settings.tau());
            out.add(new Analysis.Layer(l, lin.spectrum().nonzeroEigenvalues(), lin.spectrum().rank(), x.length));
        }
        analyses.accept(new Analysis.LayerSpectra(cursor, settings.space().id(), List.copyOf(out)));
    }

    /** A representation match in progress: the matcher, its images, and the readouts at its ends. */
    private record MatchRun(org.leafwalk.geometry.RepresentationMatch m, boolean keep, int budget, double[] source,
            double[] target, Readout sourceRead, Readout targetRead) {}

    private void doStartMatch(Path target, boolean keep, int budget, double stepSize) {
        if (explorer == null || image == null || task != null) {
            notices.accept(Notice.error("representation matching works on an image input of an image model"));
            return;
        }
        stopMotion();
        ImageInput t;
        try {
            t = explorer.loadImage(target);
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot open the target: " + describe(e)));
            return;
        }
        Explorer p = precise();
        var f = p.map(InputSpace.PIXELS, settings.layer());
        var box = p.bounds(InputSpace.PIXELS, false);
        double[] src = image.pixels().clone();
        var m = keep ? org.leafwalk.geometry.RepresentationMatch.keepingRepresentation(f, src, t.pixels(), box,
                stepSize) : org.leafwalk.geometry.RepresentationMatch.toRepresentation(f, src, t.pixels(), box);
        match = new MatchRun(m, keep, Math.max(1, budget), src, t.pixels().clone(),
                p.readout(org.leafwalk.geometry.Linearization.evaluate(f, src)),
                p.readout(org.leafwalk.geometry.Linearization.evaluate(f, t.pixels())));
        matchRunning = true;
        publishMatch(m.steps(), m.initialDistance(), false, "");
    }

    private void matchStep() {
        var p = match.m.step(1e-3 * match.m.initialDistance());
        boolean done = p.done() || p.step() >= match.budget;
        if (done) {
            matchRunning = false;
        }
        publishMatch(p.step(), p.distance(), done, p.done() ? p.reason() : done ? "the step budget is spent" : "");
    }

    private void publishMatch(int step, double distance, boolean done, String reason) {
        var cfg = explorer.config();
        double[] x = match.m.current().point();
        Readout r = precise().readout(match.m.current().output());
        analyses.accept(new Analysis.Match(match.keep, step, match.budget, match.source, x.clone(), match.target,
                cfg.numChannels(), cfg.imageSize(), distance, match.m.initialDistance(), distance(x, match.target),
                cfg.labels(), r.probabilities(), r.prediction(), match.sourceRead.prediction(),
                match.targetRead.prediction(), done, reason));
    }

    /** Draws the recorded points: the current text task's decoding, or the image decoder. */
    private Exports.Drawer drawer(Recording r) {
        return task != null ? Exports.textDrawer(task) : Exports.drawer(r, explorer);
    }

    /**
     * Keeps the worker busy until {@code gate} opens, as a very long computation would (a ViT-Base step on a slow
     * machine): for checking that nothing the window does waits for the model. Closing the service opens it.
     */
    public void holdWorkerUntil(java.util.concurrent.CountDownLatch gate) {
        post(() -> {
            try {
                while (running && !gate.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    // re-checks running, so close() is never held up by a gate nobody opens
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Computations requested but not yet started (commands plus a pending drag target), for tests and status. */
    public int pendingComputations() {
        return commands.size() + (drag.get() != null && needsStep(drag.get()) ? 1 : 0);
    }

    /** A copy of the recorded trajectory, taken on the worker thread (blocks the caller: not for the UI thread). */
    public List<TrajectoryEntry> trajectory() throws InterruptedException {
        BlockingQueue<List<TrajectoryEntry>> out = new ArrayBlockingQueue<>(1);
        post(() -> out.offer(recordedSoFar()));
        return out.take();
    }

    /**
     * Waits until the worker has nothing left to do: every posted request (analyses among them) has run, no drag or
     * walk is moving, no representation match is running, and the decoded sentence is up to date with the walk (tests,
     * command line, screenshots).
     */
    public void awaitIdle(long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            BlockingQueue<Boolean> done = new ArrayBlockingQueue<>(1);
            post(() -> done.offer((drag.get() == null || (!drag.get().released && !needsStep(drag.get())))
                    && playing == null && !(matchRunning && match != null) && !(textViewBehind && walker != null)));
            Boolean idle = done.poll(Math.max(1, end - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (idle != null && idle && commands.isEmpty()) {
                return;
            }
            // what is still to do runs ahead of the next check: the worker takes commands first, then motion
            Thread.sleep(5);
        }
        throw new IllegalStateException("the compute service did not become idle in " + timeoutMillis + " ms");
    }

    private void stopMotion() {
        drag.set(null);
        playing = null;
        matchRunning = false;
    }

    private void post(Runnable r) {
        commands.add(r);
        wake.offer(Boolean.TRUE);
    }

    // ---- worker thread ----

    private void loop() {
        if (computeThreads > 0) {
            runGuarded(() -> Explorer.Offline.limitComputeThreads(computeThreads));
        }
        while (running) {
            try {
                Runnable c = commands.poll();
                if (c != null) {
                    runGuarded(c);
                    continue;
                }
                Drag d = drag.get();
                if (d != null && walker != null && needsStep(d)) {
                    awaitDrawn();
                    runGuarded(() -> dragStep(d));
                    continue;
                }
                if (d != null && (d.released || walker == null) && drag.compareAndSet(d, null)) {
                    runGuarded(this::doSettle);
                    continue;
                }
                if (matchRunning && match != null) {
                    runGuarded(this::matchStep);
                    continue;
                }
                Algorithm p = playing;
                if (p != null && walker != null) {
                    awaitDrawn();
                    runGuarded(() -> safeStep(p, 0, 1, Double.POSITIVE_INFINITY,
                            p == Algorithm.SIMEC ? "play:simec" : "play:simexp"));
                    continue;
                }
                if (textViewBehind && walker != null) {
                    // the walk paused with the decoded sentence drawn from an earlier step: bring it up to date
                    runGuarded(() -> publish(true));
                    continue;
                }
                wake.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void runGuarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | OutOfMemoryError e) {
            stopMotion();
            notices.accept(Notice.error(describe(e)));
            publish();
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private boolean needsStep(Drag d) {
        if (d.id == refusedDragId) {
            return false;
        }
        double w = d.id == currentDragId ? walked : 0;
        return Math.abs(d.target - w) > 1e-9;
    }

    private void dragStep(Drag d) {
        if (d.id != currentDragId) {
            currentDragId = d.id;
            walked = 0;
        }
        double remaining = d.target - walked;
        Algorithm a = d.kind == SliderKind.NULL ? Algorithm.SIMEC : Algorithm.SIMEXP;
        String label = (d.kind == SliderKind.NULL ? "null:" : "eigen:") + d.index;
        StepOutcome o = safeStep(a, d.index, Math.signum(remaining), Math.abs(remaining), label);
        if (o == null) {
            refusedDragId = d.id;
        } else {
            walked += Math.signum(remaining) * o.delta();
            if (o.delta() <= 0) {
                refusedDragId = d.id; // nothing can move: do not spin
            }
        }
    }

    /** One step; on failure the walk stops, the state is unchanged and the user is told why. */
    private StepOutcome safeStep(Algorithm a, int slider, double sign, double maxDelta, String label) {
        long t0 = System.nanoTime();
        StepOutcome o;
        try {
            o = walker.step(a, slider, sign, maxDelta);
        } catch (RuntimeException e) {
            stopMotion();
            notices.accept(Notice.error("step refused: " + describe(e)));
            return null;
        }
        long t1 = System.nanoTime();
        lastStepMillis = (t1 - t0) / 1e6;
        double rate = lastStepEnd == 0 ? 0 : 1e9 / (t1 - lastStepEnd);
        stepsPerSecond = lastStepEnd == 0 || t1 - lastStepEnd > 1_000_000_000L ? 1000 / lastStepMillis
                : 0.8 * stepsPerSecond + 0.2 * rate;
        lastStepEnd = t1;
        lastDelta = o.delta();
        record(label, o.delta(), o.state());
        publish();
        return o;
    }

    private void record(String label, double delta, Linearization state) {
        while (trajectory.size() > cursor + 1) {
            trajectory.remove(trajectory.size() - 1);
        }
        Readout r = readout(state.output());
        double[] x = state.point();
        double dist = distance(x, trajectory.get(0).point());
        trajectory.add(new TrajectoryEntry(trajectory.size(), label, delta, x, r.probabilities(), r.prediction(),
                head(state.spectrum().nonzeroEigenvalues(), 10), r.klFrom(startReadout), dist));
        cursor = trajectory.size() - 1;
    }

    /** The walk as recorded so far (up to the current step), for export; runs on the compute thread. */
    Recording recording() {
        List<TrajectoryEntry> upto = recordedSoFar();
        if (task != null) {
            return new Recording(modelPath.toString(), modelPath.toAbsolutePath().toString(),
                    SessionFiles.weightsSha256(modelPath), textSetup.sentence(), new byte[0], settings, task.labels(),
                    0, 0, upto.size() - 1, upto, textSetup);
        }
        var cfg = explorer.config();
        byte[] png = org.leafwalk.io.Images.encodePng(ImageInput.toImage(image.pixels(), cfg.numChannels(),
                cfg.imageSize()));
        return new Recording(modelPath.toString(), modelPath.toAbsolutePath().toString(),
                SessionFiles.weightsSha256(modelPath), inputPath == null ? "input" : inputPath.getFileName().toString(),
                png, settings, cfg.labels(), cfg.numChannels(), cfg.imageSize(), upto.size() - 1, upto);
    }

    /** The trajectory up to the current step (steps undone past it are kept for scrubbing, not recorded). */
    private List<TrajectoryEntry> recordedSoFar() {
        return List.copyOf(trajectory.subList(0, Math.min(trajectory.size(), cursor + 1)));
    }

    private void doOpenSession(Path file, SessionFiles.Loaded loaded, boolean recompute) {
        Recording r = loaded.recording();
        Path model = Path.of(r.modelPath());
        // everything is checked against the session's model before anything the user has is replaced
        boolean sameModel = explorer != null && model.toAbsolutePath().equals(modelPath.toAbsolutePath());
        Explorer next;
        try {
            next = sameModel ? explorer : Explorer.open(model, Explorer.Offline.device(device), DataType.FLOAT32);
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot open session " + file.getFileName() + ": its model: " + describe(e)
                    + still()));
            publish();
            return;
        }
        ImageInput img = null;
        TextTask sentence = null;
        try {
            if (r.isText() != next.isText()) {
                throw new org.leafwalk.io.InvalidInputException("it was recorded on " + (r.isText() ? "a text"
                        : "an image") + " model, and " + model + " is not one");
            }
            if (r.isText()) {
                sentence = next.textTask(r.text(), r.settings().topK());
                SessionFiles.requireFits(r, sentence.inputDimension(), sentence.startPoint(),
                        file.getFileName().toString());
            } else {
                img = ImageInput.fromImage(r.inputName(), org.leafwalk.io.Images.decodePng(r.inputPng()),
                        next.config());
                SessionFiles.requireFits(r, next.startPoint(img, r.settings().space()).length, null,
                        file.getFileName().toString());
            }
        } catch (RuntimeException e) {
            if (sentence != null) {
                sentence.close();
            }
            if (!sameModel) {
                next.close();
            }
            notices.accept(Notice.error("cannot open session " + file.getFileName() + ": " + describe(e) + still()));
            publish();
            return;
        }
        if (!sameModel) {
            adoptModel(model, next, false);
        }
        settings = r.settings();
        if (r.isText()) {
            adoptText(r.text(), sentence);
        } else {
            image = img;
            inputPath = Path.of(r.inputName());
            restart();
        }
        trajectory.clear();
        for (TrajectoryEntry e : r.trajectory()) {
            trajectory.add(recompute ? recomputed(e) : e);
        }
        cursor = r.cursor();
        walker.moveTo(trajectory.get(cursor).point());
        if (loaded.modelChanged()) {
            notices.accept(Notice.info(recompute
                    ? "the model changed since the session was saved: its outputs were recomputed"
                    : "the model changed since the session was saved: the recorded outputs are shown as they were"));
        } else {
            notices.accept(Notice.info("opened session " + file.getFileName() + " at step " + cursor));
        }
        publish();
    }

    private TrajectoryEntry recomputed(TrajectoryEntry e) {
        walker.moveTo(e.point());
        Linearization lin = walker.current();
        Readout r = readout(lin.output());
        return new TrajectoryEntry(e.step(), e.direction(), e.delta(), e.point(), r.probabilities(), r.prediction(),
                head(lin.spectrum().nonzeroEigenvalues(), 10), r.klFrom(startReadout), e.distance());
    }

    private boolean doOpenModel(Path dir) {
        return doOpenModel(dir, true);
    }

    /** @param openInput open the current input (or, on a text model, a default sentence) on the new model */
    private boolean doOpenModel(Path dir, boolean openInput) {
        Explorer next;
        try {
            next = Explorer.open(dir, Explorer.Offline.device(device), DataType.FLOAT32);
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot open model: " + describe(e)
                    + (explorer != null ? " (still using " + modelPath.getFileName() + ")" : "")));
            publish();
            return false;
        }
        adoptModel(dir, next, openInput);
        return true;
    }

    /** Makes an opened model the walk's model, closing the old one. */
    private void adoptModel(Path dir, Explorer next, boolean openInput) {
        Explorer old = explorer;
        explorer = next;
        modelPath = dir;
        walker = null;
        closeTask();
        closePrecise();
        match = null;
        matchRunning = false;
        lastCurves = null;
        if (old != null) {
            old.close();
        }
        if (!openInput) {
            image = null;
            inputPath = null;
        } else if (explorer.isText()) {
            image = null;
            inputPath = null;
            try {
                doOpenText(textSetup != null ? textSetup : TextSetup.of(defaultSentence(explorer)));
            } catch (RuntimeException e) {
                notices.accept(Notice.error("the sentence does not fit the new model: " + describe(e)));
            }
        } else if (inputPath != null) {
            try {
                doOpenImage(inputPath);
            } catch (RuntimeException e) {
                notices.accept(Notice.error("the input does not fit the new model: " + describe(e)));
            }
        }
        notices.accept(Notice.info("opened " + dir.getFileName()));
        if (!explorer.isText()) {
            for (String n : explorer.config().notes()) {
                notices.accept(Notice.info(n));
            }
        }
    }

    private String defaultSentence() {
        return defaultSentence(explorer);
    }

    /** The sentence a text model opens with: one with a [MASK] for a masked-LM model. */
    private static String defaultSentence(Explorer explorer) {
        if (explorer != null && explorer.isText()
                && explorer.textModel().head() == org.leafwalk.model.TextModel.Head.MASKED_LM) {
            return "The capital of France is [MASK].";
        }
        return "I loved this movie, the acting was wonderful!";
    }

    private void closeTask() {
        if (task != null) {
            task.close();
            task = null;
        }
        lastTextView = null;
        textViewBehind = false;
    }

    /** Opens a sentence; on failure the walk stays as it was and the user is told why. */
    private boolean doOpenText(TextSetup setup) {
        if (explorer == null) {
            throw new IllegalStateException("open a model first");
        }
        if (!explorer.isText()) {
            notices.accept(Notice.error("this is an image model: open an image, or a text model for sentences"));
            publish();
            return false;
        }
        TextTask next;
        try {
            next = explorer.textTask(setup, settings.topK());
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot use the sentence: " + describe(e)));
            publish();
            return false;
        }
        adoptText(setup, next);
        return true;
    }

    /** Makes a sentence's task (made by the open model) the walk's, saying what it fell back to. */
    private void adoptText(TextSetup setup, TextTask next) {
        closeTask();
        task = next;
        textSetup = setup;
        settings = settings.withSpace(InputSpace.EMBEDDINGS); // a sentence is walked in its embedding sequence
        for (String n : task.notes()) {
            notices.accept(Notice.info(n));
        }
        restart();
    }

    private void doOpenImage(Path file) {
        if (explorer == null) {
            throw new IllegalStateException("open a model first");
        }
        if (explorer.isText()) {
            notices.accept(Notice.error("this is a text model: type a sentence, or open an image model for images"));
            publish();
            return;
        }
        ImageInput img;
        try {
            img = explorer.loadImage(file);
        } catch (RuntimeException e) {
            notices.accept(Notice.error("cannot open image: " + describe(e)));
            publish();
            return;
        }
        adoptImage(file, img);
    }

    /** Makes a read image the walk's input, saying what was converted to read it. */
    private void adoptImage(Path file, ImageInput img) {
        for (String n : img.notes()) {
            notices.accept(Notice.info(file.getFileName() + ": " + n));
        }
        image = img;
        inputPath = file;
        restart();
    }

    private void doApplySettings(Settings s) {
        s.walkSettings().validate();
        Settings old = settings;
        settings = s;
        if (explorer == null || (image == null && task == null)) {
            return;
        }
        try {
            if (task != null && old.topK() != s.topK()) {
                doOpenText(textSetup); // the masked-LM's candidate tokens depend on k
            } else if (old.space() != s.space() || old.metric() != s.metric() || old.topK() != s.topK()
                    || old.layer() != s.layer()
                    || old.seed() != s.seed() || old.nullDirections() != s.nullDirections()) {
                restart();
            } else {
                double[] here = walker.current().point();
                rebuildWalker(trajectory.get(0).point());
                walker.moveTo(here);
                publish();
            }
        } catch (RuntimeException e) {
            settings = old;
            throw e;
        }
    }

    private void restart() {
        stopMotion();
        double[] start = task != null ? task.startPoint() : explorer.startPoint(image, settings.space());
        rebuildWalker(start);
        startReadout = readout(walker.current().output());
        startImage = task != null ? new double[0] : explorer.asImage(start, settings.space());
        trajectory.clear();
        cursor = 0;
        Linearization s = walker.current();
        trajectory.add(new TrajectoryEntry(0, "start", 0, s.point(), startReadout.probabilities(),
                startReadout.prediction(), head(s.spectrum().nonzeroEigenvalues(), 10), 0, 0));
        lastStepEnd = 0;
        publish();
    }

    private void rebuildWalker(double[] start) {
        walker = task != null ? explorer.walker(task, settings.walkSettings(), start, null)
                : explorer.walker(settings.space(), settings.layer(), settings.walkSettings(), start, false, null);
    }

    /** The output row read with the labels of what is explored. */
    private Readout readout(double[] output) {
        return task != null ? Readout.of(output, task.labels()) : explorer.readout(output);
    }

    private List<String> labels() {
        return task != null ? task.labels() : explorer.config().labels();
    }

    private void doScrub(int step, boolean truncate) {
        if (walker == null || trajectory.isEmpty()) {
            return;
        }
        int target = Math.max(0, Math.min(step, trajectory.size() - 1));
        if (target == 0 && truncate) {
            restart();
            return;
        }
        walker.moveTo(trajectory.get(target).point());
        cursor = target;
        publish();
    }

    private void doSettle() {
        if (walker == null) {
            return;
        }
        Linearization before = walker.current();
        Linearization after = walker.settle();
        if (after != before) {
            record("settle", 0, after);
        }
        walker.resortEigendirections();
        publish();
    }

    private void publish() {
        publish(false);
    }

    /**
     * Sends the current state to the window. In text mode the decoded sentence costs a nearest-token search over the
     * vocabulary and a forward pass (16 ms with 2 of 20 tokens selected, 70–85 ms with all 20 on this machine's CPU);
     * while a walk moves it is redone at most every 250 ms, the same way the window
     * redraws its secondary panels, and the worker brings it up to date as soon as the walk rests.
     */
    private void publish(boolean freshText) {
        if (explorer == null || walker == null) {
            snapshots.accept(null);
            return;
        }
        Linearization lin = walker.current();
        Readout r = readout(lin.output());
        InputSpace space = task != null ? InputSpace.EMBEDDINGS : settings.space();
        double[] point = lin.point();
        double[] img;
        double[] residual = null;
        double relResidual = 0;
        TextView textView = null;
        if (task != null) {
            boolean moving = playing != null || drag.get() != null;
            long now = System.nanoTime();
            if (!freshText && moving && lastTextView != null && now - lastTextViewNanos < textViewIntervalNanos) {
                textView = lastTextView;
                textViewBehind = true;
            } else {
                textView = textView(point);
                lastTextView = textView;
                lastTextViewNanos = now;
                textViewBehind = false;
            }
            img = new double[0];
        } else if (space == InputSpace.EMBEDDINGS) {
            EmbeddingDecoding dec = explorer.decode(point);
            img = dec.image();
            residual = dec.patchResidual();
            relResidual = dec.relativeResidual();
        } else {
            img = point;
        }
        DirectionTracker t = walker.tracker();
        double[][] eigenThumbs = new double[t.eigendirectionCount()][];
        double[] sliderEigen = new double[t.eigendirectionCount()];
        for (int i = 0; i < t.eigendirectionCount(); i++) {
            double[] v = t.eigendirection(i);
            eigenThumbs[i] = v == null ? new double[task != null ? task.input().length() : img.length]
                    : thumb(v, space);
            sliderEigen[i] = t.trackedEigenvalue(i);
        }
        double[][] nullThumbs = new double[t.nullCount()][];
        for (int i = 0; i < t.nullCount(); i++) {
            nullThumbs[i] = thumb(t.nullDirection(i), space);
        }
        int upto = Math.min(trajectory.size(), cursor + 1);
        double[] dd = new double[upto];
        double[] dk = new double[upto];
        for (int i = 0; i < upto; i++) {
            dd[i] = trajectory.get(i).distance();
            dk[i] = trajectory.get(i).kl();
        }
        int channels = task != null ? 0 : explorer.config().numChannels();
        int size = task != null ? 0 : explorer.config().imageSize();
        String input = task != null ? textSetup.sentence() : inputPath == null ? "" : inputPath.getFileName().toString();
        snapshots.accept(new Snapshot(versions.incrementAndGet(), modelPath.getFileName().toString(),
                explorer.deviceName(), input, space.id(), settings.metric().id(), channels, size, point.length, cursor,
                trajectory.size(), img.clone(), startImage.clone(), residual, relResidual, labels(), r.probabilities(),
                startReadout.probabilities(), r.prediction(), startReadout.prediction(),
                lin.spectrum().nonzeroEigenvalues(), lin.spectrum().eigenvalues().clone(), lin.spectrum().rank(),
                settings.tau(), sliderEigen, eigenThumbs, nullThumbs, distance(point, trajectory.get(0).point()),
                r.klFrom(startReadout), lastDelta, lastStepMillis, stepsPerSecond, dd, dk,
                playing != null || drag.get() != null, settings, textView));
    }

    private double[] thumb(double[] direction, InputSpace space) {
        return task != null ? task.tokenEnergy(direction) : explorer.directionAsImage(direction, space);
    }

    private volatile long textViewIntervalNanos = 250_000_000L;
    // worker thread only: the last decoded sentence, when it was made, and whether a later state was sent without it
    private TextView lastTextView;
    private long lastTextViewNanos;
    private boolean textViewBehind;

    /** How often a moving walk's decoded sentence is redone (tests stretch it to see the reuse). */
    void setTextViewInterval(java.time.Duration d) {
        textViewIntervalNanos = d.toNanos();
    }

    private TextView textView(double[] point) {
        TextDecoding dec = task.decode(point);
        Readout again = readout(dec.decodedOutput());
        int t = dec.original().length;
        double[] rel = new double[t];
        for (int i = 0; i < t; i++) {
            rel[i] = dec.residual()[i] / Math.max(dec.norm()[i], 1e-12);
        }
        boolean[] sel = new boolean[t];
        for (int p : task.selected()) {
            sel[p] = true;
        }
        return new TextView(textSetup.sentence(), task.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                List.of(dec.original()), List.of(dec.nearest()), dec.residual(), rel, dec.changed(), sel,
                dec.viaHead() == null ? null : List.of(dec.viaHead()), dec.decodedText(), again.prediction(),
                again.probabilities(), textSetup.labels());
    }

    private static double[] head(double[] a, int n) {
        return Arrays.copyOf(a, Math.min(n, a.length));
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Override
    public void close() {
        running = false;
        stopMotion();
        wake.offer(Boolean.TRUE);
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeTask();
        closePrecise();
        if (explorer != null) {
            explorer.close();
        }
    }
}
