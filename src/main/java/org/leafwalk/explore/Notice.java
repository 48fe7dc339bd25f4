package org.leafwalk.explore;

/** A message for the user from the compute thread: what went wrong (or what happened) and that state was kept. */
public record Notice(Level level, String message) {
    public enum Level {
        INFO,
        ERROR,
        /** Something the user must know about what is shown (an open failed and another model is shown): it stays. */
        BANNER
    }

    public static Notice banner(String message) {
        return new Notice(Level.BANNER, message);
    }

    public static Notice error(String message) {
        return new Notice(Level.ERROR, message);
    }

    public static Notice info(String message) {
        return new Notice(Level.INFO, message);
    }
}
