package org.leafwalk.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.leafwalk.cli.Main;

/** Runs Leafwalk's command line in this JVM and captures what it prints. */
public final class Cli {
    private Cli() {}

    public record Result(int code, String out, String err) {}

    /**
     * The run was refused as every error is: exit code 2, one line on stderr naming each of {@code words}, no
     * exception's name or raw Java message in it.
     */
    public static void assertRefused(Result r, String... words) {
        org.junit.jupiter.api.Assertions.assertEquals(2, r.code(), r.out() + r.err());
        String line = r.err().strip();
        org.junit.jupiter.api.Assertions.assertFalse(line.contains("\n"), "one line: " + line);
        for (String w : words) {
            org.junit.jupiter.api.Assertions.assertTrue(line.contains(w), "'" + w + "' in: " + line);
        }
        org.junit.jupiter.api.Assertions.assertFalse(line.contains("Exception") || line.contains("long overflow")
                || line.contains("For input string"), line);
    }

    public static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
