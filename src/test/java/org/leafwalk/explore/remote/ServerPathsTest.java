package org.leafwalk.explore.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.testing.HangGuard;
import org.leafwalk.testing.InProcessServer;
import org.leafwalk.testing.TinyVit;

/** What a client sends never makes the server read a path of the client's choosing, nor hold more than its limits. */
class ServerPathsTest {
    @TempDir
    Path tmp;

    /**
     * A session file names its input image; one edited to name a file on the server, reopened there, and then
     * moved to another model (which reads the image again), shows the session's own picture: the server reads the
     * image from the bytes the session holds, never from the path it names.
     */
    @Test
    void aSessionNamingAServerFileNeverMakesTheServerReadIt() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        TinyVit.write(models, "m", TinyVit.small(), 9);
        TinyVit.write(models, "m2", TinyVit.small(), 11);
        Path image = tmp.resolve("blob.png");
        TinyVit.blobPng(image, 4);
        Path secret = tmp.resolve("secret.png"); // a file on the server that the client wants to see
        TinyVit.blobPng(secret, 1);
        AtomicReference<Snapshot> last = new AtomicReference<>();
        List<Notice> notices = new CopyOnWriteArrayList<>();
        try (InProcessServer server = new InProcessServer(List.of(models));
                RemoteExploration client = server.client(s -> last.set(s), notices::add)) {
            client.openModel(Path.of("m"));
            client.openImage(image);
            HangGuard.awaitIdle(client);
            double[] own = last.get().picture().pixels();
            client.drag(SliderKind.NULL, 0, 0.2);
            HangGuard.awaitIdle(client);
            Path session = tmp.resolve("w.leafwalk.json");
            client.export(ExportKind.SESSION, session, Exports.GifOptions.defaults());
            HangGuard.awaitIdle(client);
            var json = com.google.gson.JsonParser.parseString(Files.readString(session)).getAsJsonObject();
            json.getAsJsonObject("input").addProperty("name", secret.toString());
            Files.writeString(session, json.toString());
            client.openSession(session, false);
            HangGuard.awaitIdle(client);
            assertTrue(notices.stream().anyMatch(n -> n.message().contains("opened session")), notices.toString());
            client.openModel(Path.of("m2")); // the input is read again for the new model
            HangGuard.awaitIdle(client);
            assertEquals("m2", last.get().source().model());
            assertArrayEquals(own, last.get().input().start().pixels(), 1e-12,
                    "the session's picture, not the server's file it names");
        }
    }

    /** Answers wait on one thread per kind with a bounded queue: a flood of syncs is refused, never a thread each. */
    @Test
    void aFloodOfSyncsIsRefusedBeyondTheLimitAndTheSessionGoesOn() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        TinyVit.write(models, "m", TinyVit.small(), 9);
        List<Notice> notices = new CopyOnWriteArrayList<>();
        try (InProcessServer server = new InProcessServer(List.of(models));
                RemoteExploration client = server.client(s -> { }, notices::add)) {
            client.open(Path.of("m"), "sample:1");
            HangGuard.awaitIdle(client);
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            client.holdWorkerUntil(gate);
            int threadsBefore = Thread.activeCount();
            List<Thread> waiting = new java.util.ArrayList<>();
            List<Throwable> refused = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 200; i++) {
                Thread t = new Thread(() -> {
                    try {
                        client.awaitIdle(HangGuard.MILLIS);
                    } catch (IllegalStateException e) {
                        refused.add(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                waiting.add(t);
            }
            long end = System.nanoTime() + HangGuard.HANG_GUARD.toNanos();
            while (refused.size() < 200 - ServerSession.MAX_WAITING - 1 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertTrue(refused.size() >= 200 - ServerSession.MAX_WAITING - 1, "refused " + refused.size());
            assertTrue(Thread.activeCount() - threadsBefore <= 200 + 8, "the server made a thread per sync");
            gate.countDown();
            for (Thread t : waiting) {
                t.join(HangGuard.MILLIS);
            }
            HangGuard.awaitIdle(client);
            assertTrue(notices.stream().anyMatch(n -> n.message().contains("requests wait for an answer")),
                    notices.toString());
        }
    }
}
