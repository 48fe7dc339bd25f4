package org.leafwalk.explore.service;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.session.SessionFiles;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.TextSetup;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.geometry.Algorithm;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.StepOutcome;
import org.leafwalk.geometry.StepPolicy;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.geometry.Walker;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.OnnxGraph;
import org.leafwalk.model.EmbeddedTextModel;
import org.leafwalk.model.TextDecoding;
import org.leafwalk.model.TextTask;

/**
 * Token-sequence mode on the embedded all-MiniLM-L6-v2: decoding the unmodified embeddings gives the sentence
 * back, a corrected SiMEC walk keeps the zero-shot prediction while SiMExp moves it, only the picked tokens move,
 * and text walks export and reopen like image walks.
 */
class TextWalkTest {
    static final String SENTENCE = "I loved this movie, the acting was wonderful!";

    @TempDir
    static Path tmp;

    static Explorer ex;

    @BeforeAll
    static void open() {
        ex = Explorer.open(EmbeddedTextModel.folder(), Device.cpu(), DataType.FLOAT32);
    }

    @AfterAll
    static void close() {
        ex.close();
    }

    @Test
    void unmodifiedEmbeddingsDecodeToTheOriginalTokens() {
        for (String s : List.of(SENTENCE, "Paris is the capital of France.", "Quantum computers use qubits!",
                "The service was slow and the food arrived cold.")) {
            try (TextTask task = ex.textTask(TextSetup.of(s), 0)) {
                TextDecoding dec = task.decode(task.startPoint());
                assertArrayEquals(task.input().tokens(), dec.nearest(), s);
                assertEquals(0, dec.changedCount());
                for (double r : dec.residual()) {
                    assertTrue(r < 1e-4, "residual " + r);
                }
                assertEquals(s.toLowerCase(), dec.decodedText());
            }
        }
    }

    @Test
    void correctedSimecKeepsTheZeroShotPredictionAndSimexpMovesIt() {
        WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.PROBS).withPolicy(StepPolicy.FIXED, 0.5)
                .withSeed(3);
        try (TextTask task = ex.textTask(TextSetup.of(SENTENCE), 0)) {
            assertEquals(TextTask.Kind.ZERO_SHOT, task.kind());
            assertEquals(List.of("good", "bad"), task.labels());
            Walker simec = ex.walker(task, s, task.startPoint(), null);
            Readout r0 = Readout.of(simec.current().output(), task.labels());
            assertEquals("good", r0.label());
            double drift = 0;
            StepOutcome last = null;
            for (int i = 0; i < 40; i++) {
                last = simec.step(Algorithm.SIMEC, 0, 1);
                Readout r = Readout.of(last.state().output(), task.labels());
                assertEquals(r0.prediction(), r.prediction(), "zero-shot prediction changed at SiMEC step " + (i + 1));
                drift = Math.max(drift, Math.abs(r.probabilities()[0] - r0.probabilities()[0]));
            }
            assertTrue(last.distance() > 10, "SiMEC travelled " + last.distance());
            assertTrue(drift < 1e-3, "probability drift " + drift);
            Walker simexp = ex.walker(task, s, task.startPoint(), null);
            double moved = 0;
            for (int i = 0; i < 40; i++) {
                StepOutcome o;
                try {
                    o = simexp.step(Algorithm.SIMEXP, 0, 1);
                } catch (org.leafwalk.geometry.GeometryException e) {
                    // the softmax saturated in float32 (G = 0 there): SiMExp has moved the distribution all the way
                    break;
                }
                moved = Math.max(moved, Math.abs(Readout.of(o.state().output(), task.labels()).probabilities()[0]
                        - r0.probabilities()[0]));
            }
            assertTrue(moved > 100 * drift && moved > 0.01, "SiMExp moved p by " + moved + ", SiMEC by " + drift);
        }
    }

    @Test
    void onlyThePickedTokensMove() {
        WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS).withSeed(1);
        TextSetup setup = TextSetup.of(SENTENCE).withSelected(new int[] {2, 9}); // "loved", "wonderful"
        try (TextTask task = ex.textTask(setup, 0)) {
            assertEquals(2 * 384, task.inputDimension());
            double[] before = task.fullSequence(task.startPoint());
            Walker w = ex.walker(task, s, task.startPoint(), null);
            for (int i = 0; i < 5; i++) {
                w.step(Algorithm.SIMEXP, 0, 1);
            }
            double[] after = task.fullSequence(w.current().point());
            for (int t = 0; t < task.input().length(); t++) {
                double d = 0;
                for (int j = 0; j < 384; j++) {
                    d = Math.max(d, Math.abs(after[t * 384 + j] - before[t * 384 + j]));
                }
                if (t == 2 || t == 9) {
                    assertTrue(d > 1e-3, "picked token " + t + " did not move");
                } else {
                    assertEquals(0, d, 1e-6, "token " + t + " moved");
                }
            }
            // decoding searches the picked positions only: the same tokens and residuals as a search at every one
            var full = ex.textModel().nearest(after, task.input().types());
            for (int round = 0; round < 2; round++) { // the second round reads the kept position products
                TextDecoding dec = task.decode(w.current().point());
                assertArrayEquals(ex.textModel().tokenizer().tokens(full.ids()), dec.nearest());
                assertArrayEquals(full.distances(), dec.residual(), 1e-9);
            }
        }
    }

    @Test
    void labelSentencesAreNamedByWhatSetsThemApart() {
        assertEquals(List.of("sports", "politics", "science and technology", "food and cooking", "music and art"),
                TextTask.shortNames(TextTask.TOPIC_LABELS));
        assertEquals(List.of("cats", "dogs"), TextTask.shortNames(List.of("cats", "dogs")));
        assertEquals(List.of("same.", "same!"), TextTask.shortNames(List.of("same.", "same!")));
    }

    @Test
    void whileAWalkRunsTheDecodedSentenceMayLagButIsCurrentOnceItRests() throws Exception {
        List<Snapshot> snaps = new CopyOnWriteArrayList<>();
        var stepsSeen = new java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch>(
                new java.util.concurrent.CountDownLatch(0));
        try (ExplorationService svc = new ExplorationService("cpu", x -> {
            snaps.add(x);
            stepsSeen.get().countDown();
        }, n -> { })) {
            svc.open(References.model("minilm"), "text:" + SENTENCE);
            HangGuard.awaitIdle(svc);
            svc.applySettings(Settings.defaults().withMetric(Metric.PROBS).withStep(StepLength.FIXED, 0.5));
            HangGuard.awaitIdle(svc);
            svc.setTextViewInterval(java.time.Duration.ofSeconds(30)); // every moving step reuses the first
            int from = snaps.size();
            // a walk of a dozen moving steps: counted as they are published, not timed
            java.util.concurrent.CountDownLatch moving = new java.util.concurrent.CountDownLatch(12);
            stepsSeen.set(moving);
            svc.play(WalkAlgorithm.SIMEXP);
            assertTrue(moving.await(HangGuard.SECONDS, java.util.concurrent.TimeUnit.SECONDS), "hung: the walk did not publish 12 steps within the hang guard");
            svc.pause();
            HangGuard.awaitIdle(svc);
            List<Snapshot> run = snaps.subList(from, snaps.size());
            boolean reused = false;
            for (int i = 1; i < run.size(); i++) {
                reused |= run.get(i).walk().step() != run.get(i - 1).walk().step() && run.get(i).text() == run.get(i - 1).text();
            }
            assertTrue(reused, "no step reused the previous decoding in " + run.size() + " snapshots");
            Snapshot last = snaps.get(snaps.size() - 1);
            assertTrue(last.walk().step() > 3, "the walk ran: step " + last.walk().step());
            List<TrajectoryEntry> t = svc.trajectory();
            double[] point = t.get(last.walk().step()).point();
            try (TextTask task = ex.textTask(TextSetup.of(SENTENCE), 0)) {
                TextDecoding fresh = task.decode(point);
                assertEquals(List.of(fresh.nearest()), last.text().nearest());
                assertArrayEquals(fresh.residual(), last.text().residual(), 1e-4);
                // a slider held still after its drag: the worker redoes the decoding once the walk rests
                svc.drag(SliderKind.EIGEN, 0, 1.5);
                HangGuard.awaitIdle(svc); // idle includes the decoding's catch-up
                Snapshot held = snaps.get(snaps.size() - 1);
                double[] heldPoint = svc.trajectory().get(held.walk().step()).point();
                assertTrue(held.walk().step() > last.walk().step(), "the drag walked");
                assertArrayEquals(task.decode(heldPoint).residual(), held.text().residual(), 1e-4,
                        "the held slider's decoding was not brought up to date");
                svc.release();
                HangGuard.awaitIdle(svc);
            }
        }
    }

    @Test
    void theServiceWalksASentenceExportsItAndReopensItsSession() throws Exception {
        List<Snapshot> snaps = new CopyOnWriteArrayList<>();
        List<Notice> notices = new CopyOnWriteArrayList<>();
        Path session = tmp.resolve("walk.leafwalk.json");
        Path gif = tmp.resolve("walk.gif");
        Path png = tmp.resolve("walk.png");
        Path csv = tmp.resolve("walk.csv");
        Path json = tmp.resolve("walk.json");
        try (ExplorationService svc = new ExplorationService("cpu", snaps::add, notices::add)) {
            svc.open(References.model("minilm"), "text:" + SENTENCE);
            HangGuard.awaitIdle(svc);
            Snapshot s0 = snaps.get(snaps.size() - 1);
            assertNotNull(s0.text());
            assertEquals("zero-shot", s0.text().kind());
            assertEquals(12, s0.text().original().size());
            svc.selectTokens(new int[] {2, 9});
            svc.applySettings(Settings.defaults().withMetric(Metric.PROBS).withStep(StepLength.FIXED, 0.5));
            HangGuard.awaitIdle(svc);
            for (int i = 0; i < 6; i++) {
                svc.stepOnce(WalkAlgorithm.SIMEXP);
            }
            HangGuard.awaitIdle(svc);
            Snapshot s1 = snaps.get(snaps.size() - 1);
            assertEquals(6, s1.walk().step());
            assertEquals(2 * 384, s1.input().dimension());
            assertTrue(s1.text().selected()[2] && s1.text().selected()[9] && !s1.text().selected()[1]);
            // the decoded tokens shown are those the point of step 6 decodes to (decoded here on its own), and only
            // the explored positions can differ from the sentence's own tokens
            double[] at6 = svc.trajectory().get(6).point();
            try (TextTask task = ex.textTask(TextSetup.of(SENTENCE).withSelected(new int[] {2, 9}), 0)) {
                TextDecoding dec = task.decode(at6);
                assertEquals(List.of(dec.nearest()), s1.text().nearest(), "the decoded tokens shown");
                assertArrayEquals(dec.residual(), s1.text().residual(), 1e-4);
                for (int t = 0; t < s0.text().original().size(); t++) {
                    if (t != 2 && t != 9) {
                        assertEquals(s0.text().original().get(t), s1.text().nearest().get(t), "token " + t);
                    }
                }
            }
            // bad input leaves the walk as it was
            svc.openText("word ".repeat(80));
            HangGuard.awaitIdle(svc);
            assertTrue(notices.stream().anyMatch(n -> n.message().contains("tokens")), notices.toString());
            svc.export(ExportKind.SESSION, session, null);
            svc.export(ExportKind.GIF, gif, new Exports.GifOptions(2, 100, 0, 8, true));
            svc.export(ExportKind.PNG, png, null);
            svc.export(ExportKind.CSV, csv, null);
            svc.export(ExportKind.JSON, json, null);
            HangGuard.awaitIdle(svc);
            assertEquals(6, snaps.get(snaps.size() - 1).walk().step(), "the refused sentence changed the walk");
        }
        assertTrue(notices.stream().noneMatch(n -> n.message().startsWith("could not")), notices.toString());
        var reader = ImageIO.getImageReadersByFormatName("gif").next();
        reader.setInput(ImageIO.createImageInputStream(Files.newInputStream(gif)));
        assertEquals(4, reader.getNumImages(true), "frames at steps 0, 2, 4, 6");
        assertNotNull(ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png))));
        SessionFiles.Loaded loaded = SessionFiles.load(session);
        // the CSV and the JSON hold the recorded walk's numbers (the session keeps the recording)
        List<TrajectoryEntry> recorded = loaded.recording().trajectory();
        assertEquals(7, recorded.size(), "the start and 6 steps");
        org.leafwalk.testing.TrajectoryCsv.assertHolds(csv, recorded, loaded.recording().labels());
        var exported = com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(SENTENCE, exported.get("sentence").getAsString());
        var steps = exported.getAsJsonArray("steps");
        assertEquals(7, steps.size());
        for (int i = 0; i < 7; i++) {
            var p = steps.get(i).getAsJsonObject().getAsJsonObject("probabilities");
            assertEquals(recorded.get(i).probabilities()[0], p.get("good").getAsDouble(), 0, "p(good) of step " + i);
            assertEquals(recorded.get(i).probabilities()[1], p.get("bad").getAsDouble(), 0, "p(bad) of step " + i);
            assertEquals(1, recorded.get(i).probabilities()[0] + recorded.get(i).probabilities()[1], 1e-9);
        }
        assertTrue(loaded.recording().isText());
        assertEquals(SENTENCE, loaded.recording().text().sentence());
        assertArrayEquals(new int[] {2, 9}, loaded.recording().text().selected());
        assertTrue(!loaded.modelChanged());
        // reopened in a fresh service: same step, same point, no recomputation of the walk
        List<Snapshot> again = new CopyOnWriteArrayList<>();
        try (ExplorationService svc = new ExplorationService("cpu", again::add, n -> { })) {
            svc.openSession(session, false);
            HangGuard.awaitIdle(svc);
            Snapshot s = again.get(again.size() - 1);
            assertEquals(6, s.walk().step());
            assertEquals(SENTENCE, s.text().sentence());
            List<TrajectoryEntry> t = svc.trajectory();
            assertArrayEquals(loaded.recording().trajectory().get(6).point(), t.get(6).point(), 0);
        }
    }

    @Test
    void aCorruptOnnxFileIsNamedAsSuch() throws Exception {
        byte[] junk = new byte[4096];
        new java.util.Random(1).nextBytes(junk);
        var e = assertThrows(InvalidInputException.class,
                () -> OnnxGraph.read(new ByteArrayInputStream(junk), "broken.onnx"));
        assertTrue(e.getMessage().startsWith("broken.onnx: not a"), e.getMessage());
        Path dir = Files.createDirectories(tmp.resolve("bad-onnx"));
        Files.write(dir.resolve("model.onnx"), junk);
        var e2 = assertThrows(InvalidInputException.class, () -> Explorer.open(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e2.getMessage().contains("model.onnx: not a"), e2.getMessage());
    }
}
