package org.leafwalk.explore.service;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;

/**
 * What the window (and anything that drives it as the window does) asks of exploration, and what it is told:
 * requests posted from any thread, never blocking, answered by {@link Snapshot}s, {@link Notice}s and
 * {@link Analysis} results through the listeners it was made with. {@link ExplorationService} serves it in this
 * process; another implementation may serve it from elsewhere.
 */
public interface Exploration extends AutoCloseable {
    /** Makes the service a window talks to: this process's own, or a client of a server elsewhere. */
    @FunctionalInterface
    interface Opener {
        /** See {@link ExplorationService#ExplorationService(String, int, int, Consumer, Consumer)}. */
        Exploration open(String device, int computeThreads, int longStepThreads, Consumer<Snapshot> snapshots,
                Consumer<Notice> notices);

        /** The service in this process. */
        static Opener local() {
            return ExplorationService::new;
        }
    }

    /**
     * Where the computing happens, for a status bar: null in this process, else the server, its device and the last
     * round trip (any thread, never waits).
     */
    default String connection() {
        return null;
    }

    /**
     * Where the computing happens elsewhere and that place went away (a banner with {@link Notice#RECONNECT} said
     * so): tries it again, and resumes there from the walk kept here (its model, input, settings and every step up
     * to the last one computed); a notice says how it went. Nothing here waits for it. In this process: nothing to do.
     */
    default void reconnect() {}

    /**
     * The models this service offers by name, where it chooses them (a server's catalogue; {@link #openModel}
     * then takes a name as the folder's last part); null where any folder here can be opened (any thread, never
     * waits).
     */
    default List<String> catalogue() {
        return null;
    }

    /**
     * Stops what the worker computes (Esc): the drag, walk or match stops, and a step, Jacobian or estimate under
     * way is dropped at its next stage; the last computed state stays. Requests queued after it still run.
     */
    void cancel();

    /**
     * What the worker is doing now: the stage (forward pass, Jacobian rows done of k, spectrum) and how long the
     * work has taken; null when it is idle (any thread, never waits).
     */
    Activity activity();

    /**
     * Paces walks to a display: before each walking step the worker waits (at most 25 ms) until the last state it
     * published has been drawn. The window thus gets the CPU to draw every state it is shown, on a machine with few
     * cores, and the walk never runs ahead of what the user sees. The display never waits for the worker.
     */
    void paceWithDisplay(boolean on);

    /** The display drew the snapshot of this version (called from the display's thread). */
    void drawn(long version);

    /** The model's intra-op threads now (0: the engine's default); any thread. */
    int computeThreads();

    /**
     * Moves the model to another device (auto, cpu or gpu): the model and the current input are opened again there
     * and the walk restarts; when the device cannot be used the model stays where it was and a notice says why.
     */
    void setDevice(String choice);

    /** Who receives the analyses (Lipschitz curves, per-layer spectra, match progress). */
    void setAnalysisListener(Consumer<Analysis> listener);

    /** Directional Lipschitz estimates at the current point (image models in float64), published as an analysis. */
    void estimateLipschitz();

    /** The spectrum of G for every layer's [CLS] state at the current point (image models). */
    void estimateLayerSpectra();

    /**
     * Starts a representation match from the current input toward a target image: walk to its representation, or
     * ({@code keep}) keep the current representation while the pixels approach it. Runs step by step until done,
     * the budget is spent, or {@link #stopMatch()}.
     */
    void startMatch(Path target, boolean keep, int budget, double stepSize);

    void stopMatch();

    /** Makes the match's current image the walk's input (the walk restarts there). */
    void adoptMatch();

    void openModel(Path dir);

    void openImage(Path file);

    /** A sentence for a text model (the explored positions start as every token). */
    void openText(String sentence);

    /** Which token positions the walk moves (empty: every token); restarts the walk. */
    void selectTokens(int[] positions);

    /** The zero-shot label sentences (at least two); restarts the walk. */
    void setZeroShotLabels(List<String> labels);

    /** Opens a model and an input (resolved against the model, for sample:N) together. */
    default void open(Path modelDir, String inputRef) {
        open(modelDir, inputRef, false);
    }

    /**
     * Opens a model and an input together. When either cannot be opened, what was open stays open; when nothing was
     * ({@code fallBackToDefault}), the shipped default model opens with a banner saying what failed.
     */
    void open(Path modelDir, String inputRef, boolean fallBackToDefault);

    /** New settings: the walk restarts where they change what is walked, else continues with them. */
    void applySettings(Settings s);

    /**
     * Moves a slider: walk along its tracked direction until the distance walked since the slider was pressed is
     * {@code target}. Latest wins. Returns the drag's id, which the states published while it is walked name
     * (with the distance walked so far) so a display can preview the way still ahead.
     */
    long drag(SliderKind kind, int index, double target);

    /** Whether the worker is computing or has work queued (any thread, never waits on the model). */
    boolean busy();

    /**
     * The slider is let go: the walk finishes the way to the last target, keeps the point there, and a corrected
     * SiMEC walk settles onto the level set.
     */
    void release();

    void reset();

    void undo();

    void scrubTo(int step);

    void redrawNullDirections();

    void play(WalkAlgorithm algorithm);

    void pause();

    boolean isPlaying();

    void stepOnce(WalkAlgorithm algorithm);

    /**
     * Writes the walk (up to the current step) to a file on the compute thread; a notice says where it went or why
     * it could not be written. Nothing recorded is lost either way.
     */
    void export(ExportKind kind, Path file, Exports.GifOptions gif);

    /** Writes the window's plots into {@code dir} as PNG and SVG, on the compute thread (a notice says where). */
    void exportPlots(Path dir);

    /** Saves a picture the window made (the dashboard) under the same rules as every export. */
    void savePicture(Path file, java.awt.image.BufferedImage image);

    /**
     * Opens a session file: its model (when not already open), its input and settings, and its trajectory at the
     * step it was saved, without recomputing the walk. When the model's weights changed since, {@code ask} is told
     * (on the worker, or the client's receiving thread) with a callback for the answer, true to recompute the
     * recorded outputs with the current weights; the worker goes on meanwhile and opens the session when the answer
     * comes.
     */
    void openSession(Path file, Consumer<Consumer<Boolean>> ask);

    /** Opens a session file; when its model's weights changed, recomputes the outputs or not as {@code recompute}. */
    default void openSession(Path file, boolean recompute) {
        openSession(file, answer -> answer.accept(recompute));
    }

    /**
     * Keeps the worker busy until {@code gate} opens, as a very long computation would (a ViT-Base step on a slow
     * machine): for checking that nothing the window does waits for the model. Closing the service opens it.
     */
    void holdWorkerUntil(CountDownLatch gate);

    /** Computations requested but not yet started (requests plus a pending drag target), for tests and status. */
    int pendingComputations();

    /** A copy of the recorded trajectory, taken on the worker thread (blocks the caller: not for the UI thread). */
    List<TrajectoryEntry> trajectory() throws InterruptedException;

    /**
     * Waits until the worker has nothing left to do: every posted request (analyses among them) has run, no drag or
     * walk is moving, no representation match is running, and the decoded sentence is up to date with the walk
     * (tests, command line, screenshots).
     */
    void awaitIdle(long timeoutMillis) throws InterruptedException;

    /**
     * Stops the worker after what it is doing, and closes the model on the worker: never from another thread while
     * the worker still runs.
     */
    @Override
    void close();
}
