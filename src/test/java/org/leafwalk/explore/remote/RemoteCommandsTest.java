package org.leafwalk.explore.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.service.CommandJob;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.HangGuard;
import org.leafwalk.testing.TinyVit;

/**
 * {@code walk} and {@code inspect} with {@code --connect} against a real server on a loopback port: the same files,
 * byte for byte, as the same walk in this process; the same lines printed; a stop asked for mid-walk keeps what was
 * walked; a client that goes away stops its walk on the server; the server's refusals reach the user as one line.
 */
class RemoteCommandsTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private ComputeServer server;
    private Path tokenFile;

    @BeforeEach
    void start() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        TinyVit.write(models, "m", TinyVit.small(), 9);
        String token = Tokens.generate();
        tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, token);
        server = ComputeServer.start(new ComputeServer.Config("127.0.0.1", 0, List.of(models), "cpu", token, null,
                null, false, Limits.DEFAULTS, new PrintStream(logBytes, true, StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String[] remote(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--connect", "127.0.0.1:" + server.port(), "--token-file", tokenFile.toString()));
        return all.toArray(String[]::new);
    }

    private static final List<String> FILES = List.of("csv", "trajectory-json", "gif", "session", "safetensors",
            "npz");

    private String[] walk(Path dir, String input, String... more) {
        List<String> a = new ArrayList<>(List.of("walk", "--model", "default", "--input", input, "--steps", "4",
                "--device", "auto"));
        for (String f : FILES) {
            a.add("--" + f);
            a.add(dir.resolve("w." + f).toString());
        }
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aRemoteWalkWritesTheFilesALocalOneWritesByteForByte() throws Exception {
        Path image = tmp.resolve("blob.png");
        TinyVit.blobPng(image, 28);
        for (String[] input : List.of(new String[] {"sample:3", "--algo", "simexp"}, new String[] {image.toString(),
                "--algo", "simec", "--seed", "7"})) {
            Path here = Files.createDirectories(tmp.resolve("here"));
            Path there = Files.createDirectories(tmp.resolve("there"));
            String[] rest = java.util.Arrays.copyOfRange(input, 1, input.length);
            Cli.Result local = Cli.run(walk(here, input[0], rest));
            assertEquals(0, local.code(), local.err());
            Cli.Result far = Cli.run(remote(walk(there, input[0], rest)));
            assertEquals(0, far.code(), far.err());
            for (String f : FILES) {
                byte[] a = Files.readAllBytes(here.resolve("w." + f));
                byte[] b = Files.readAllBytes(there.resolve("w." + f));
                assertArrayEquals(a, b, () -> f + " differs between the walk here and on the server (" + input[0]
                        + ")" + firstDifferentLine(a, b));
            }
            assertEquals(local.out().replaceAll("[0-9.]+ ms/step", ""), far.out().replaceAll("[0-9.]+ ms/step", ""));
            Files.walk(tmp.resolve("here")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            Files.walk(tmp.resolve("there")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile()
                    .delete());
        }
    }

    /** Where two text files first differ, line by line (empty for binary files). */
    private static String firstDifferentLine(byte[] a, byte[] b) {
        String[] x = new String(a, StandardCharsets.UTF_8).split("\n");
        String[] y = new String(b, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (!x[i].equals(y[i])) {
                return ": line " + (i + 1) + "\n here:  " + x[i] + "\n there: " + y[i];
            }
        }
        return "";
    }

    @Test
    void aRemoteInspectPrintsWhatALocalOnePrints() {
        Cli.Result local = Cli.run("inspect", "--model", "default", "--input", "sample:5");
        Cli.Result far = Cli.run(remote("inspect", "--model", "default", "--input", "sample:5"));
        assertEquals(0, far.code(), far.err());
        assertEquals(local.out(), far.out());
        Cli.Result json = Cli.run(remote("inspect", "--model", "m", "--input", "sample:1", "--json"));
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().contains("\"model\": \"m\""), "the model by its catalogue name: " + json.out());
    }

    @Test
    void theServersRefusalsReachTheUserAsOneLine() {
        Cli.assertRefused(Cli.run(remote("walk", "--model", "nope", "--input", "sample:1")), "no model named 'nope'",
                "default");
        Cli.assertRefused(Cli.run(remote("walk", "--model", "m", "--input", "sample:1", "--direction", "900")),
                "--direction 900");
        Cli.assertRefused(Cli.run(remote("walk", "--model", "m", "--input", "text:hello")), "image model");
        Cli.assertRefused(Cli.run(remote("walk", "--model", "minilm", "--input", "sample:1")), "sentence");
        Cli.assertRefused(Cli.run(remote("inspect", "--model", "m", "--input", "sample:1", "--device", "cpu")),
                "--device", "serve --device");
        Cli.assertRefused(Cli.run(remote("walk", "--model", "m", "--input", tmp.resolve("none.png").toString())),
                "none.png");
        // files that would not fit in one answer are refused before the first step, not after the last
        Cli.assertRefused(Cli.run(remote("walk", "--model", "default", "--input", "sample:1", "--steps", "100000",
                "--npz", tmp.resolve("a.npz").toString(), "--session", tmp.resolve("a.leafwalk.json").toString())),
                "MB of points", "100000 steps of 784 numbers");
    }

    private CommandJob.Request walkOf(int steps) {
        return new CommandJob.Request(CommandJob.Command.WALK, "m", "m", CommandJob.Input.ref("sample:2"),
                CommandJob.Text.NONE, Settings.DEFAULTS, false, "0", steps, Set.of("csv"),
                Exports.GifOptions.defaults());
    }

    @Test
    void aStopMidWalkKeepsTheStepsWalked() throws Exception {
        Connection c = new Connection("127.0.0.1", server.port(), Files.readString(tokenFile), false, null, false);
        AtomicInteger seen = new AtomicInteger();
        CommandJob.Result r = RemoteJobs.run(c, "m", walkOf(100_000), new CommandJob.Listener() {
            @Override
            public void progress(int done, String message) {
                seen.set(done);
            }

            @Override
            public String stopRequested() {
                return seen.get() >= 3 ? "SIGINT" : null;
            }
        }, n -> { });
        assertEquals("SIGINT", r.interrupted());
        assertTrue(r.stepsDone() >= 3 && r.stepsDone() < 100_000, "steps " + r.stepsDone());
        String csv = new String(r.files().get("csv"), StandardCharsets.UTF_8);
        assertEquals(r.stepsDone() + 2, csv.strip().split("\n").length, "a header, the start and every step walked");
        assertTrue(r.document().contains("\"interrupted\": \"SIGINT after " + r.stepsDone() + " of 100000 steps\""),
                r.document());
    }

    @Test
    void aClientThatGoesAwayStopsItsWalkOnTheServer() throws Exception {
        String token = Files.readString(tokenFile);
        Connection c = new Connection("127.0.0.1", server.port(), token, false, null, false);
        var channel = c.channel();
        var client = new RemoteExploration(channel, Connection.credentials(token), "x", s -> { }, n -> { });
        AtomicInteger seen = new AtomicInteger();
        client.hello(HangGuard.HANG_GUARD.toMillis());
        client.job(JobWire.job(walkOf(100_000), "m"), p -> seen.set(p.getDone()));
        HangGuard.until(() -> seen.get() >= 3, "the walk never moved");
        channel.shutdownNow(); // the client dies mid-walk
        HangGuard.until(() -> log().contains("(the client went away after"), "the walk went on without its client");
        HangGuard.until(() -> server.sessions() == 0, "the session was never freed");
    }

    private String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }
}
