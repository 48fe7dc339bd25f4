package org.leafwalk.explore.service;

/**
 * What the worker is doing: a stage's words (forward pass, Jacobian rows done of k, spectrum), its fraction done (−1:
 * no count), the seconds since the work began.
 */
public record Activity(String what, double fraction, double seconds) {
    /** What {@code worker} is doing now; null when it is idle (any thread, never waits). */
    static Activity of(Worker worker) {
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
}
