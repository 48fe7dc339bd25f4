package org.leafwalk.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C and SIGTERM as a request, not an exit: a long run finishes its current step, writes what it has, and exits
 * 130. A second signal exits at once. Without this the JVM would run no code of ours and the walk would be lost.
 */
final class Interrupts implements AutoCloseable {
    /** The exit code of a run stopped by a signal (128 + SIGINT), as shells report it. */
    static final int EXIT_CODE = 130;

    private volatile String signal;
    private final List<Object[]> previous = new ArrayList<>();

    private Interrupts() {}

    /** Takes over SIGINT and SIGTERM until closed (where the platform lets it; elsewhere the JVM's default stays). */
    static Interrupts install() {
        Interrupts in = new Interrupts();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal s = new Signal(name);
                SignalHandler old = Signal.handle(s, sig -> in.received(name));
                in.previous.add(new Object[] {s, old});
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // this platform does not let us handle it: the default (exit at once) stays
            }
        }
        return in;
    }

    private void received(String name) {
        if (signal != null) {
            System.err.println("\nleafwalk: second SIG" + name + ": stopping now, without writing");
            Runtime.getRuntime().halt(EXIT_CODE);
        }
        signal = "SIG" + name;
        System.err.println("\nleafwalk: SIG" + name + " received: finishing the current step, then writing what "
                + "was done (press Ctrl-C again to stop at once)");
    }

    /** Asks the run to stop as a signal would (for tests, and for callers that stop a run themselves). */
    void request(String why) {
        signal = why;
    }

    boolean requested() {
        return signal != null;
    }

    /** Which signal stopped the run; null while none did. */
    String which() {
        return signal;
    }

    @Override
    public void close() {
        for (Object[] p : previous) {
            Signal.handle((Signal) p[0], (SignalHandler) p[1]);
        }
    }
}
