package org.leafwalk.explore.service;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.session.SessionFiles;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;

/**
 * The compute service: the window's one door to the model. Callers on any thread (the UI thread) only post
 * requests, which never block; a {@link Worker} thread owns the model and every NDArray and runs them against the
 * open {@link Workspace} (model, session, settings), the {@link Analyses}, the {@link Matching} and the exports,
 * then publishes the state as an immutable {@link Snapshot} assembled by {@link Snapshots}. Slider drags and walks
 * are {@link Motion}: latest-wins, one step at a time between requests. Failures arrive as {@link Notice}s and leave
 * the state as it was.
 */
public final class ExplorationService implements Exploration {
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
    private final ComputeThreads threads;

    /** A service whose model keeps the engine's default threads. */
    public ExplorationService(String device, Consumer<Snapshot> snapshots, Consumer<Notice> notices) {
        this(device, 0, 0, snapshots, notices);
    }

    /**
     * @param computeThreads intra-op threads for the model where steps are short (0: the engine's default)
     * @param longStepThreads the same where an exact step is long ({@link Session#longSteps}, ViT-Base: a window
     *     gives the model every core, as the display draws cheap previews between its long steps)
     */
    public ExplorationService(String device, int computeThreads, int longStepThreads, Consumer<Snapshot> snapshots,
            Consumer<Notice> notices) {
        this.threads = new ComputeThreads(computeThreads, longStepThreads);
        this.snapshots = snapshots;
        this.notices = notices;
        this.workspace = new Workspace(device, notices);
        this.analyses = new Analyses(workspace, notices);
        this.matching = new Matching(workspace, analyses, notices);
        this.exports = new WindowExports(workspace, analyses, notices);
        this.motion = new Motion();
        this.walking = new Walking(workspace, motion, matching, assembler, notices, a -> analysisListener.accept(a),
                () -> publish(false), () -> publish(true), this::closing);
        this.worker = new Worker("leafwalk-compute", () -> threads.fit(null), walking, e -> {
            stopMotion();
            notices.accept(Notice.error(Workspace.describe(e), e));
            publish(false);
        });
        worker.onCancelled(() -> {
            stopMotion();
            notices.accept(Notice.info("Stopped: the last computed state is kept"));
            publish(false);
        });
    }

    @Override
    public void cancel() {
        stopMotion();
        worker.computation().cancel();
    }

    @Override
    public Activity activity() {
        return Activity.of(worker);
    }

    @Override
    public void paceWithDisplay(boolean on) {
        walking.paceWithDisplay(on);
    }

    @Override
    public void drawn(long version) {
        walking.drawn(version);
    }

    private void publish(boolean fresh) {
        snapshots.accept(assembler.assemble(workspace, motion, fresh));
    }

    /** A change of what is walked (a model, an input, tokens, labels): the motion stops, then it runs as a request. */
    void change(Consumer<Workspace> c) {
        request(() -> {
            stopMotion();
            c.accept(workspace);
        });
    }

    @Override
    public int computeThreads() {
        return threads.now();
    }

    /** Runs a request on the worker, then publishes the state it left. */
    void request(Runnable r) {
        worker.post(() -> {
            try {
                r.run();
            } finally {
                threads.fit(workspace.session());
                publish(false);
            }
        });
    }

    private boolean closing() {
        return worker != null && worker.closing();
    }

    private void stopMotion() {
        motion.stop();
        matching.stop();
    }

    // ---- requests (any thread, never blocking) ----

    @Override
    public void setDevice(String choice) {
        request(() -> workspace.setDevice(choice));
    }

    @Override
    public void setAnalysisListener(Consumer<Analysis> listener) {
        analysisListener = listener == null ? a -> { } : listener;
    }

    @Override
    public void estimateLipschitz() {
        worker.post(() -> analyse(analyses.lipschitz()));
    }

    @Override
    public void estimateLayerSpectra() {
        worker.post(() -> analyse(analyses.layerSpectra()));
    }

    ServiceParts parts() {
        return new ServiceParts(worker, workspace, matching, exports, this::stopMotion);
    }

    void analyse(Analysis a) {
        if (a != null) {
            analysisListener.accept(a);
        }
    }

    @Override
    public void startMatch(Path target, boolean keep, int budget, double stepSize) {
        worker.post(() -> {
            stopMotion();
            analyse(matching.start(target, keep, budget, stepSize));
        });
    }

    @Override
    public void stopMatch() {
        matching.stop();
    }

    @Override
    public void adoptMatch() {
        request(() -> {
            stopMotion();
            matching.adopt();
        });
    }

    @Override
    public void openModel(Path dir) {
        change(w -> w.openModel(dir));
    }

    @Override
    public void openImage(Path file) {
        change(w -> w.openImage(file));
    }

    @Override
    public void openText(String sentence) {
        change(w -> w.openSentence(sentence));
    }

    @Override
    public void selectTokens(int[] positions) {
        change(w -> w.selectTokens(positions));
    }

    @Override
    public void setZeroShotLabels(List<String> labels) {
        change(w -> w.setZeroShotLabels(labels));
    }

    @Override
    public void open(Path modelDir, String inputRef, boolean fallBackToDefault) {
        open(w -> w.open(modelDir, inputRef), fallBackToDefault);
    }

    /** Opens what {@code opening} opens (null, or the failure's words), else, if asked, the default model. */
    void open(java.util.function.Function<Workspace, String> opening, boolean fallBackToDefault) {
        request(() -> {
            stopMotion();
            String failure = opening.apply(workspace);
            if (failure != null && workspace.model() == null && fallBackToDefault) {
                Path def = References.model(References.DEFAULT_MODEL);
                if (workspace.open(def, "sample:14") == null) {
                    notices.accept(Notice.banner(failure + ": showing the default model (" + def.getFileName()
                            + ") instead"));
                }
            }
        });
    }

    @Override
    public void applySettings(Settings s) {
        request(() -> {
            if (workspace.apply(s)) {
                stopMotion();
                assembler.restarted();
            }
        });
    }

    @Override
    public long drag(SliderKind kind, int index, double target) {
        long id = motion.drag(kind, index, target);
        worker.wake();
        return id;
    }

    @Override
    public boolean busy() {
        return !worker.idle();
    }

    @Override
    public void release() {
        if (!motion.release()) {
            worker.post(walking::settle);
        }
        worker.wake();
    }

    @Override
    public void reset() {
        stopMotion();
        request(() -> walking.scrub(0, true));
    }

    @Override
    public void undo() {
        stopMotion();
        request(() -> {
            if (workspace.isOpen()) {
                walking.scrub(workspace.session().trajectory().cursor() - 1, false);
            }
        });
    }

    @Override
    public void scrubTo(int step) {
        stopMotion();
        request(() -> walking.scrub(step, false));
    }


    @Override
    public void redrawNullDirections() {
        request(() -> {
            if (workspace.isOpen()) {
                workspace.session().redrawNullDirections();
            }
        });
    }

    @Override
    public void play(WalkAlgorithm algorithm) {
        matching.stop();
        motion.play(algorithm);
        worker.wake();
    }

    @Override
    public void pause() {
        motion.pause();
        worker.post(walking::settle);
    }

    @Override
    public boolean isPlaying() {
        return motion.playing() != null;
    }

    @Override
    public void stepOnce(WalkAlgorithm algorithm) {
        stopMotion();
        worker.post(() -> {
            if (workspace.isOpen()) {
                walking.step(algorithm, 0, 1, Double.POSITIVE_INFINITY);
            }
        });
    }

    @Override
    public void export(ExportKind kind, Path file, Exports.GifOptions gif) {
        worker.post(() -> exports.export(kind, file, gif));
    }

    @Override
    public void exportPlots(Path dir) {
        worker.post(() -> exports.exportPlots(dir));
    }

    @Override
    public void savePicture(Path file, java.awt.image.BufferedImage image) {
        worker.post(() -> exports.savePicture(file, image));
    }

    @Override
    public void openSession(Path file, Consumer<Consumer<Boolean>> ask) {
        worker.post(() -> opened(file.getFileName().toString(), workspace.loadSession(file), ask));
    }

    /** A session read (null: it could not be, a notice says why) opens, asking first when its model changed. */
    void opened(String name, SessionFiles.Loaded loaded, Consumer<Consumer<Boolean>> ask) {
        if (loaded != null && !loaded.modelChanged()) {
            openLoaded(name, loaded, false);
        } else if (loaded != null) {
            ask.accept(yes -> request(() -> openLoaded(name, loaded, Boolean.TRUE.equals(yes))));
        }
    }

    private void openLoaded(String name, SessionFiles.Loaded loaded, boolean recompute) {
        stopMotion();
        workspace.openSession(name, loaded, recompute);
        assembler.restarted();
        publish(false);
    }

    @Override
    public void holdWorkerUntil(CountDownLatch gate) {
        worker.post(() -> worker.hold(gate));
    }

    @Override
    public int pendingComputations() {
        Motion.Drag d = motion.drag();
        return worker.queued() + (d != null && motion.needsStep(d) ? 1 : 0);
    }

    @Override
    public List<TrajectoryEntry> trajectory() throws InterruptedException {
        BlockingQueue<List<TrajectoryEntry>> out = new ArrayBlockingQueue<>(1);
        worker.post(() -> out.offer(workspace.isOpen() ? workspace.session().trajectory().recorded() : List.of()));
        return out.take();
    }

    @Override
    public void awaitIdle(long timeoutMillis) throws InterruptedException {
        worker.awaitIdle(timeoutMillis);
    }

    void setTextViewInterval(java.time.Duration d) { // tests stretch how often a moving sentence is decoded again
        assembler.setCostlyViewInterval(d);
    }

    @Override
    public void close() {
        stopMotion();
        worker.close(() -> {
            analyses.close();
            workspace.close();
        }, 5000);
    }
}
