package org.leafwalk.explore.service;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.leafwalk.explore.walk.WalkAlgorithm;

/**
 * How the walk is being moved: a slider's drag (latest wins: a new target replaces the pending one, and a walk
 * heading for an old target turns between two steps) or a playing walk. Set from any thread; the distance walked
 * along the current drag is kept by the worker.
 */
final class Motion {
    /** A slider's target; {@code released}: the hand let go, finish the way to the target, then settle. */
    record Drag(long id, SliderKind kind, int index, double target, boolean released) {}

    private final AtomicReference<Drag> drag = new AtomicReference<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile WalkAlgorithm playing;
    // written by the worker, read anywhere
    private volatile long currentId = -1;
    private volatile double walked;
    private volatile long refusedId = -1;

    /** Returns the drag's id (the same while one slider is held). */
    long drag(SliderKind kind, int index, double target) {
        Drag prev = drag.get();
        long id = prev != null && prev.kind() == kind && prev.index() == index && !prev.released() ? prev.id()
                : ids.incrementAndGet();
        drag.set(new Drag(id, kind, index, target, false));
        playing = null;
        return id;
    }

    /** The distance walked along drag {@code id} so far (0 when the worker has not started it). */
    double walked(long id) {
        return id == currentId ? walked : 0;
    }

    /** The hand let go; returns whether a drag was under way. */
    boolean release() {
        return drag.updateAndGet(x -> x == null ? null : new Drag(x.id(), x.kind(), x.index(), x.target(), true))
                != null;
    }

    void play(WalkAlgorithm algorithm) {
        drag.set(null);
        playing = algorithm;
    }

    void pause() {
        playing = null;
    }

    void stop() {
        drag.set(null);
        playing = null;
    }

    Drag drag() {
        return drag.get();
    }

    WalkAlgorithm playing() {
        return playing;
    }

    boolean moving() {
        return playing != null || drag.get() != null;
    }

    /** Whether the drag's target is still ahead (a refused drag is not retried). */
    boolean needsStep(Drag d) {
        if (d.id() == refusedId) {
            return false;
        }
        return Math.abs(remaining(d)) > 1e-9;
    }

    /** The signed distance still to walk to the drag's target. */
    double remaining(Drag d) {
        return d.target() - (d.id() == currentId ? walked : 0);
    }

    /** The worker walked {@code moved} (signed; NaN: refused) along the drag (worker thread). */
    void walked(Drag d, double moved) {
        if (d.id() != currentId) {
            currentId = d.id();
            walked = 0;
        }
        if (Double.isNaN(moved) || moved == 0) {
            refusedId = d.id(); // nothing can move: do not spin
            return;
        }
        walked += moved;
    }

    /** The drag is over (released and walked): true when this call ended it. */
    boolean finish(Drag d) {
        return drag.compareAndSet(d, null);
    }
}
