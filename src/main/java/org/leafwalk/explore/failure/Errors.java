package org.leafwalk.explore.failure;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.InvalidInputException;

/**
 * Which failures are the user's to fix (a bad file, option or input, a refused step), said in their own words, and
 * which are bugs in Leafwalk: those are said to be, with the file their stack trace was written to (in the user's
 * state folder), so that they can be reported. The command line and the window tell them apart the same way.
 */
public final class Errors {
    /** The exit code of a user's error (a bad file, option or input, a refused step). */
    public static final int USER_ERROR = 2;

    /** The exit code of a bug in Leafwalk (EX_SOFTWARE of sysexits.h: an internal software error). */
    public static final int BUG = 70;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH-mm-ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Errors() {}

    /**
     * A refused input, option or computation whose message says all (an {@link InvalidInputException}, a
     * {@link org.leafwalk.geometry.GeometryException}, a {@link StepRefused}, a stop the user asked for, a
     * heap too small for the model); anything else is a fault of Leafwalk. A task's wrapper is judged by its cause.
     */
    public static boolean expected(Throwable e) {
        Throwable t = unwrapped(e);
        return t instanceof InvalidInputException || t instanceof org.leafwalk.geometry.GeometryException
                || t instanceof StepRefused || t instanceof org.leafwalk.geometry.Computation.Cancelled
                || t instanceof OutOfMemoryError;
    }

    /** What the user is told, in a line: the user's error in its own words; a bug as one, with its trace's file. */
    public static String describe(Throwable e) {
        Throwable t = unwrapped(e);
        if (t instanceof OutOfMemoryError) {
            return "out of memory (" + Runtime.getRuntime().maxMemory() / 1048576 + " MiB of heap): the input or "
                    + "model is too large for this Java heap; -Xmx raises it";
        }
        String m = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
        if (expected(t)) {
            return m;
        }
        String where;
        try {
            where = "the stack trace is in " + report(t);
        } catch (RuntimeException writing) {
            where = "its stack trace could not be written (" + writing.getMessage() + "; --debug prints it)";
        }
        return "internal error (a bug in Leafwalk): " + m + "; " + where + ", please report it";
    }

    /** The exit code for a failure: {@link #USER_ERROR} or {@link #BUG}. */
    public static int exitCode(Throwable e) {
        return expected(e) ? USER_ERROR : BUG;
    }

    /**
     * Writes a bug's stack trace, with Leafwalk's version, Java's and the system's, to a new file in
     * {@code errors/} of the state folder, and returns it.
     */
    static Path report(Throwable e) {
        StringWriter trace = new StringWriter();
        try (PrintWriter w = new PrintWriter(trace)) {
            String version = Errors.class.getPackage().getImplementationVersion();
            w.println("Leafwalk " + (version == null ? "dev" : version) + ", Java " + System.getProperty("java.version")
                    + " (" + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " "
                    + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
            w.println("thread " + Thread.currentThread().getName() + ", "
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS));
            w.println();
            e.printStackTrace(w);
        }
        Path dir = stateFolder().resolve("errors");
        String name = STAMP.format(Instant.now()) + "-" + ProcessHandle.current().pid();
        String file = name + ".log";
        for (int i = 2; Files.exists(dir.resolve(file), java.nio.file.LinkOption.NOFOLLOW_LINKS); i++) {
            file = name + "-" + i + ".log";
        }
        // Leafwalk's own file: written through no link
        AtomicFiles.writeOwned(dir, file, trace.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return dir.resolve(file);
    }

    /**
     * The user's state folder: the {@code leafwalk.state} property, the LEAFWALK_STATE variable,
     * {@code $XDG_STATE_HOME/leafwalk}, or {@code ~/.local/state/leafwalk} (the XDG default), as the cache is found
     * under {@code leafwalk.cache}, LEAFWALK_CACHE or {@code ~/.cache/leafwalk}.
     */
    public static Path stateFolder() {
        String prop = System.getProperty("leafwalk.state");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("LEAFWALK_STATE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "leafwalk");
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "leafwalk");
    }

    /** The failure a task's wrapper (an ExecutionException, a CompletionException) stands for. */
    private static Throwable unwrapped(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
