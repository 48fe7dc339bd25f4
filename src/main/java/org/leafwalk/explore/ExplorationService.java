package org.leafwalk.explore;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The compute service: the window's one door to the model. Callers on any thread (the UI thread) only post
 * requests, which never block; a {@link Worker} thread owns the model and every NDArray and runs them against the
 * open {@link Workspace} (model, session, settings), the {@link Analyses}, the {@link Matching} and the exports,
 * then publishes the state as an immutable {@link Snapshot} assembled by {@link Snapshots}. Slider drags and walks
 * are {@link Motion}: latest-wins, one step at a time between requests. Failures arrive as {@link Notice}s and leave
 * the state as it was.
 */
public final class ExplorationService implements AutoCloseable {
    private final Consumer<Snapshot> snapshots;
    private final Consumer<Notice> notices;
    private volatile Consumer<Analysis> analysisListener = a -> { };
    private final Workspace workspace;
    private final Analyses analyses;
    private final Matching matching;
    private final Snapshots assembler = new Snapshots();
    private final Motion motion;
    private final WindowExports exports;
    private final Worker worker;
    private final Walking walking;

    public ExplorationService(String device, Consumer<Snapshot> snapshots, Consumer<Notice> notices) {
        this(device, 0, snapshots, notices);
    }

    /**
     * @param computeThreads intra-op threads for the model (0: the engine's default); a window passes one fewer
     *     than the cores so the JavaFX thread always has one
     */
    public ExplorationService(String device, int computeThreads, Consumer<Snapshot> snapshots,
            Consumer<Notice> notices) {
        this(device, computeThreads, computeThreads, snapshots, notices);
    }

    /**
     * @param computeThreads intra-op threads for the model where steps are short (0: the engine's default)
     * @param longStepThreads the same where an exact step is long ({@link Session#longSteps}, ViT-Base): a window
     *     gives the model every core there, since a step takes seconds and the display then draws previews, which
     *     cost little, between the model's work
     */
    public ExplorationService(String device, int computeThreads, int longStepThreads, Consumer<Snapshot> snapshots,
            Consumer<Notice> notices) {
        this.shortStepThreads = computeThreads;
        this.longStepThreads = longStepThreads;
        this.snapshots = snapshots;
        this.notices = notices;
        this.workspace = new Workspace(device, notices);
        this.analyses = new Analyses(workspace, notices);
        this.matching = new Matching(workspace, analyses, notices);
        this.exports = new WindowExports(workspace, analyses, notices);
        this.motion = new Motion();
        this.walking = new Walking(workspace, motion, matching, assembler, notices, a -> analysisListener.accept(a),
                this::publish, () -> publish(true), this::closing);
        this.worker = new Worker("leafwalk-compute", () -> threadsFor(null), walking, e -> {
            stopMotion();
            notices.accept(Notice.error(Workspace.describe(e), e));
            publish();
        });
        worker.onCancelled(() -> {
            stopMotion();
            notices.accept(Notice.info("Stopped: the last computed state is kept"));
            publish();
        });
    }

    /**
     * Stops what the worker computes (Esc): the drag, walk or match stops, and a step, Jacobian or estimate under
     * way is dropped at its next stage; the last computed state stays. Requests queued after it still run.
     */
    public void cancel() {
        stopMotion();
        worker.computation().cancel();
    }

    /**
     * What the worker is doing now: the stage (forward pass, Jacobian rows done of k, spectrum) and how long the
     * work has taken; null when it is idle (any thread, never waits).
     */
    public Activity activity() {
        if (worker.idle()) {
            return null;
        }
        var c = worker.computation();
        long started = c.startedNanos();
        if (started == 0) { // between two pieces of work
            return new Activity("computing", -1, 0);
        }
        var st = c.stage();
        return new Activity(st == null ? "computing" : st.what() + (st.total() > 0
                ? " " + st.done() + " of " + st.total() : ""), st == null ? -1 : st.fraction(),
                (System.nanoTime() - started) / 1e9);
    }

    /** What the worker is doing: a stage's words, its fraction done (−1: no count), the seconds since it began. */
    public record Activity(String what, double fraction, double seconds) {}

    /**
     * Paces walks to a display: before each walking step the worker waits (at most 25 ms) until the last state it
     * published has been drawn. The window thus gets the CPU to draw every state it is shown, on a machine with few
     * cores, and the walk never runs ahead of what the user sees. The display never waits for the worker.
     */
    public void paceWithDisplay(boolean on) {
        walking.paceWithDisplay(on);
    }

    /** The display drew the snapshot of this version (called from the display's thread). */
    public void drawn(long version) {
        walking.drawn(version);
    }

    private void publish() {
        publish(false);
    }

    private void publish(boolean fresh) {
        snapshots.accept(assembler.assemble(workspace, motion, fresh));
    }

    /** Runs a request on the worker, then publishes the state it left. */
    private void request(Runnable r) {
        worker.post(() -> {
            try {
                r.run();
            } finally {
                threadsFor(workspace.session());
                publish();
            }
        });
    }

    private final int shortStepThreads;
    private final int longStepThreads;
    private int threadsNow = -1; // worker thread only

    /** The model's threads for the session open now (worker thread): every core where steps are long. */
    private void threadsFor(Session s) {
        int want = s != null && s.longSteps() ? longStepThreads : shortStepThreads;
        if (want > 0 && want != threadsNow) {
            Explorer.Offline.limitComputeThreads(want);
            threadsNow = want;
        }
    }

    /** The model's intra-op threads now (0: the engine's default); any thread. */
    public int computeThreads() {
        return Math.max(0, threadsNow);
    }

    private boolean closing() {
        return worker != null && worker.closing();
    }

    private void stopMotion() {
        motion.stop();
        matching.stop();
    }

    // ---- requests (any thread, never blocking) ----

    /**
     * Moves the model to another device (auto, cpu or gpu): the model and the current input are opened again there
     * and the walk restarts; when the device cannot be used the model stays where it was and a notice says why.
     */
    public void setDevice(String choice) {
        request(() -> workspace.setDevice(choice));
    }

    /** Who receives the analyses (Lipschitz curves, per-layer spectra, match progress). */
    public void setAnalysisListener(Consumer<Analysis> listener) {
        analysisListener = listener == null ? a -> { } : listener;
    }

    /** Directional Lipschitz estimates at the current point (image models in float64), published as an analysis. */
    public void estimateLipschitz() {
        worker.post(() -> analyse(analyses.lipschitz()));
    }

    /** The spectrum of G for every layer's [CLS] state at the current point (image models). */
    public void estimateLayerSpectra() {
        worker.post(() -> analyse(analyses.layerSpectra()));
    }

    private void analyse(Analysis a) {
        if (a != null) {
            analysisListener.accept(a);
        }
    }

    /**
     * Starts a representation match from the current input toward a target image: walk to its representation, or
     * ({@code keep}) keep the current representation while the pixels approach it. Runs step by step until done,
     * the budget is spent, or {@link #stopMatch()}.
     */
    public void startMatch(Path target, boolean keep, int budget, double stepSize) {
        worker.post(() -> {
            stopMotion();
            analyse(matching.start(target, keep, budget, stepSize));
        });
    }

    public void stopMatch() {
        matching.stop();
    }

    /** Makes the match's current image the walk's input (the walk restarts there). */
    public void adoptMatch() {
        request(() -> {
            stopMotion();
            matching.adopt();
        });
    }

    public void openModel(Path dir) {
        request(() -> {
            stopMotion();
            workspace.openModel(dir);
        });
    }

    public void openImage(Path file) {
        request(() -> {
            stopMotion();
            workspace.openImage(file);
        });
    }

    /** A sentence for a text model (the explored positions start as every token). */
    public void openText(String sentence) {
        request(() -> {
            stopMotion();
            workspace.openSentence(sentence);
        });
    }

    /** Which token positions the walk moves (empty: every token); restarts the walk. */
    public void selectTokens(int[] positions) {
        request(() -> {
            stopMotion();
            workspace.selectTokens(positions);
        });
    }

    /** The zero-shot label sentences (at least two); restarts the walk. */
    public void setZeroShotLabels(List<String> labels) {
        request(() -> {
            stopMotion();
            workspace.setZeroShotLabels(labels);
        });
    }

    /** Opens a model and an input (resolved against the model, for sample:N) together. */
    public void open(Path modelDir, String inputRef) {
        open(modelDir, inputRef, false);
    }

    /**
     * Opens a model and an input together. When either cannot be opened, what was open stays open; when nothing was
     * ({@code fallBackToDefault}), the shipped default model opens with a banner saying what failed.
     */
    public void open(Path modelDir, String inputRef, boolean fallBackToDefault) {
        request(() -> {
            stopMotion();
            String failure = workspace.open(modelDir, inputRef);
            if (failure != null && workspace.model() == null && fallBackToDefault) {
                Path def = References.model(References.DEFAULT_MODEL);
                if (workspace.open(def, "sample:14") == null) {
                    notices.accept(Notice.banner(failure + ": showing the default model (" + def.getFileName()
                            + ") instead"));
                }
            }
        });
    }

    /** New settings: the walk restarts where they change what is walked, else continues with them. */
    public void applySettings(Settings s) {
        request(() -> {
            if (workspace.apply(s)) {
                stopMotion();
                assembler.restarted();
            }
        });
    }

    /**
     * Moves a slider: walk along its tracked direction until the distance walked since the slider was pressed is
     * {@code target}. Latest wins. Returns the drag's id, which the states published while it is walked name
     * (with the distance walked so far) so a display can preview the way still ahead.
     */
    public long drag(SliderKind kind, int index, double target) {
        long id = motion.drag(kind, index, target);
        worker.wake();
        return id;
    }

    /** Whether the worker is computing or has work queued (any thread, never waits on the model). */
    public boolean busy() {
        return !worker.idle();
    }

    /**
     * The slider is let go: the walk finishes the way to the last target, keeps the point there, and a corrected
     * SiMEC walk settles onto the level set.
     */
    public void release() {
        if (!motion.release()) {
            worker.post(walking::settle);
        }
        worker.wake();
    }

    public void reset() {
        stopMotion();
        request(() -> scrub(0, true));
    }

    public void undo() {
        stopMotion();
        request(() -> {
            if (workspace.isOpen()) {
                scrub(workspace.session().trajectory().cursor() - 1, false);
            }
        });
    }

    public void scrubTo(int step) {
        stopMotion();
        request(() -> scrub(step, false));
    }

    private void scrub(int step, boolean truncate) {
        if (workspace.isOpen()) {
            workspace.session().scrub(step, truncate);
            if (truncate) {
                assembler.restarted();
            }
        }
    }

    public void redrawNullDirections() {
        request(() -> {
            if (workspace.isOpen()) {
                workspace.session().redrawNullDirections();
            }
        });
    }

    public void play(WalkAlgorithm algorithm) {
        matching.stop();
        motion.play(algorithm);
        worker.wake();
    }

    public void pause() {
        motion.pause();
        worker.post(walking::settle);
    }

    public boolean isPlaying() {
        return motion.playing() != null;
    }

    public void stepOnce(WalkAlgorithm algorithm) {
        stopMotion();
        worker.post(() -> {
            if (workspace.isOpen()) {
                walking.step(algorithm, 0, 1, Double.POSITIVE_INFINITY);
            }
        });
    }

    /**
     * Writes the walk (up to the current step) to a file on the compute thread; a notice says where it went or why
     * it could not be written. Nothing recorded is lost either way.
     */
    public void export(ExportKind kind, Path file, Exports.GifOptions gif) {
        worker.post(() -> exports.export(kind, file, gif));
    }

    /** Writes the window's plots into {@code dir} as PNG and SVG, on the compute thread (a notice says where). */
    public void exportPlots(Path dir) {
        worker.post(() -> exports.exportPlots(dir));
    }

    /** Saves a picture the window made (the dashboard) under the same rules as every export. */
    public void savePicture(Path file, java.awt.image.BufferedImage image) {
        worker.post(() -> exports.savePicture(file, image));
    }

    /**
     * Opens a session file: its model (when not already open), its input and settings, and its trajectory at the
     * step it was saved, without recomputing the walk. When the model's weights changed since, {@code ask} is told
     * (on the worker) with the loaded session and a callback for the answer, true to recompute the recorded outputs
     * with the current weights; the worker goes on meanwhile and opens the session when the answer comes.
     */
    public void openSession(Path file, BiConsumer<SessionFiles.Loaded, Consumer<Boolean>> ask) {
        worker.post(() -> {
            SessionFiles.Loaded loaded = workspace.loadSession(file);
            if (loaded != null && !loaded.modelChanged()) {
                openLoaded(file, loaded, false);
            } else if (loaded != null) {
                ask.accept(loaded, yes -> request(() -> openLoaded(file, loaded, Boolean.TRUE.equals(yes))));
            }
        });
    }

    /** Opens a session file; when its model's weights changed, recomputes the outputs or not as {@code recompute}. */
    public void openSession(Path file, boolean recompute) {
        openSession(file, (loaded, answer) -> answer.accept(recompute));
    }

    private void openLoaded(Path file, SessionFiles.Loaded loaded, boolean recompute) {
        stopMotion();
        workspace.openSession(file, loaded, recompute);
        assembler.restarted();
        publish();
    }

    /**
     * Keeps the worker busy until {@code gate} opens, as a very long computation would (a ViT-Base step on a slow
     * machine): for checking that nothing the window does waits for the model. Closing the service opens it.
     */
    public void holdWorkerUntil(CountDownLatch gate) {
        worker.post(() -> worker.hold(gate));
    }

    /** Computations requested but not yet started (requests plus a pending drag target), for tests and status. */
    public int pendingComputations() {
        Motion.Drag d = motion.drag();
        return worker.queued() + (d != null && motion.needsStep(d) ? 1 : 0);
    }

    /** A copy of the recorded trajectory, taken on the worker thread (blocks the caller: not for the UI thread). */
    public List<TrajectoryEntry> trajectory() throws InterruptedException {
        BlockingQueue<List<TrajectoryEntry>> out = new ArrayBlockingQueue<>(1);
        worker.post(() -> out.offer(workspace.isOpen() ? workspace.session().trajectory().recorded() : List.of()));
        return out.take();
    }

    /**
     * Waits until the worker has nothing left to do: every posted request (analyses among them) has run, no drag or
     * walk is moving, no representation match is running, and the decoded sentence is up to date with the walk
     * (tests, command line, screenshots).
     */
    public void awaitIdle(long timeoutMillis) throws InterruptedException {
        worker.awaitIdle(timeoutMillis);
    }

    /** How often a moving walk's decoded sentence is redone (tests stretch it to see the reuse). */
    void setTextViewInterval(java.time.Duration d) { // package-private: for tests
        assembler.setCostlyViewInterval(d);
    }

    /**
     * Stops the worker after what it is doing, and closes the model on the worker: never from another thread while
     * the worker still runs.
     */
    @Override
    public void close() {
        stopMotion();
        worker.close(() -> {
            analyses.close();
            workspace.close();
        }, 5000);
    }
}
