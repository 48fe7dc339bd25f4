package org.leafwalk.explore.service;

import org.leafwalk.explore.failure.Errors;

/**
 * A message for the user from the compute thread: what went wrong (or what happened) and that state was kept.
 *
 * @param bug whether what went wrong is a bug in Leafwalk (its message says so and where its stack trace was written)
 *     rather than the user's to fix
 * @param action what the user can do about it, a button's words beside the message ({@link #RECONNECT}), or null
 */
public record Notice(Level level, String message, boolean bug, String action) {
    /** The action of a banner saying the server is gone: {@link Exploration#reconnect()}. */
    public static final String RECONNECT = "Reconnect";

    public enum Level {
        INFO,
        ERROR,
        /** Something the user must know about what is shown (an open failed and another model is shown): it stays. */
        BANNER
    }

    public Notice(Level level, String message) {
        this(level, message, false);
    }

    public Notice(Level level, String message, boolean bug) {
        this(level, message, bug, null);
    }

    public static Notice banner(String message) {
        return new Notice(Level.BANNER, message);
    }

    public static Notice error(String message) {
        return new Notice(Level.ERROR, message);
    }

    /** An error caused by {@code e}: {@code message} holds {@link Errors#describe}'s words for it. */
    public static Notice error(String message, Throwable e) {
        return new Notice(Level.ERROR, message, !Errors.expected(e));
    }

    public static Notice info(String message) {
        return new Notice(Level.INFO, message);
    }
}
