package org.leafwalk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.leafwalk.explore.subject.References;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyVit;

/**
 * The exit code and the line on stderr tell the user's errors from bugs in Leafwalk: a bad option, file or input
 * exits 2 with one line naming it and writes nothing else; a bug exits 70 with one line saying it is a bug and where
 * its stack trace was written, a log file in the user's state folder.
 */
class ErrorKindsTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path backbone;
    static Path image;
    Path state;

    @BeforeAll
    static void models() {
        model = TinyVit.write(tmp, "model", TinyVit.small(), 5);
        image = TinyVit.blobPng(tmp.resolve("blob.png"), 3);
        backbone = tmp.resolve("backbone");
        assertEquals(0, Cli.run("init-vit", "--out", backbone.toString(), "--family", "vit-backbone", "--image-size",
                "12", "--patch-size", "3", "--hidden", "16", "--layers", "2", "--heads", "2", "--mlp", "32").code());
    }

    @BeforeEach
    void stateFolder() throws Exception {
        state = Files.createTempDirectory(tmp, "state");
        System.setProperty("leafwalk.state", state.toString());
    }

    @AfterEach
    void noStateFolder() {
        System.clearProperty("leafwalk.state");
    }

    private static Arguments refused(List<String> args, String... words) {
        return Arguments.of(String.join(" ", args), args, words);
    }

    private static List<String> walk(String... more) {
        return Stream.concat(Stream.of("walk", "--model", model.toString(), "--input", image.toString(), "--steps",
                "1"), Stream.of(more)).toList();
    }

    static Stream<Arguments> userErrors() {
        Path out = tmp.resolve("never");
        return Stream.of(
                refused(walk("--eta", "-1"), "--eta -1.0", "positive"),
                refused(walk("--space", "sideways"), "unknown space 'sideways'"),
                refused(walk("--variant", "blocky"), "unknown variant 'blocky'"),
                refused(walk("--direction", "-1"), "--direction -1"),
                refused(walk("--direction", "9"), "--direction 9", "4 null directions"),
                refused(walk("--direction", "40", "--algo", "simexp"), "--direction 40", "eigendirections"),
                refused(walk("--gif", out.toString(), "--gif-delay", "1"), "--gif-delay 1"),
                refused(walk("--device", "tpu"), "unknown device 'tpu'"),
                refused(walk("--metric", "representation", "--layer", "9"), "layer 9", "layers 1 to 2"),
                refused(walk("--steps", "abc"), "--steps", "abc"),
                refused(List.of("walk", "--model", "minilm", "--input", "sample:0"), "a text model reads a sentence"),
                refused(List.of("walk", "--model", "minilm", "--input", "text:a cat .", "--layer", "2"),
                        "--layer applies to image models"),
                refused(List.of("walk", "--model", "minilm", "--input", "text:a cat .", "--pooling", "median"),
                        "unknown pooling 'median'"),
                refused(List.of("bench", "--model", model.toString(), "--steps", "-1"), "--steps"),
                refused(List.of("bench", "--model", model.toString(), "--drag", "2", "--jacobian", "auto"),
                        "exact or reuse"),
                refused(List.of("bench", "--model", backbone.toString(), "--steps", "1", "--warmup", "0"),
                        "no class outputs", "representation metric"),
                refused(List.of("init-vit", "--out", out.toString(), "--hidden", "0"), "every size of init-vit"),
                refused(List.of("init-vit", "--out", out.toString(), "--family", "swin"), "--family swin"),
                refused(List.of("init-vit", "--out", out.toString(), "--image-size", "10", "--patch-size", "3"),
                        "multiple of patch size"),
                refused(List.of("init-vit", "--out", model.toString()), "already holds a model", "--force"),
                refused(List.of("train-vit", "--data", tmp.toString(), "--out", out.toString(), "--epochs", "0"),
                        "--epochs"),
                refused(List.of("export", "--session", out.toString(), "--step", "-2"), "--step -2"),
                refused(List.of("eval", "--model", model.toString(), "--data", tmp.toString(), "--split", "dev"),
                        "--split dev"),
                refused(List.of("extract-samples", "--data", tmp.toString(), "--out", out.toString(), "--per-class",
                        "0"), "--per-class 0"),
                refused(List.of("match", "--model", model.toString(), "--source", image.toString(), "--target",
                        image.toString(), "--out", out.toString(), "--steps", "0"), "--steps"),
                refused(List.of("lipschitz", "--model", model.toString(), "--input", image.toString(), "--eigen", "0",
                        "--nulls", "0", "--random", "0"), "at least one direction"),
                refused(List.of("lipschitz", "--model", model.toString(), "--input", image.toString(), "--precision",
                        "float16"), "--precision", "float16"),
                refused(List.of("match", "--model", "minilm", "--source", image.toString(), "--target",
                        image.toString(), "--out", out.toString()), "image models"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userErrors")
    void aUserErrorExits2OnOneLineAndWritesNoLog(String name, List<String> args, String[] words) {
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        Cli.assertRefused(r, words);
        assertTrue(r.err().startsWith("leafwalk: error: "), r.err());
        assertFalse(r.err().contains("a bug in Leafwalk"), r.err());
        assertFalse(Files.exists(state.resolve("errors")), "no log for a user's error");
    }

    private static String failed(Throwable bug, int[] code) {
        StringWriter out = new StringWriter();
        code[0] = Main.failed(new PrintWriter(out), bug);
        return out.toString();
    }

    @Test
    void aBugExits70SayingSoWithItsStackTraceInTheStateFolder() throws Exception {
        // two real failures of Leafwalk's code that no user input should reach: a null reference, and an argument
        // its own code got wrong (an IllegalArgumentException is a bug, not the user's)
        Throwable npe = assertThrows(NullPointerException.class, () -> References.model(null));
        Throwable iae = assertThrows(IllegalArgumentException.class,
                () -> new org.leafwalk.io.Tensor("t", new long[] {2}, new float[3]));
        for (Throwable bug : List.of(npe, iae)) {
            int[] code = new int[1];
            String line = failed(bug, code).strip();
            assertEquals(70, code[0], line);
            assertFalse(line.contains("\n"), "one line: " + line);
            assertTrue(line.startsWith("leafwalk: internal error (a bug in Leafwalk): "), line);
            assertTrue(line.endsWith(", please report it"), line);
            String file = line.substring(line.indexOf("the stack trace is in ") + "the stack trace is in ".length(),
                    line.lastIndexOf(", please report it"));
            Path log = Path.of(file);
            assertEquals(state.resolve("errors"), log.getParent(), "the log is in the state folder's errors/");
            assertTrue(log.getFileName().toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ-\\d+(-\\d+)?"
                    + "\\.log"), log.toString());
            String trace = Files.readString(log);
            assertTrue(trace.contains(bug.getClass().getName()) && trace.contains("\tat org.leafwalk."), trace);
        }
        try (var logs = Files.list(state.resolve("errors"))) {
            assertEquals(2, logs.count(), "one log per bug, none overwritten");
        }
    }

    @Test
    void aBugWhoseTraceCannotBeWrittenStillSaysSo() throws Exception {
        Path blocked = Files.writeString(tmp.resolve("not-a-folder"), "x");
        System.setProperty("leafwalk.state", blocked.toString());
        int[] code = new int[1];
        String line = failed(new IllegalStateException("no state"), code).strip();
        assertEquals(70, code[0], line);
        assertTrue(line.contains("a bug in Leafwalk") && line.contains("could not be written")
                && line.contains("--debug"), line);
    }
}
