package org.leafwalk.cli;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyVit;

/**
 * Nothing a user has is destroyed by a run: outputs follow symlinks and write only regular files, never one of the
 * run's inputs, and replace existing files only when the run succeeded; a failed or interrupted walk keeps them and
 * writes what it walked beside them.
 */
class SafeWritingTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path image;

    @BeforeAll
    static void setUp() {
        model = TinyVit.write(tmp, "model", TinyVit.small(), 5);
    }

    /** Every test starts from an intact image, whatever an earlier one did to it. */
    @BeforeEach
    void freshImage() {
        image = TinyVit.blobPng(tmp.resolve("blob.png"), 3);
    }

    private static Cli.Result walk(String... more) {
        List<String> a = new ArrayList<>(List.of("walk", "--model", model.toString(), "--input", image.toString(),
                "--steps", "3"));
        a.addAll(List.of(more));
        return Cli.run(a.toArray(String[]::new));
    }

    private static void refused(Cli.Result r, String... words) {
        Cli.assertRefused(r, words);
    }

    @Test
    void aSymlinkStaysALinkAndItsTargetIsWritten() throws Exception {
        Path target = Files.writeString(tmp.resolve("real.csv"), "mine\n");
        Path link = Files.createSymbolicLink(tmp.resolve("link.csv"), target.getFileName());
        Cli.Result r = walk("--csv", link.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
        assertTrue(Files.readString(target).startsWith("step,direction"), "the link's target was not written");
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a temporary file was left");
        }
    }

    @Test
    void aDeviceAFifoAndAFolderAreRefusedWithoutBlocking() throws Exception {
        refused(walk("--csv", "/dev/null"), "/dev/null", "character device", "regular file");
        assertFalse(Files.isRegularFile(Path.of("/dev/null")), "/dev/null became a regular file");
        Path fifo = tmp.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // opening a FIFO blocks until someone writes to it: the refusal must come before any open
        assertTimeoutPreemptively(HangGuard.HANG_GUARD, () -> {
            refused(walk("--gif", fifo.toString()), "FIFO");
            refused(Cli.run("walk", "--model", model.toString(), "--input", fifo.toString(), "--steps", "1"), "FIFO");
            refused(Cli.run("walk", "--model", "minilm", "--input", fifo.toString(), "--steps", "1"), "FIFO");
        });
        Path folder = Files.createDirectories(tmp.resolve("a-folder"));
        refused(walk("--session", folder.toString()), "a-folder", "folder");
    }

    @Test
    void anOutputThatIsAnInputIsRefusedBeforeAnyWork() throws Exception {
        byte[] png = Files.readAllBytes(image);
        refused(walk("--csv", image.toString()), "--csv", "input image");
        assertArrayEquals(png, Files.readAllBytes(image), "the input image was changed");
        Path weights = model.resolve("model.safetensors");
        byte[] w = Files.readAllBytes(weights);
        refused(walk("--session", weights.toString()), "--session", "model");
        refused(walk("--out", model.resolve("config.json").toString()), "--out", "model");
        assertArrayEquals(w, Files.readAllBytes(weights), "the weights were changed");
        refused(walk("--csv", tmp.resolve("same.csv").toString(), "--out", tmp.resolve("same.csv").toString()),
                "same file");
        refused(Cli.run("export", "--session", tmp.resolve("none.leafwalk.json").toString()), "none.leafwalk.json");
    }

    @Test
    void aFailedWalkKeepsTheFilesItWasToReplace() throws Exception {
        Path csv = Files.writeString(tmp.resolve("kept.csv"), "the user's csv\n");
        Path session = Files.writeString(tmp.resolve("kept.leafwalk.json"), "{\"mine\": true}\n");
        Path out = Files.writeString(tmp.resolve("kept.json"), "{\"mine\": true}\n");
        Path gif = tmp.resolve("new.gif");
        // a step of 1e30 in embedding space: the second step finds no direction and is refused
        Cli.Result r = Cli.run("walk", "--model", model.toString(), "--input", image.toString(), "--space",
                "embeddings", "--algo", "simexp", "--step-policy", "fixed", "--eta", "1e30", "--steps", "5", "--csv",
                csv.toString(), "--session", session.toString(), "--out", out.toString(), "--gif", gif.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("walk stopped at step"), r.err());
        assertEquals("the user's csv\n", Files.readString(csv));
        assertEquals("{\"mine\": true}\n", Files.readString(session));
        assertEquals("{\"mine\": true}\n", Files.readString(out));
        assertFalse(Files.exists(gif), "a failed walk wrote the GIF it was asked for");
        assertTrue(r.err().contains("kept " + csv + " as it was"), r.err());
        Path partial = tmp.resolve("kept.partial.csv");
        assertTrue(Files.readString(partial).startsWith("step,"), "the walked steps were not kept");
        JsonObject s = JsonParser.parseString(Files.readString(tmp.resolve("kept.partial.leafwalk.json")))
                .getAsJsonObject();
        assertTrue(s.get("interrupted").getAsString().contains("refused"), s.get("interrupted").toString());
        assertTrue(Files.size(tmp.resolve("new.partial.gif")) > 0);
    }

    @Test
    void everyOptionIsCheckedBeforeTheFirstStep() {
        Cli.Result r = Cli.run("walk", "--model", model.toString(), "--input", image.toString(), "--steps", "3000",
                "--gif", tmp.resolve("g.gif").toString(), "--gif-delay", "99999999");
        refused(r, "--gif-delay", "99999999");
        assertEquals("", r.out(), "the walk ran before the option was refused");
        refused(walk("--gif", tmp.resolve("g.gif").toString(), "--gif-scale", "0"), "--gif-scale");
        refused(walk("--eta", "NaN"), "--eta");
        refused(Cli.run("walk", "--model", model.toString(), "--steps", "abc"), "--steps", "--help");
        refused(Cli.run("bench", "--steps", "-1"), "--steps");
        refused(Cli.run("train-vit", "--data", tmp.toString(), "--out", tmp.resolve("t").toString(),
                "--batch-size", "0"), "--batch-size");
        refused(Cli.run("match", "--model", model.toString(), "--source", image.toString(), "--target",
                image.toString(), "--out", image.toString()), "--out");
    }

    @Test
    void initAndTrainRefuseAFolderThatHoldsAModelUnlessForced() throws Exception {
        Path dir = tmp.resolve("init");
        assertEquals(0, Cli.run("init-vit", "--out", dir.toString(), "--image-size", "8", "--patch-size", "4",
                "--hidden", "8", "--heads", "2", "--layers", "1", "--mlp", "8").code());
        byte[] first = Files.readAllBytes(dir.resolve("model.safetensors"));
        refused(Cli.run("init-vit", "--out", dir.toString(), "--seed", "2"), "already holds a model", "--force");
        refused(Cli.run("train-vit", "--data", tmp.resolve("no-data").toString(), "--out", dir.toString()),
                "already holds a model");
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertEquals(0, Cli.run("init-vit", "--out", dir.toString(), "--image-size", "8", "--patch-size", "4",
                "--hidden", "8", "--heads", "2", "--layers", "1", "--mlp", "8", "--seed", "2", "--force").code());
        assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(dir.resolve("model.safetensors"))));
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) during a long walk: the walk ends after its current step, writes what it walked
     * beside the files it was asked for, marked as interrupted, keeps the existing ones, and exits 130. Run as its own
     * JVM so that the signal reaches only the walk.
     */
    @Test
    void anInterruptedWalkWritesWhatItWalkedAndExits130() throws Exception {
        Path csv = Files.writeString(tmp.resolve("long.csv"), "the user's csv\n");
        Path session = tmp.resolve("long.leafwalk.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                "org.leafwalk.cli.Main", "walk", "--model", model.toString(), "--input", image.toString(),
                "--steps", "100000000", "--csv", csv.toString(), "--session", session.toString())
                .redirectErrorStream(true).start();
        var lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        try {
            // a walk that shows no progress, or ignores the signal, fails here instead of running forever
            assertTimeoutPreemptively(HangGuard.HANG_GUARD, () -> {
                // the progress line appears once the model is open and the walk has begun
                for (String line; (line = lines.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    if (line.contains("simec walk")) {
                        break;
                    }
                }
                p.toHandle().destroy(); // SIGTERM
                for (String line; (line = lines.readLine()) != null; ) {
                    seen.append(line).append('\n');
                }
                assertTrue(p.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS));
            }, () -> "the walk did not end: " + seen);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(130, p.exitValue(), seen.toString());
        assertTrue(seen.toString().contains("interrupted by SIGTERM"), seen.toString());
        assertEquals("the user's csv\n", Files.readString(csv), "the existing CSV was replaced");
        assertTrue(seen.toString().contains("kept " + csv + " as it was"), seen.toString());
        assertTrue(Files.readString(tmp.resolve("long.interrupted.csv")).startsWith("step,direction"));
        JsonObject s = JsonParser.parseString(Files.readString(tmp.resolve("long.interrupted.leafwalk.json")))
                .getAsJsonObject();
        assertTrue(s.get("interrupted").getAsString().startsWith("SIGTERM after "), s.toString().substring(0, 80));
        assertFalse(Files.exists(session), "the session asked for was written although the walk did not finish");
        // the interrupted session is a complete one: it exports
        assertEquals(0, Cli.run("export", "--session", tmp.resolve("long.interrupted.leafwalk.json").toString(),
                "--csv", tmp.resolve("again.csv").toString()).code());
    }
}
