package org.leafwalk.explore.service;

import java.util.function.Consumer;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.failure.StepRefused;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.walk.WalkAlgorithm;

/**
 * What the worker does between requests: the next step of a drag or a playing walk, the settling when a drag
 * ends, a running match's next step, and bringing a decoded sentence up to date once the walk rests. Each step is
 * recorded in the session and published; walks are paced to the display when one draws them.
 */
final class Walking implements Worker.Motion {
    private final Workspace workspace;
    private final Motion motion;
    private final Matching matching;
    private final Snapshots assembler;
    private final Consumer<Notice> notices;
    private final Consumer<Analysis> analyses;
    private final Runnable publish;
    private final Runnable freshPublish;
    private final java.util.function.BooleanSupplier closing;
    /** After this many refusals in a row the user is told that the walk takes exact steps. */
    static final int FALLBACK_NOTICE = 5;
    private volatile boolean paced;
    private volatile long drawnVersion;

    Walking(Workspace workspace, Motion motion, Matching matching, Snapshots assembler, Consumer<Notice> notices,
            Consumer<Analysis> analyses, Runnable publish, Runnable freshPublish,
            java.util.function.BooleanSupplier closing) {
        this.workspace = workspace;
        this.motion = motion;
        this.matching = matching;
        this.assembler = assembler;
        this.notices = notices;
        this.analyses = analyses;
        this.publish = publish;
        this.freshPublish = freshPublish;
        this.closing = closing;
    }

    void paceWithDisplay(boolean on) {
        paced = on;
    }

    void drawn(long version) {
        drawnVersion = version;
    }

    /**
     * Before each walking step the worker waits (at most 25 ms) until the last state it published has been drawn,
     * so the window gets the CPU to draw every state on a machine with few cores; the display never waits.
     */
    private void awaitDrawn() {
        long end = System.nanoTime() + 25_000_000L;
        while (paced && drawnVersion < assembler.version() && System.nanoTime() < end && !closing.getAsBoolean()) {
            java.util.concurrent.locks.LockSupport.parkNanos(500_000L);
        }
    }

    @Override
    public Runnable next() {
        boolean open = workspace.isOpen();
        Motion.Drag d = motion.drag();
        if (d != null && open && motion.needsStep(d)) {
            return () -> {
                awaitDrawn();
                dragStep(d);
            };
        }
        if (d != null && (d.released() || !open) && motion.finish(d)) {
            return this::settle;
        }
        if (matching.running()) {
            return () -> analyses.accept(matching.step());
        }
        WalkAlgorithm p = motion.playing();
        if (p != null && open) {
            return () -> {
                awaitDrawn();
                step(p, 0, 1, Double.POSITIVE_INFINITY);
            };
        }
        if (assembler.behind() && open) {
            // the walk rested with the decoded sentence drawn from an earlier step: bring it up to date
            return freshPublish;
        }
        return null;
    }

    @Override
    public boolean pending() {
        boolean open = workspace.isOpen();
        Motion.Drag d = motion.drag();
        return (d != null && (d.released() || !open || motion.needsStep(d))) || matching.running()
                || (motion.playing() != null && open) || (assembler.behind() && open);
    }

    private void dragStep(Motion.Drag d) {
        double remaining = motion.remaining(d);
        // the distance walked is counted before the state is published, which names it (a display previews the
        // rest of the way from there)
        step(d.kind() == SliderKind.NULL ? WalkAlgorithm.SIMEC : WalkAlgorithm.SIMEXP, d.index(),
                Math.signum(remaining), Math.abs(remaining),
                s -> motion.walked(d, s == null ? Double.NaN : Math.signum(remaining) * s.entry().delta()));
    }

    /** One step; on refusal the walk stops, the state is unchanged and the user is told why. */
    Session.Step step(WalkAlgorithm a, int direction, double sign, double maxDelta) {
        return step(a, direction, sign, maxDelta, s -> { });
    }

    /** One step, telling {@code taken} (null: refused) before the state is published. */
    private Session.Step step(WalkAlgorithm a, int direction, double sign, double maxDelta,
            Consumer<Session.Step> taken) {
        long t0 = System.nanoTime();
        Session.Step s;
        try {
            s = workspace.session().step(a, direction, sign, maxDelta);
        } catch (StepRefused e) {
            motion.stop();
            matching.stop();
            notices.accept(Notice.error("step refused: " + e.getMessage()));
            taken.accept(null);
            publish.run();
            return null;
        }
        assembler.stepped(t0, System.nanoTime(), s.entry().delta());
        taken.accept(s);
        if (workspace.session().trustRefusalsInARow() == FALLBACK_NOTICE) {
            notices.accept(Notice.info("The carried Jacobian failed its trust test on each of the last "
                    + FALLBACK_NOTICE + " steps: the walk takes exact steps (J at every step) until the output "
                    + "follows J again"));
        }
        publish.run();
        return s;
    }

    void settle() {
        if (workspace.isOpen()) {
            workspace.session().settle(true);
            publish.run();
        }
    }

    /** Moves the walk to a recorded step; {@code truncate} drops the steps after it (a reset). */
    void scrub(int step, boolean truncate) {
        if (workspace.isOpen()) {
            workspace.session().scrub(step, truncate);
            if (truncate) {
                assembler.restarted();
            }
        }
    }
}
