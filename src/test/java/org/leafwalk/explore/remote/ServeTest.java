package org.leafwalk.explore.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.remote.wire.CatalogueRequest;
import org.leafwalk.explore.remote.wire.ExploreGrpc;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.testing.HangGuard;
import org.leafwalk.testing.TinyVit;

/**
 * A real Netty server on a loopback port (the system picks it): TLS with a certificate made here, the token, the
 * loopback rule, and what happens when a client or the server goes away. Waits are hang guards only.
 */
class ServeTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    private ComputeServer start(String token, Path cert, Path key, Limits limits) throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        if (!Files.exists(models.resolve("m"))) {
            TinyVit.write(models, "m", TinyVit.small(), 9);
        }
        return ComputeServer.start(new ComputeServer.Config("127.0.0.1", 0, List.of(models), "cpu", token, cert, key,
                false, limits, log));
    }

    private static String log(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }


    @Test
    void aTokenIsWrittenOwnerOnlyAndKeptAcrossStarts() throws Exception {
        Path f = tmp.resolve("state/serve.token");
        String t = Tokens.readOrCreate(f);
        assertTrue(t.matches("[0-9a-f]{64}"), t);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(t, Tokens.readOrCreate(f), "a restarted server keeps its token");
        assertEquals(t, Tokens.read(f));
        assertFalse(Tokens.matches(t, t.substring(0, 63) + (t.charAt(63) == '0' ? '1' : '0')));
        assertFalse(Tokens.matches(t, null));
    }

    @Test
    void aCallWithoutTheTokenOrWithAnotherIsRefusedAndLogged() throws Exception {
        String token = Tokens.generate();
        try (ComputeServer server = start(token, null, null, Limits.DEFAULTS)) {
            ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                    InsecureChannelCredentials.create()).build();
            try {
                var none = assertThrows(StatusRuntimeException.class, () -> ExploreGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(HangGuard.SECONDS, TimeUnit.SECONDS).catalogue(
                                CatalogueRequest.getDefaultInstance()));
                assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
                var wrong = assertThrows(StatusRuntimeException.class, () -> ExploreGrpc.newBlockingStub(ch)
                        .withCallCredentials(Connection.credentials(Tokens.generate()))
                        .withDeadlineAfter(HangGuard.SECONDS, TimeUnit.SECONDS).catalogue(
                                CatalogueRequest.getDefaultInstance()));
                assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
                var ok = ExploreGrpc.newBlockingStub(ch).withCallCredentials(Connection.credentials(token))
                        .withDeadlineAfter(HangGuard.SECONDS, TimeUnit.SECONDS)
                        .catalogue(CatalogueRequest.getDefaultInstance());
                assertTrue(ok.getModelsList().contains("m"), ok.getModelsList().toString());
                assertEquals("CPU", ok.getDevice());
            } finally {
                ch.shutdownNow();
            }
            String l = log(logBytes);
            assertTrue(l.contains("refused Catalogue: no token") && l.contains("refused Catalogue: a wrong token"), l);
            assertFalse(l.contains(token), "the log holds no token");
        }
    }

    @Test
    void anOpenBindNeedsTlsOrInsecureAndAClientRefusesTheClearOffLoopback() {
        var e = assertThrows(InvalidInputException.class, () -> ComputeServer.start(new ComputeServer.Config(
                "0.0.0.0", 0, List.of(), "cpu", Tokens.generate(), null, null, false, Limits.DEFAULTS, log)));
        assertTrue(e.getMessage().contains("not a loopback address") && e.getMessage().contains("--insecure"),
                e.getMessage());
        var c = assertThrows(InvalidInputException.class, () -> Connection.of("192.0.2.1:7465", null, false, null,
                false));
        assertTrue(c.getMessage().contains("--tls"), c.getMessage());
        assertThrows(InvalidInputException.class, () -> Connection.address("localhost"));
        assertThrows(InvalidInputException.class, () -> Connection.address("localhost:99999"));
    }

    /** A certificate for 127.0.0.1 made here by the JDK's keytool, as PEM files serve reads. */
    private Path[] certificate() throws Exception {
        Path ks = tmp.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "leafwalk", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                ks.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        var mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n"
                + mime.encodeToString(store.getCertificate("leafwalk").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + mime.encodeToString(store.getKey("leafwalk", "changeit".toCharArray()).getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return new Path[] {cert, key};
    }

    @Test
    void overTlsAClientThatTrustsTheCertificateWalksAndOneThatDoesNotIsRefused() throws Exception {
        Path[] ck = certificate();
        String token = Tokens.generate();
        Path tokenFile = tmp.resolve("client.token");
        Files.writeString(tokenFile, token + "\n");
        try (ComputeServer server = start(token, ck[0], ck[1], Limits.DEFAULTS)) {
            AtomicReference<Snapshot> last = new AtomicReference<>();
            List<Notice> notices = new CopyOnWriteArrayList<>();
            Connection c = Connection.of("127.0.0.1:" + server.port(), tokenFile, false, ck[0], false);
            try (RemoteExploration client = c.open(s -> last.set(s), notices::add)) {
                assertTrue(client.hello(HangGuard.MILLIS).getModelsList().contains("m"));
                client.open(Path.of("m"), "sample:3");
                HangGuard.awaitIdle(client);
                client.drag(SliderKind.NULL, 0, 0.3);
                HangGuard.awaitIdle(client);
                assertTrue(last.get().walk().step() > 0, "walked over TLS: " + notices);
                assertTrue(client.connection().startsWith("Server: 127.0.0.1:" + server.port() + " (CPU)"),
                        client.connection());
            }
            // the system's roots do not know a certificate made here: the handshake fails, nothing is sent
            ManagedChannel untrusting = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                    TlsChannelCredentials.create()).build();
            try {
                var e = assertThrows(StatusRuntimeException.class, () -> ExploreGrpc.newBlockingStub(untrusting)
                        .withCallCredentials(Connection.credentials(token))
                        .withDeadlineAfter(HangGuard.SECONDS, TimeUnit.SECONDS)
                        .catalogue(CatalogueRequest.getDefaultInstance()));
                assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            } finally {
                untrusting.shutdownNow();
            }
        }
    }

    @Test
    void aClientThatGoesAwayFreesItsSessionAndOthersGoOn() throws Exception {
        String token = Tokens.generate();
        try (ComputeServer server = start(token, null, null, Limits.DEFAULTS)) {
            Connection c = new Connection("127.0.0.1", server.port(), token, false, null, false);
            AtomicReference<Snapshot> a = new AtomicReference<>();
            RemoteExploration stays = c.open(a::set, n -> { });
            ManagedChannel killed = c.channel();
            RemoteExploration goes = new RemoteExploration(killed, Connection.credentials(token), "x", s -> { },
                    n -> { });
            stays.open(Path.of("m"), "sample:1");
            goes.open(Path.of("m"), "sample:2");
            HangGuard.awaitIdle(stays);
            HangGuard.awaitIdle(goes);
            assertEquals(2, server.sessions());
            goes.play(org.leafwalk.explore.walk.WalkAlgorithm.SIMEC);
            killed.shutdownNow(); // the client dies mid-walk: its connection drops without a goodbye
            HangGuard.until(() -> server.sessions() == 1, "the dead client's session was never freed");
            stays.drag(SliderKind.EIGEN, 0, 0.2);
            HangGuard.awaitIdle(stays);
            assertTrue(a.get().walk().step() > 0, "the other client still walks");
            stays.close();
            HangGuard.until(() -> server.sessions() == 0, "a closed client's session was never freed");
        }
    }

    @Test
    void whenTheServerIsGoneTheClientSaysSoAndKeepsWhatItShowed() throws Exception {
        String token = Tokens.generate();
        ComputeServer server = start(token, null, null, Limits.DEFAULTS);
        AtomicReference<Snapshot> last = new AtomicReference<>();
        List<Notice> notices = new CopyOnWriteArrayList<>();
        Connection c = new Connection("127.0.0.1", server.port(), token, false, null, false);
        try (RemoteExploration client = c.open(last::set, notices::add)) {
            client.open(Path.of("m"), "sample:1");
            HangGuard.awaitIdle(client);
            client.play(org.leafwalk.explore.walk.WalkAlgorithm.SIMEC);
            HangGuard.until(() -> last.get() != null && last.get().walk().step() >= 3, "the walk never moved");
            server.close(); // the server stops in the middle of the walk
            HangGuard.until(() -> notices.stream().anyMatch(n -> n.level() == Notice.Level.BANNER
                    && n.message().contains("is gone")), "the client never said the server was gone: " + notices);
            Snapshot kept = last.get();
            assertTrue(kept.walk().step() >= 3, "the last computed state is kept");
            assertFalse(client.busy(), "a client of a server that is gone waits for nothing");
            assertTrue(client.connection().contains("gone") || client.connection().contains("UNAVAILABLE"),
                    client.connection());
        }
    }

    @Test
    void aStepTravelsToTheKeptWalkOnceHoweverTheCursorMoves() throws Exception {
        String token = Tokens.generate();
        try (ComputeServer server = start(token, null, null, Limits.DEFAULTS);
                RemoteExploration client = new Connection("127.0.0.1", server.port(), token, false, null, false)
                        .open(s -> { }, n -> { })) {
            client.open(Path.of("m"), "sample:1");
            HangGuard.awaitIdle(client);
            for (int i = 0; i < 6; i++) {
                client.stepOnce(org.leafwalk.explore.walk.WalkAlgorithm.SIMEC);
                HangGuard.awaitIdle(client);
            }
            long received = client.keptStepsReceived();
            assertEquals(7, received, "the start and six steps");
            client.scrubTo(2);
            HangGuard.awaitIdle(client);
            client.scrubTo(6);
            HangGuard.awaitIdle(client);
            client.undo();
            HangGuard.awaitIdle(client);
            assertEquals(received, client.keptStepsReceived(), "moving the cursor sends no step again");
            assertEquals(6, client.trajectory().size(), "the walk up to the cursor");
        }
    }

    @Test
    void killedMidDragTheClientKeepsTheWalkSavesItAndResumesItOnAServerStartedAgain() throws Exception {
        String token = Tokens.generate();
        ComputeServer server = start(token, null, null, Limits.DEFAULTS);
        int port = server.port();
        AtomicReference<Snapshot> last = new AtomicReference<>();
        List<Notice> notices = new CopyOnWriteArrayList<>();
        Connection c = new Connection("127.0.0.1", port, token, false, null, false);
        try (RemoteExploration client = c.open(last::set, notices::add)) {
            client.open(Path.of("m"), "sample:1");
            HangGuard.awaitIdle(client);
            client.drag(SliderKind.NULL, 0, 1e6); // a drag that goes on until the server is gone
            HangGuard.until(() -> last.get() != null && last.get().walk().step() >= 5, "the drag never moved");
            server.close(); // the server is killed in the middle of the drag
            HangGuard.until(() -> notices.stream().anyMatch(n -> Notice.RECONNECT.equals(n.action())),
                    "the client never offered to reconnect: " + notices);
            List<TrajectoryEntry> kept = client.trajectory();
            assertTrue(kept.size() >= 6, "every step computed is kept: " + kept.size());
            // a step is kept before its state is shown: the server may stop between the two
            assertTrue(kept.get(kept.size() - 1).step() >= last.get().walk().step(),
                    "the kept walk holds the last state shown");
            Path saved = tmp.resolve("kept.leafwalk.json");
            client.export(org.leafwalk.explore.service.ExportKind.SESSION, saved, null);
            HangGuard.until(() -> Files.exists(saved), "the kept walk was never saved: " + notices);
            var loaded = org.leafwalk.explore.session.SessionFiles.load(saved);
            assertEquals(kept.size(), loaded.recording().trajectory().size(), "the session holds every step kept");

            server = ComputeServer.start(new ComputeServer.Config("127.0.0.1", port, List.of(tmp.resolve("models")),
                    "cpu", token, null, null, false, Limits.DEFAULTS, log));
            client.reconnect();
            HangGuard.awaitIdle(client);
            List<TrajectoryEntry> resumed = client.trajectory();
            assertEquals(kept.size(), resumed.size(), "the walk resumes with every step: " + notices);
            for (int i = 0; i < kept.size(); i++) {
                assertEquals(kept.get(i).step(), resumed.get(i).step());
                org.junit.jupiter.api.Assertions.assertArrayEquals(kept.get(i).point(), resumed.get(i).point(), 1e-6,
                        "step " + i + " (a session keeps its points in float32)");
                org.junit.jupiter.api.Assertions.assertArrayEquals(kept.get(i).probabilities(),
                        resumed.get(i).probabilities(), 0, "step " + i);
            }
            client.drag(SliderKind.EIGEN, 0, 0.2);
            HangGuard.awaitIdle(client);
            client.release();
            HangGuard.awaitIdle(client);
            assertTrue(client.trajectory().size() > kept.size(), "the walk goes on from where it was");
        } finally {
            server.close();
        }
    }

    @Test
    void badRequestsGetAClearNoticeAndTheSessionGoesOn() throws Exception {
        String token = Tokens.generate();
        Limits small = new Limits(1 << 16, 1 << 20, 1_000, 1_000, 4, 60_000);
        try (ComputeServer server = start(token, null, null, small)) {
            AtomicReference<Snapshot> last = new AtomicReference<>();
            List<Notice> notices = new CopyOnWriteArrayList<>();
            Connection c = new Connection("127.0.0.1", server.port(), token, false, null, false);
            try (RemoteExploration client = c.open(last::set, notices::add)) {
                client.open(Path.of("m"), "sample:1");
                HangGuard.awaitIdle(client);
                long v = last.get().version();
                client.openModel(Path.of("/etc/passwd")); // a path names nothing on a server: only its name is sent
                client.openModel(Path.of("no-such-model"));
                client.openText("a".repeat(1_000_000));
                Path big = tmp.resolve("big.png");
                Files.write(big, new byte[200_000]);
                client.openImage(big);
                HangGuard.awaitIdle(client);
                for (String expected : new String[] {"no model named 'passwd'", "no model named 'no-such-model'",
                        "a sentence of 1000000 characters", "an image file of 200000 bytes"}) {
                    assertTrue(notices.stream().anyMatch(n -> n.level() == Notice.Level.ERROR
                            && n.message().contains(expected)), expected + " in " + notices);
                }
                assertEquals("m", last.get().source().model(), "what was open stays open");
                client.drag(SliderKind.NULL, 0, 0.2);
                HangGuard.awaitIdle(client);
                assertTrue(last.get().version() > v, "and it still walks");
                List<TrajectoryEntry> t = client.trajectory();
                assertEquals(last.get().walk().length(), t.size());
            }
            String l = log(logBytes);
            assertFalse(l.contains("a request failed"), "no request was a bug: " + l);
        }
    }

    /** Clients walking at once on their own sessions: every step of every walk recorded, nothing refused. */
    @Test
    void clientsWalkingAtOnceEachGetTheirWholeWalk() throws Exception {
        String token = Tokens.generate();
        try (ComputeServer server = start(token, null, null, Limits.DEFAULTS)) {
            Connection c = new Connection("127.0.0.1", server.port(), token, false, null, false);
            int clients = 3;
            int steps = 25;
            var pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            List<java.util.concurrent.Future<List<TrajectoryEntry>>> walks = new java.util.ArrayList<>();
            List<Notice> errors = new CopyOnWriteArrayList<>();
            for (int k = 0; k < clients; k++) {
                int sample = k;
                walks.add(pool.submit(() -> {
                    try (RemoteExploration client = c.open(x -> { }, n -> {
                        if (n.level() != Notice.Level.INFO) {
                            errors.add(n);
                        }
                    })) {
                        client.open(Path.of("m"), "sample:" + sample);
                        HangGuard.awaitIdle(client);
                        for (int i = 0; i < steps; i++) {
                            client.stepOnce(i % 2 == 0 ? org.leafwalk.explore.walk.WalkAlgorithm.SIMEC
                                    : org.leafwalk.explore.walk.WalkAlgorithm.SIMEXP);
                        }
                        HangGuard.awaitIdle(client);
                        return client.trajectory();
                    }
                }));
            }
            for (var w : walks) {
                List<TrajectoryEntry> t = w.get(HangGuard.SECONDS, TimeUnit.SECONDS);
                assertEquals(steps + 1, t.size(), "every step recorded");
                for (int i = 0; i < t.size(); i++) {
                    assertEquals(i, t.get(i).step());
                }
            }
            pool.shutdown();
            assertEquals(List.of(), errors);
            HangGuard.until(() -> server.sessions() == 0, "the sessions were never freed");
        }
    }

    @Test
    void theServerTakesNoMoreSessionsThanItsLimit() throws Exception {
        String token = Tokens.generate();
        try (ComputeServer server = start(token, null, null, Limits.DEFAULTS.withMaxSessions(1))) {
            Connection c = new Connection("127.0.0.1", server.port(), token, false, null, false);
            List<Notice> second = new CopyOnWriteArrayList<>();
            try (RemoteExploration one = c.open(s -> { }, n -> { })) {
                one.hello(HangGuard.MILLIS);
                try (RemoteExploration two = c.open(s -> { }, second::add)) {
                    var e = assertThrows(IllegalStateException.class, () -> two.hello(HangGuard.MILLIS));
                    assertTrue(e.getMessage().contains("most sessions"), e.getMessage());
                }
            }
        }
    }
}
