package org.leafwalk.explore.service;

import java.util.concurrent.atomic.AtomicLong;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.session.Trajectory;
import org.leafwalk.explore.subject.InputView;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.geometry.DirectionTracker;
import org.leafwalk.geometry.Linearization;

/**
 * Assembles the window's {@link Snapshot} from the open walk, on the compute thread. A sentence's decoded view costs
 * a nearest-token search over the vocabulary and a forward pass (16 ms with 2 of 20 tokens selected, 70–85 ms with
 * all 20 on this machine's CPU): while a walk moves it is redone at most every 250 ms, the way the window redraws its
 * secondary panels, and {@link #behind()} says when the worker should bring it up to date as soon as the walk rests.
 */
final class Snapshots {
    private final AtomicLong versions = new AtomicLong();
    private volatile long costlyViewIntervalNanos = 250_000_000L;
    // worker thread only
    private Subject viewOf;
    private InputView lastView;
    private long lastViewNanos;
    private volatile boolean behind;
    private Trajectory startOf;
    private InputView.Image startPicture;
    private double stepMillis;
    private double stepsPerSecond;
    private long lastStepEnd;
    private double lastDelta;
    private Subject factsOf;
    private String facts;

    /** The version of the last snapshot assembled (any thread). */
    long version() {
        return versions.get();
    }

    /** A moving walk's costly view was reused: a fresh one is due when the walk rests (any thread). */
    boolean behind() {
        return behind;
    }

    void setCostlyViewInterval(java.time.Duration d) {
        costlyViewIntervalNanos = d.toNanos();
    }

    /** A step from {@code t0} to {@code t1} (nanoseconds) that moved {@code delta}: for the rate shown. */
    void stepped(long t0, long t1, double delta) {
        stepMillis = (t1 - t0) / 1e6;
        double rate = lastStepEnd == 0 ? 0 : 1e9 / (t1 - lastStepEnd);
        stepsPerSecond = lastStepEnd == 0 || t1 - lastStepEnd > 1_000_000_000L ? 1000 / stepMillis
                : 0.8 * stepsPerSecond + 0.2 * rate;
        lastStepEnd = t1;
        lastDelta = delta;
    }

    /** A new walk: its rate starts again. */
    void restarted() {
        lastStepEnd = 0;
    }

    /**
     * The state of the open walk, or null when none is open.
     *
     * @param moving a drag or a walk is under way (a costly view may then be reused)
     * @param fresh redo a costly view even so
     */
    Snapshot assemble(Workspace w, Motion motion, boolean fresh) {
        boolean moving = motion.moving();
        Motion.Drag drag = motion.drag();
        Session s = w.session();
        if (s == null) {
            behind = false;
            return null;
        }
        Subject subject = s.subject();
        Linearization lin = s.current();
        Readout r = s.readout();
        Trajectory t = s.trajectory();
        Readout start = t.startReadout();
        double[] point = lin.point();
        InputView view = view(subject, point, moving, fresh);
        if (t != startOf) {
            startOf = t;
            startPicture = subject.view(t.startPoint()) instanceof InputView.Image i ? i : null;
        }
        DirectionTracker tracker = s.tracker();
        int k = tracker.eigendirectionCount();
        double[][] eigenPictures = new double[k][];
        double[] followed = new double[k];
        double[][] eigenPreviewed = new double[k][];
        for (int i = 0; i < k; i++) {
            eigenPictures[i] = subject.directionPicture(tracker.eigendirection(i));
            followed[i] = tracker.trackedEigenvalue(i);
            if (previewed(drag, SliderKind.EIGEN, i)) {
                eigenPreviewed[i] = tracker.eigendirection(i);
            }
        }
        double[][] nullPictures = new double[tracker.nullCount()][];
        double[][] nullPreviewed = new double[tracker.nullCount()][];
        for (int i = 0; i < tracker.nullCount(); i++) {
            nullPictures[i] = subject.directionPicture(tracker.nullDirection(i));
            if (previewed(drag, SliderKind.NULL, i)) {
                nullPreviewed[i] = tracker.nullDirection(i);
            }
        }
        double[][] eigenChanges = lin.predictedChanges(eigenPreviewed);
        double[][] nullChanges = lin.predictedChanges(nullPreviewed);
        var spectrum = lin.spectrum();
        Settings settings = s.settings();
        return new Snapshot(versions.incrementAndGet(),
                new Snapshot.Source(w.modelDir().getFileName().toString(), w.model().deviceName(),
                        subject.inputName(), subject.space(), settings.metric(), facts(subject, point.length),
                        w.model().zeroShotImage()),
                new Snapshot.Input(point.length, view, startPicture),
                new Snapshot.Outputs(subject.labels(), r.probabilities(), start.probabilities(), r.prediction(),
                        start.prediction(), tracked(s.selectedOutputs(), subject.labels().size())),
                new Snapshot.Spectrum(spectrum.nonzeroEigenvalues(), spectrum.eigenvalues().clone(), spectrum.rank(),
                        settings.tau()),
                new Snapshot.Directions(followed, eigenPictures, nullPictures, eigenChanges, nullChanges),
                new Snapshot.Walk(t.cursor(), t.size(), org.leafwalk.geometry.Vectors.distance(point, t.startPoint()),
                        r.klFrom(start), lastDelta, t.distances(), t.kls(), drag == null ? -1 : drag.id(),
                        drag == null ? 0 : motion.walked(drag.id())),
                new Snapshot.Timing(stepMillis, stepsPerSecond, s.longSteps()), settings, moving, false);
    }

    /** Whether a direction's J·v goes into the state: every one at rest, only the dragged one while a drag moves. */
    private static boolean previewed(Motion.Drag drag, SliderKind kind, int index) {
        return drag == null || drag.kind() == kind && drag.index() == index;
    }


    /** The subject's line of facts, made once per subject (it is the same at every step). */
    private String facts(Subject subject, int dimension) {
        if (factsOf != subject) {
            factsOf = subject;
            facts = subject.facts(dimension);
        }
        return facts;
    }

    /** The output columns a class metric sees that are classes (a representation metric's are not). */
    private static int[] tracked(int[] columns, int classes) {
        return java.util.Arrays.stream(columns).filter(c -> c < classes).toArray();
    }

    private InputView view(Subject subject, double[] point, boolean moving, boolean fresh) {
        long now = System.nanoTime();
        if (subject.viewIsCostly() && !fresh && moving && viewOf == subject && lastView != null
                && now - lastViewNanos < costlyViewIntervalNanos) {
            behind = true;
            return lastView;
        }
        InputView v = subject.view(point);
        viewOf = subject;
        lastView = v;
        lastViewNanos = now;
        behind = false;
        return v;
    }
}
