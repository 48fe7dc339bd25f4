package org.leafwalk.geometry;

/**
 * What a long computation is doing, and the way to stop it. The thread that computes (the window's worker) installs
 * one with {@link #install}; the geometry reports its stages to it (the forward pass, the Jacobian's rows done of k,
 * the spectrum) and, at each report, stops with {@link Cancelled} when someone asked it to. Any other thread reads
 * the stage and asks for the stop; nothing waits. On a thread without one installed, reports cost nothing.
 */
public final class Computation {
    private static final ThreadLocal<Computation> CURRENT = new ThreadLocal<>();

    /** Thrown inside a computation that was asked to stop: what it was computing is dropped, nothing is changed. */
    public static final class Cancelled extends RuntimeException {
        public Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    /** A stage: what is being computed, and how much of it is done ({@code total} 0: no count). */
    public record Stage(String what, int done, int total, long sinceNanos) {
        /** The fraction done, or −1 when the stage has no count. */
        public double fraction() {
            return total <= 0 ? -1 : Math.min(1, (double) done / total);
        }
    }

    private volatile Stage stage;
    private volatile boolean cancel;
    private volatile long startedNanos;

    /** Makes this the calling thread's computation (the worker calls it once). */
    public void install() {
        CURRENT.set(this);
    }

    /** A new piece of work starts (a step, a request): what it does is not known yet and no stop is pending. */
    public void begin() {
        cancel = false;
        startedNanos = System.nanoTime();
        stage = null;
    }

    /** The work is done. */
    public void end() {
        stage = null;
        startedNanos = 0;
        cancel = false;
    }

    /** Asks the computation under way to stop at its next report (any thread). */
    public void cancel() {
        if (startedNanos != 0) {
            cancel = true;
        }
    }

    /** The stage reported last, or null when none was reported since the work began (any thread). */
    public Stage stage() {
        return stage;
    }

    /** When the work under way began (System.nanoTime), 0 when none is. */
    public long startedNanos() {
        return startedNanos;
    }

    /** Reports a stage on the calling thread's computation; throws {@link Cancelled} when a stop was asked. */
    public static void report(String what, int done, int total) {
        Computation c = CURRENT.get();
        if (c == null) {
            return;
        }
        if (c.cancel) {
            c.cancel = false;
            throw new Cancelled();
        }
        Stage s = c.stage;
        c.stage = new Stage(what, done, total, s != null && s.what().equals(what) ? s.sinceNanos() : System.nanoTime());
    }

    /** Reports a stage without a count. */
    public static void report(String what) {
        report(what, 0, 0);
    }
}
