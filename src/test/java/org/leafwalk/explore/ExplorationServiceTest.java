package org.leafwalk.explore;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Preview;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.testing.TinyVit;

/** The compute service: drags walk, latest target wins, failures leave the state alone. */
class ExplorationServiceTest {
    @TempDir
    Path tmp;

    Exploration service;
    final AtomicReference<Snapshot> last = new AtomicReference<>();
    final List<Notice> notices = new CopyOnWriteArrayList<>();
    Path model;

    @BeforeEach
    void open() throws Exception {
        model = TinyVit.write(tmp, "m", TinyVit.small(), 9);
        Path img = tmp.resolve("blob.png");
        TinyVit.blobPng(img, 4);
        service = open(s -> {
            if (s != null) {
                last.set(s);
            }
        }, notices::add);
        service.openModel(model);
        service.openImage(img);
        HangGuard.awaitIdle(service);
        assertNotNull(last.get(), "a snapshot after opening");
    }

    /** The service under test: this process's (a remote client in {@code RemoteExplorationServiceTest}). */
    protected Exploration open(java.util.function.Consumer<Snapshot> snapshots,
            java.util.function.Consumer<Notice> notices) throws Exception {
        return new ExplorationService("cpu", snapshots, notices);
    }

    /**
     * Whether the service's count of pending computations is its own, at once: a remote client counts requests on
     * their way as one until the server says how many it holds, so for it the walk below is the check.
     */
    protected boolean countsPendingOnItsOwnThread() {
        return true;
    }

    /** What closes after the service (a server). */
    protected void closed() throws Exception { }

    @AfterEach
    void close() throws Exception {
        service.close();
        closed();
    }

    @Test
    void keepsSliderWalksWithoutChangingTheClassAndChangesSliderMovesProbabilities() throws Exception {
        Snapshot start = last.get();
        service.drag(SliderKind.NULL, 0, 1.0);
        HangGuard.awaitIdle(service);
        Snapshot after = last.get();
        assertTrue(after.walk().step() > 5, "steps performed: " + after.walk().step());
        assertShowsTheModelAtItsPoint(after);
        assertEquals(start.outputs().startPrediction(), after.outputs().prediction());
        assertTrue(after.walk().distance() > 0.5, "moved " + after.walk().distance());
        double drift = maxDiff(start.outputs().probabilities(), after.outputs().probabilities());
        assertTrue(drift < 1e-2, "keeps slider moved the probabilities by " + drift);
        service.release();
        service.drag(SliderKind.EIGEN, 0, 2.0);
        HangGuard.awaitIdle(service);
        double moved = maxDiff(start.outputs().probabilities(), last.get().outputs().probabilities());
        assertTrue(moved > 10 * drift && moved > 0.02, "changes slider moved the probabilities by " + moved);
    }

    /**
     * The first-order preview a window shows while a step computes: from the state at rest, the input x + t·v and
     * the outputs y + t·Jv agree with the walk computed there to first order (their error is a small part of the
     * change), and once the walk has reached the hand there is nothing left to preview.
     */
    @Test
    void thePreviewPredictsTheComputedWalkToFirstOrder() throws Exception {
        Snapshot start = last.get();
        assertNotNull(start.directions().eigenChanges()[0], "J·v of every direction at rest");
        for (double t : new double[] {0.05, 0.2}) {
            Snapshot p = Preview.of(start, SliderKind.EIGEN, 0, -2, t);
            assertTrue(p.preview());
            long id = service.drag(SliderKind.EIGEN, 0, t);
            HangGuard.awaitIdle(service);
            Snapshot walked = last.get();
            assertEquals(id, walked.walk().dragId(), "the state names the drag it walked");
            assertEquals(t, walked.walk().dragWalked(), 1e-9, "and how far");
            assertEquals(null, Preview.of(walked, SliderKind.EIGEN, 0, id, t), "nothing ahead: the computed state");
            assertTrue(Preview.of(walked, SliderKind.EIGEN, 0, id, 2 * t).preview(), "ahead again: a preview");
            double change = maxDiff(start.outputs().probabilities(), walked.outputs().probabilities());
            double error = maxDiff(p.outputs().probabilities(), walked.outputs().probabilities());
            double moved = maxDiff(start.picture().pixels(), walked.picture().pixels());
            double off = maxDiff(p.picture().pixels(), walked.picture().pixels());
            System.out.printf("preview t=%.2f: output change %.3g, error %.3g; input change %.3g, error %.3g%n", t,
                    change, error, moved, off);
            assertTrue(change > 0 && error < 0.25 * change, "outputs: change " + change + ", preview error " + error);
            assertTrue(moved > 0 && off < 0.25 * moved, "input: change " + moved + ", preview error " + off);
            service.release();
            HangGuard.awaitIdle(service);
            service.reset();
            HangGuard.awaitIdle(service);
        }
    }

    /**
     * A storm of 1,000 slider targets while the worker is busy leaves one pending target, not a queue of them: once
     * free, the worker walks straight to the last target, step for step as a single drag there does.
     */
    @Test
    void latestTargetWinsUnderAStorm() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        service.holdWorkerUntil(gate);
        service.drag(SliderKind.NULL, 0, 0.001);
        int afterOne = service.pendingComputations();
        for (int i = 2; i <= 1000; i++) {
            service.drag(SliderKind.NULL, 0, 0.001 * i);
        }
        // 999 more targets add nothing to wait for (the count only falls, as the worker takes up the gate)
        int afterAll = service.pendingComputations();
        if (countsPendingOnItsOwnThread()) {
            assertTrue(afterAll <= afterOne && afterAll >= 1, "pending after one target " + afterOne + ", after 1,000 "
                    + afterAll + ": the targets queued up instead of replacing each other");
        }
        gate.countDown();
        HangGuard.awaitIdle(service);
        List<TrajectoryEntry> stormed = service.trajectory();
        double walked = 0;
        for (TrajectoryEntry e : stormed.subList(1, stormed.size())) {
            walked += e.delta();
        }
        assertEquals(1.0, walked, 1e-9, "the walk ends exactly at the last target");
        service.release();
        service.reset();
        HangGuard.awaitIdle(service);
        service.drag(SliderKind.NULL, 0, 1.0);
        HangGuard.awaitIdle(service);
        List<TrajectoryEntry> direct = service.trajectory();
        assertEquals(direct.size(), stormed.size(), "the storm walked other steps than a single drag to its end");
        assertArrayEquals(direct.get(direct.size() - 1).point(), stormed.get(stormed.size() - 1).point(), 1e-12);
    }

    @Test
    void undoAndResetReturnAlongTheTrajectory() throws Exception {
        Snapshot start = last.get();
        service.drag(SliderKind.EIGEN, 0, 0.5);
        HangGuard.awaitIdle(service);
        Snapshot moved = last.get();
        assertTrue(moved.walk().step() >= 1);
        service.undo();
        HangGuard.awaitIdle(service);
        assertEquals(moved.walk().step() - 1, last.get().walk().step());
        assertShowsTheModelAtItsPoint(last.get()); // the state of the step before, not the undone one's
        service.reset();
        HangGuard.awaitIdle(service);
        assertEquals(0, last.get().walk().step());
        assertEquals(0, last.get().walk().distance(), 1e-12);
        assertArrayEquals(start.picture().pixels(), last.get().picture().pixels(), 0, "back at the start point");
        assertArrayEquals(start.outputs().probabilities(), last.get().outputs().probabilities(), 0,
                "with the start's outputs");
        assertShowsTheModelAtItsPoint(last.get());
    }

    @Test
    void aCorruptModelIsRefusedAndThePreviousOneStays() throws Exception {
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Files.copy(model.resolve("config.json"), bad.resolve("config.json"));
        Files.write(bad.resolve("model.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        long before = last.get().version();
        service.openModel(bad);
        HangGuard.awaitIdle(service);
        assertTrue(notices.stream().anyMatch(n -> n.level() == Notice.Level.ERROR
                && n.message().contains("model.safetensors")), notices.toString());
        assertEquals("m", last.get().source().model());
        service.drag(SliderKind.NULL, 0, 0.2);
        HangGuard.awaitIdle(service);
        assertNotEquals(before, last.get().version(), "the previous model still walks");
    }

    @Test
    void theWindowsExportsAndSessionsRoundTrip() throws Exception {
        service.drag(SliderKind.EIGEN, 0, 0.4);
        HangGuard.awaitIdle(service);
        service.release();
        HangGuard.awaitIdle(service);
        Snapshot walked = last.get();
        service.estimateLipschitz(); // what the Lipschitz CSV export writes
        HangGuard.awaitIdle(service);
        Path session = tmp.resolve("w.leafwalk.json");
        for (var kind : ExportKind.values()) {
            Path f = kind == ExportKind.SESSION ? session : tmp.resolve("w." + kind.name().toLowerCase());
            service.export(kind, f, Exports.GifOptions.defaults());
            HangGuard.awaitIdle(service);
            assertTrue(Files.size(f) > 0, kind + " written");
        }
        // each export holds the walk the service recorded, value for value
        List<TrajectoryEntry> recorded = service.trajectory();
        assertEquals(walked.walk().length(), recorded.size());
        org.leafwalk.testing.TrajectoryCsv.assertHolds(tmp.resolve("w.csv"), recorded, walked.outputs().labels());
        var json = com.google.gson.JsonParser.parseString(Files.readString(tmp.resolve("w.json"))).getAsJsonObject();
        var steps = json.getAsJsonArray("steps");
        assertEquals(recorded.size(), steps.size(), "a JSON step per recorded step");
        for (int i = 0; i < recorded.size(); i++) {
            var step = steps.get(i).getAsJsonObject();
            assertEquals(recorded.get(i).step(), step.get("step").getAsInt());
            assertEquals(recorded.get(i).distance(), step.get("distance").getAsDouble(), 0, "JSON distance " + i);
            var p = step.getAsJsonObject("probabilities");
            for (int c = 0; c < walked.outputs().labels().size(); c++) {
                assertEquals(recorded.get(i).probabilities()[c],
                        p.get(walked.outputs().labels().get(c)).getAsDouble(), 0, "JSON p of step " + i);
            }
        }
        float[][] points = safetensorsPoints(tmp.resolve("w.safetensors"), recorded.size());
        for (int i = 0; i < recorded.size(); i++) {
            float[] expected = new float[recorded.get(i).point().length];
            for (int j = 0; j < expected.length; j++) {
                expected[j] = (float) recorded.get(i).point()[j];
            }
            assertArrayEquals(expected, points[i], "safetensors point of step " + i);
        }
        var gif = javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
        gif.setInput(javax.imageio.ImageIO.createImageInputStream(Files.newInputStream(tmp.resolve("w.gif"))));
        assertEquals(recorded.size(), gif.getNumImages(true), "a GIF frame per recorded step (every 1)");
        // the PNG is the image at the cursor, one pixel per input pixel, each the grey its intensity is
        var png = javax.imageio.ImageIO.read(tmp.resolve("w.png").toFile());
        double[] at = recorded.get(walked.walk().step()).point();
        assertEquals(12, png.getWidth());
        assertEquals(12, png.getHeight());
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                assertEquals(at[y * 12 + x] * 255, png.getRaster().getSample(x, y, 0), 0.5 + 1e-9,
                        "PNG pixel " + x + "," + y);
            }
        }
        // every plot the window shows, with the Lipschitz curves estimated above, as PNG and SVG
        Path plots = tmp.resolve("plots");
        service.exportPlots(plots);
        HangGuard.awaitIdle(service);
        for (String name : new String[] {"spectrum", "outputs", "drift", "lipschitz"}) {
            assertTrue(Files.size(plots.resolve(name + ".png")) > 0, name);
            assertTrue(Files.readString(plots.resolve(name + ".svg")).contains("<svg"), name);
        }
        service.reset();
        HangGuard.awaitIdle(service);
        assertEquals(0, last.get().walk().step());
        service.openSession(session, false);
        HangGuard.awaitIdle(service);
        Snapshot reopened = last.get();
        assertEquals(walked.walk().step(), reopened.walk().step(), "reopened at the step it was saved");
        assertEquals(walked.walk().length(), reopened.walk().length());
        assertArrayEquals(walked.outputs().probabilities(), reopened.outputs().probabilities(), 1e-5);
        assertTrue(notices.stream().anyMatch(n -> n.message().contains("opened session")), notices.toString());
    }

    /**
     * A snapshot's outputs are the model's at the point its step recorded, read by the same model opened here on
     * its own; its probabilities sum to 1 and its prediction is their largest.
     */
    private void assertShowsTheModelAtItsPoint(Snapshot s) throws Exception {
        assertEquals(org.leafwalk.explore.walk.Space.PIXELS, s.source().space());
        double[] point = service.trajectory().get(s.walk().step()).point();
        org.leafwalk.explore.walk.Readout expected = org.leafwalk.testing.ModelAt.readout(model,
                org.leafwalk.model.InputSpace.PIXELS, point);
        assertArrayEquals(expected.probabilities(), s.outputs().probabilities(), 1e-6,
                "the snapshot shows the model's probabilities at its point");
        assertEquals(1, java.util.Arrays.stream(s.outputs().probabilities()).sum(), 1e-9);
        assertEquals(expected.prediction(), s.outputs().prediction());
        double[] shown = s.picture().pixels();
        assertArrayEquals(point, shown, pictureTolerance(), "the picture is the point (pixel space)");
    }

    /** How far a picture shown may be from the point: none here; a server sends pictures in float32. */
    protected double pictureTolerance() {
        return 1e-12;
    }

    /** The points [steps, n] of a safetensors file, read by the format's specification (not Leafwalk's reader). */
    private static float[][] safetensorsPoints(Path file, int steps) throws Exception {
        byte[] b = Files.readAllBytes(file);
        var buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int n = (int) buf.getLong(0);
        var entry = com.google.gson.JsonParser.parseString(new String(b, 8, n,
                java.nio.charset.StandardCharsets.UTF_8).strip()).getAsJsonObject().getAsJsonObject("points");
        assertEquals("F32", entry.get("dtype").getAsString());
        var shape = entry.getAsJsonArray("shape");
        assertEquals(steps, shape.get(0).getAsInt());
        int dim = shape.get(1).getAsInt();
        int from = 8 + n + entry.getAsJsonArray("data_offsets").get(0).getAsInt();
        float[][] points = new float[steps][dim];
        for (int i = 0; i < steps; i++) {
            for (int j = 0; j < dim; j++) {
                points[i][j] = buf.getFloat(from + 4 * (i * dim + j));
            }
        }
        return points;
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
