package org.leafwalk.explore.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.testing.HangGuard;
import org.leafwalk.testing.TinyVit;

/**
 * {@code leafwalk serve} as its own process on a loopback port, killed (SIGKILL) in the middle of a drag: the client
 * keeps every step computed, and a server process started again on the same port resumes the walk.
 */
class KilledServerTest {
    @TempDir
    Path tmp;

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    /** Starts {@code leafwalk serve} in a JVM of its own and returns it once it listens, with its port. */
    private Process serve(Path models, Path token, int port, AtomicReference<Integer> bound) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.leafwalk.cli.Main", "serve", "--listen", "127.0.0.1:" + port, "--models", models.toString(),
                "--device", "cpu", "--token-file", token.toString()).redirectErrorStream(true);
        pb.environment().put("LEAFWALK_STATE", tmp.resolve("state").toString());
        Process p = pb.start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                // the process is gone
            }
            listening.completeExceptionally(new IllegalStateException("serve ended without listening"));
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
        bound.set(listening.get(HangGuard.SECONDS, TimeUnit.SECONDS));
        return p;
    }


    @Test
    void aServerKilledMidDragLeavesTheWalkWithTheClientAndAServerStartedAgainResumesIt() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        TinyVit.write(models, "m", TinyVit.small(), 9);
        Path tokenFile = tmp.resolve("serve.token");
        AtomicReference<Integer> port = new AtomicReference<>();
        Process server = serve(models, tokenFile, 0, port);
        Process again = null;
        AtomicReference<Snapshot> last = new AtomicReference<>();
        List<Notice> notices = new CopyOnWriteArrayList<>();
        try (RemoteExploration client = Connection.of("127.0.0.1:" + port.get(), tokenFile, false, null, false)
                .open(last::set, notices::add)) {
            client.open(Path.of("m"), "sample:1");
            HangGuard.awaitIdle(client);
            client.drag(SliderKind.NULL, 0, 1e6);
            HangGuard.until(() -> last.get() != null && last.get().walk().step() >= 5, "the drag never moved");
            server.destroyForcibly(); // SIGKILL: no goodbye, no shutdown hook
            assertTrue(server.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS));
            HangGuard.until(() -> notices.stream().anyMatch(n -> Notice.RECONNECT.equals(n.action())),
                    "the client never said the server was gone: " + notices);
            List<TrajectoryEntry> kept = client.trajectory();
            // a step is kept before its state is shown: the server may be killed between the two
            assertTrue(kept.get(kept.size() - 1).step() >= last.get().walk().step(), "the last state shown is kept");

            again = serve(models, tokenFile, port.get(), new AtomicReference<>());
            client.reconnect();
            HangGuard.awaitIdle(client);
            List<TrajectoryEntry> resumed = client.trajectory();
            assertEquals(kept.size(), resumed.size(), "every step kept is there again: " + notices);
            for (int i = 0; i < kept.size(); i++) {
                assertArrayEquals(kept.get(i).probabilities(), resumed.get(i).probabilities(), 0, "step " + i);
            }
            assertEquals(kept.get(kept.size() - 1).step(), last.get().walk().step(), "it resumes at the last step kept");
        } finally {
            server.destroyForcibly();
            if (again != null) {
                again.destroyForcibly();
                again.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS);
            }
        }
    }
}
