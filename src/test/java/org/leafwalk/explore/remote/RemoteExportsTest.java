package org.leafwalk.explore.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.testing.HangGuard;
import org.leafwalk.testing.InProcessServer;
import org.leafwalk.testing.TinyVit;

/**
 * The same walk in this process and on a server writes the same files, byte for byte, on the client: the trajectory
 * CSV and JSON, safetensors, npz, the GIF, the PNG pair and the session. A walk names its model as it was opened:
 * the window here by the folder's path, a server by its catalogue name; the service here is told to name it as the
 * server does, so that every other byte is compared.
 */
class RemoteExportsTest {
    @TempDir
    Path tmp;

    private void walk(Exploration s, Path model, Path image) throws Exception {
        s.openModel(model);
        s.openImage(image);
        HangGuard.awaitIdle(s);
        s.drag(SliderKind.NULL, 0, 0.4);
        HangGuard.awaitIdle(s);
        s.release();
        HangGuard.awaitIdle(s); // a step stops the motion at once: let the release settle first, as a user would
        s.stepOnce(WalkAlgorithm.SIMEXP);
        HangGuard.awaitIdle(s);
        s.stepOnce(WalkAlgorithm.SIMEC);
        HangGuard.awaitIdle(s);
    }

    private final java.util.Map<String, List<org.leafwalk.explore.walk.TrajectoryEntry>> walks =
            new java.util.HashMap<>();

    private void export(Exploration s, Path dir) throws Exception {
        walks.put(dir.getFileName().toString(), s.trajectory());
        Files.createDirectories(dir);
        for (ExportKind k : ExportKind.values()) {
            if (k != ExportKind.LIPSCHITZ_CSV) {
                s.export(k, dir.resolve("w." + k.name().toLowerCase()), Exports.GifOptions.defaults());
            }
        }
        HangGuard.awaitIdle(s);
    }

    @Test
    void aRemoteWalkWritesTheFilesALocalOneWrites() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        Path model = TinyVit.write(models, "m", TinyVit.small(), 9);
        Path image = tmp.resolve("blob.png");
        TinyVit.blobPng(image, 4);
        List<Notice> notices = new CopyOnWriteArrayList<>();
        try (ExplorationService local = new ExplorationService("cpu", s -> { }, notices::add)) {
            // this process's service naming the model as the server does (its catalogue name, the folder's name)
            new org.leafwalk.explore.service.ServedSession(local, d -> d.getFileName().toString());
            walk(local, model, image);
            export(local, tmp.resolve("here"));
        }
        try (InProcessServer server = new InProcessServer(List.of(models));
                Exploration remote = server.client(s -> { }, notices::add)) {
            walk(remote, Path.of("m"), image);
            export(remote, tmp.resolve("there"));
        }
        assertTrue(notices.stream().noneMatch(n -> n.level() == Notice.Level.ERROR), notices.toString());
        List<String> names;
        try (var s = Files.list(tmp.resolve("here"))) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        try (var s = Files.list(tmp.resolve("there"))) {
            assertEquals(names, s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(names.size() >= 8, names.toString());
        var here = walks.get("here");
        var there = walks.get("there");
        assertEquals(here.size(), there.size(), "steps");
        for (int i = 0; i < here.size(); i++) {
            assertArrayEquals(here.get(i).point(), there.get(i).point(), 0, "the point of step " + i);
            assertArrayEquals(here.get(i).probabilities(), there.get(i).probabilities(), 0, "step " + i);
        }
        for (String n : names) {
            byte[] a = Files.readAllBytes(tmp.resolve("here").resolve(n));
            byte[] b = Files.readAllBytes(tmp.resolve("there").resolve(n));
            assertArrayEquals(a, b, n + " differs between the walk here and on the server");
        }
    }
}
