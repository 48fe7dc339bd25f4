package org.leafwalk.explore;

/** A message for the user from the compute thread: what went wrong (or what happened) and that state was kept. */
public record Notice(Level level, String message) {
    public enum Level {
        INFO,
        ERROR
    }

    public static Notice error(String message) {
        return new Notice(Level.ERROR, message);
    }

    public static Notice info(String message) {
        return new Notice(Level.INFO, message);
    }
}
