package org.leafwalk.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The representation match the tests share: the shipped model's sample 14 (a seven) walked to the representation of
 * sample 2 (a one) in 60 Gauss-Newton steps, run once per test JVM through {@code match} and kept.
 */
public final class SevenToOne {
    public static final String SOURCE = "sample:14";
    public static final String TARGET = "sample:2";
    public static final int STEPS = 60;
    public static final double STEP_SIZE = 0.5;

    /** The match document (match.json) and the folder holding its files. */
    public record Result(JsonObject json, Path dir) {}

    private static Result result;

    private SevenToOne() {}

    public static synchronized Result match() {
        if (result == null) {
            try {
                Path dir = Files.createTempDirectory("leafwalk-seven-to-one");
                Cli.Result r = Cli.run("match", "--source", SOURCE, "--target", TARGET, "--steps",
                        Integer.toString(STEPS), "--step-size", Double.toString(STEP_SIZE), "--out", dir.toString(),
                        "--json");
                assertEquals(0, r.code(), r.err());
                result = new Result(JsonParser.parseString(r.out()).getAsJsonObject(), dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return result;
    }
}
