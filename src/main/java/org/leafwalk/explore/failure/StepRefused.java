package org.leafwalk.explore.failure;

/** A step the geometry refused (a NaN, an empty direction): the walk stays where it was. The user's to change. */
public final class StepRefused extends RuntimeException {
    public StepRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
