package org.leafwalk.explore.service;

import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.subject.EngineSetup;

/**
 * How many intra-op threads the model gets: where steps are short, what the window leaves it (one core fewer than
 * the machine has); where an exact step is long ({@link Session#longSteps}, ViT-Base), every core, since a step takes
 * seconds and the display then draws previews, which cost little, between the model's work.
 */
final class ComputeThreads {
    private final int shortSteps;
    private final int longSteps;
    private volatile int now = -1; // set on the worker thread only

    /** @param shortSteps threads where steps are short, {@code longSteps} where they are long (0: the engine's default) */
    ComputeThreads(int shortSteps, int longSteps) {
        this.shortSteps = shortSteps;
        this.longSteps = longSteps;
    }

    /** The model's threads for the session open now (worker thread): every core where steps are long. */
    void fit(Session s) {
        int want = s != null && s.longSteps() ? longSteps : shortSteps;
        if (want > 0 && want != now) {
            EngineSetup.limitComputeThreads(want);
            now = want;
        }
    }

    /** The threads set now (0: the engine's default); any thread. */
    int now() {
        return Math.max(0, now);
    }
}
