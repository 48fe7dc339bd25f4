package org.leafwalk.testing;

import java.time.Duration;
import org.leafwalk.explore.service.Exploration;

/**
 * The one bound the tests put on a wait: long enough that a correct build on a loaded machine never reaches it, so
 * reaching it means the code hung (a deadlock, a lost wake-up), never that it was slow. No test asserts how fast
 * anything is; how fast the app runs is measured by the benchmarks ({@code bench}, {@code ui --benchmark}).
 */
public final class HangGuard {
    /** How long any wait in the tests may take before it counts as a hang. */
    public static final Duration HANG_GUARD = Duration.ofMinutes(5);
    public static final long MILLIS = HANG_GUARD.toMillis();
    public static final long SECONDS = HANG_GUARD.toSeconds();

    private HangGuard() {}

    /**
     * Waits until the compute service is idle. {@link Exploration#awaitIdle} throws IllegalStateException when the
     * bound passes; that is reported as a hang, so the failure says what happened.
     */
    /** Polls {@code done} until it holds, failing as a hang ({@code what} did not happen) after the guard. */
    public static void until(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + HANG_GUARD.toNanos();
        while (!done.getAsBoolean()) {
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < end, "hung: " + what);
            Thread.sleep(20);
        }
    }

    public static void awaitIdle(Exploration service) throws InterruptedException {
        try {
            service.awaitIdle(MILLIS);
        } catch (IllegalStateException e) {
            throw new AssertionError("hung: the compute service was still busy after " + HANG_GUARD.toMinutes()
                    + " minutes (a hang guard, not a speed check): " + e.getMessage(), e);
        }
    }
}
