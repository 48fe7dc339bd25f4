package org.leafwalk.ui;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.animation.AnimationTimer;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The window in headless Monocle, driven by TestFX's robot as a user would. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    MainWindow window;

    @Start
    void start(Stage stage) throws Exception {
        window = new MainWindow(stage, options(
                new LeafwalkApp.Options(References.model("default"), "sample:14", "cpu", null, null, 0, "pixels")));
        window.show();
    }

    /** The window under test: on this process's service (on a server's in {@code RemoteMainWindowTest}). */
    protected LeafwalkApp.Options options(LeafwalkApp.Options local) throws Exception {
        return local;
    }

    /** A model folder the test made, for the window to open (a server serves it too). */
    protected Path served(Path model) throws Exception {
        return model;
    }

    /** What closes after the window (a server). */
    protected void closed() throws Exception { }

    @AfterEach
    void stop() throws Exception {
        window.close();
        closed();
    }

    /** The window opened its model and input (posted when it was shown) and drew the first state. */
    private Snapshot awaitFirst() throws Exception {
        return settle();
    }

    /** The worker idle and its last state drawn: every published state reaches the JavaFX queue before idle. */
    private Snapshot settle() throws Exception {
        HangGuard.awaitIdle(window.service());
        WaitForAsyncUtils.waitForFxEvents();
        return window.current();
    }

    /**
     * What the window shows is the snapshot's: every class's bar names the class (▶ marks the start's) and shows
     * its probability, and the caption gives the step, the prediction and its probability. The expectation is
     * formatted here from the snapshot's numbers.
     */
    private void assertShows(FxRobot robot, Snapshot s) throws Exception {
        List<String> labels = s.outputs().labels();
        double[] p = s.outputs().probabilities();
        java.util.Map<String, String> expected = new java.util.TreeMap<>();
        for (int i = 0; i < labels.size(); i++) {
            expected.put((i == s.outputs().startPrediction() ? "▶ " : "") + labels.get(i),
                    String.format("%5.1f%%", 100 * p[i]));
        }
        java.util.Map<String, String> shown = WaitForAsyncUtils.asyncFx(() -> {
            java.util.Map<Integer, String> names = new java.util.HashMap<>();
            java.util.Map<Integer, String> values = new java.util.HashMap<>();
            for (var l : robot.lookup(".bar-name").queryAllAs(javafx.scene.control.Label.class)) {
                names.put(javafx.scene.layout.GridPane.getRowIndex(l), l.getText());
            }
            for (var l : robot.lookup(".bar-value").queryAllAs(javafx.scene.control.Label.class)) {
                values.put(javafx.scene.layout.GridPane.getRowIndex(l), l.getText());
            }
            java.util.Map<String, String> m = new java.util.TreeMap<>();
            names.forEach((row, name) -> m.put(name, values.get(row)));
            return m;
        }).get(HangGuard.SECONDS, TimeUnit.SECONDS);
        assertEquals(expected, shown, "the output bars show the snapshot's classes and probabilities");
        String caption = WaitForAsyncUtils.asyncFx(() -> robot.lookup("#input-caption")
                .queryAs(javafx.scene.control.Label.class).getText()).get(HangGuard.SECONDS, TimeUnit.SECONDS);
        assertEquals(String.format("Step %d: %s (p = %.3f)", s.walk().step(), labels.get(s.outputs().prediction()),
                p[s.outputs().prediction()]), caption, "the caption shows the snapshot's step and prediction");
    }

    @Test
    void opensOnTheDefaultModel(FxRobot robot) throws Exception {
        Snapshot s = awaitFirst();
        assertEquals("mnist-vit", s.source().model());
        assertEquals(7, s.outputs().startPrediction(), "sample:14 is a seven");
        assertTrue(s.spectrum().rank() >= 1);
        assertTrue(window.sliders().nullRows().size() >= 1 && window.sliders().eigenRows().size() >= 1);
        // the snapshot is the model's at sample 14 (read by the model opened on its own), and the window shows it
        var expected = org.leafwalk.testing.ModelAt.readout(References.model("default"),
                org.leafwalk.model.InputSpace.PIXELS, window.service().trajectory().get(0).point());
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.probabilities(), s.outputs().probabilities(), 1e-6);
        assertEquals(1, java.util.Arrays.stream(s.outputs().probabilities()).sum(), 1e-9);
        assertEquals(expected.prediction(), s.outputs().prediction());
        assertShows(robot, s);
    }

    @Test
    void draggingAKeepsSliderWalksAndKeepsTheTopClass(FxRobot robot) throws Exception {
        Snapshot start = awaitFirst();
        robot.drag("#null-slider-0").moveBy(80, 0).release(javafx.scene.input.MouseButton.PRIMARY);
        Snapshot after = settle();
        assertTrue(after.walk().length() > 3, "steps performed: " + after.walk().length());
        assertTrue(after.walk().distance() > 0.1, "walked " + after.walk().distance());
        assertEquals(start.outputs().startPrediction(), after.outputs().prediction(), "the top class stays");
        assertShows(robot, after);
    }

    @Test
    void draggingAChangesSliderMovesTheProbabilities(FxRobot robot) throws Exception {
        Snapshot start = awaitFirst();
        robot.drag("#eigen-slider-0").moveBy(140, 0).release(javafx.scene.input.MouseButton.PRIMARY);
        Snapshot after = settle();
        double moved = 0;
        for (int i = 0; i < start.outputs().probabilities().length; i++) {
            moved = Math.max(moved, Math.abs(after.outputs().probabilities()[i] - start.outputs().probabilities()[i]));
        }
        assertTrue(moved > 0.05, "probabilities moved by " + moved);
        assertShows(robot, after);
    }

    /**
     * The JavaFX thread never waits for the model: with the worker held busy (as by a step that takes minutes), the
     * user drags sliders, scrubs, toggles the input views and switches tabs, and the window goes on drawing. A
     * window that waited on the model anywhere in these paths would stop pulsing until the gate opens, and this test
     * would fail (the bound below only turns such a deadlock into a failure; how smoothly the window draws is
     * measured by {@code ui --benchmark}).
     */
    @Test
    void theJavaFxThreadNeverWaitsOnTheModel(FxRobot robot) throws Exception {
        Snapshot start = awaitFirst();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        window.service().holdWorkerUntil(gate);
        java.util.concurrent.atomic.AtomicInteger pulses = new java.util.concurrent.atomic.AtomicInteger();
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                pulses.incrementAndGet();
            }
        };
        WaitForAsyncUtils.asyncFx(timer::start).get(HangGuard.SECONDS, TimeUnit.SECONDS);
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(HangGuard.HANG_GUARD, () -> {
                robot.drag("#eigen-slider-0").moveBy(60, 0).release(javafx.scene.input.MouseButton.PRIMARY);
                robot.drag("#null-slider-0").moveBy(40, 0).release(javafx.scene.input.MouseButton.PRIMARY);
                robot.type(KeyCode.SPACE); // play
                robot.type(KeyCode.SPACE); // pause
                WaitForAsyncUtils.asyncFx(() -> {
                    window.input().showOriginal.fire();
                    window.showTab("Settings");
                    window.showTab("Drift");
                }).get();
                int seen = pulses.get();
                WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS, () -> pulses.get() >= seen + 30);
            }, "the JavaFX thread stopped while the model was busy");
            assertTrue(window.service().pendingComputations() > 0, "the gate held the worker the whole time");
            var busy = robot.lookup("#status-busy").queryAs(javafx.scene.control.Label.class);
            var stage = robot.lookup("#status-stage").queryAs(javafx.scene.control.Label.class);
            var bar = robot.lookup("#status-progress").queryAs(javafx.scene.control.ProgressBar.class);
            WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS, () -> stage.isVisible() && bar.isVisible());
            assertEquals("computing…", busy.getText(), "never ready while the worker computes");
            assertTrue(stage.getText().matches("held computation · \\d+\\.\\d s · Esc stops"),
                    "the status shows what is computed, for how long, and how to stop it: " + stage.getText());
            assertEquals(start.walk().length(), window.current().walk().length(), "nothing was computed yet");
        } finally {
            gate.countDown();
            WaitForAsyncUtils.asyncFx(timer::stop).get(HangGuard.SECONDS, TimeUnit.SECONDS);
        }
        // once the model is free, what the user asked for is done
        Snapshot after = settle();
        assertTrue(after.walk().length() > start.walk().length(), "the drags walked once the worker was free");
    }

    @Test
    void aHeldSliderShowsTheFirstOrderPreviewUntilTheComputedStateArrives(FxRobot robot) throws Exception {
        Snapshot start = awaitFirst();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        var caption = robot.lookup("#input-caption").queryAs(javafx.scene.control.Label.class);
        var note = robot.lookup("#preview-note").queryAs(javafx.scene.control.Label.class);
        window.service().holdWorkerUntil(gate); // the step cannot compute: only the preview can follow the hand
        // the default model's steps are short: the preview shows once the work under way has taken 100 ms
        var busyStage = robot.lookup("#status-stage").queryAs(javafx.scene.control.Label.class);
        WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS, busyStage::isVisible);
        var drag = robot.drag("#eigen-slider-0").moveBy(60, 0);
        try {
            WaitForAsyncUtils.waitForFxEvents();
            assertTrue(caption.getText().startsWith("Preview (first order) from step " + start.walk().step()),
                    caption.getText());
            assertTrue(note.isVisible(), "the output bars say they are a preview");
            assertTrue(window.previewNanos().size() > 0, "previews were drawn on the JavaFX thread");
            assertEquals(start.walk().length(), window.current().walk().length(), "nothing was computed yet");
        } finally {
            gate.countDown();
            drag.release(javafx.scene.input.MouseButton.PRIMARY);
        }
        Snapshot after = settle();
        assertTrue(after.walk().length() > start.walk().length(), "the walk computed the way the hand went");
        assertTrue(caption.getText().startsWith("Step "), "the computed state replaced the preview: "
                + caption.getText());
        assertTrue(!note.isVisible());
    }

    @Test
    void classroomModePreviewsTheHeldSliderToo(FxRobot robot) throws Exception {
        awaitFirst();
        WaitForAsyncUtils.asyncFx(window::toggleClassroom).get(HangGuard.SECONDS, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        var headline = robot.lookup(".classroom-headline").queryAs(javafx.scene.control.Label.class);
        window.service().holdWorkerUntil(gate);
        WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS, () -> {
            var a = window.service().activity();
            return a != null && a.seconds() > 0.2; // past the 100 ms after which a short step is previewed
        });
        var drag = robot.drag("#classroom-eigen").moveBy(80, 0);
        try {
            WaitForAsyncUtils.waitForFxEvents();
            assertTrue(headline.getText().startsWith("Preview: the model would say"), headline.getText());
        } finally {
            gate.countDown();
            drag.release(javafx.scene.input.MouseButton.PRIMARY);
        }
        settle();
        assertTrue(headline.getText().startsWith("The model says"), headline.getText());
        WaitForAsyncUtils.asyncFx(window::toggleClassroom).get(HangGuard.SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void escStopsALongComputationAndTheWalkGoesOnFromItsLastState(FxRobot robot) throws Exception {
        Snapshot start = awaitFirst();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        try {
            window.service().holdWorkerUntil(gate); // a computation that would never end by itself
            robot.drag("#null-slider-0").moveBy(40, 0).release(javafx.scene.input.MouseButton.PRIMARY);
            var stage = robot.lookup("#status-stage").queryAs(javafx.scene.control.Label.class);
            WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS, stage::isVisible);
            robot.type(KeyCode.ESCAPE);
            Snapshot after = settle(); // the worker is free again without the gate opening
            assertEquals(start.walk().length(), after.walk().length(), "the stop kept the last computed state");
            assertTrue(window.notices().stream().anyMatch(n -> n.message().startsWith("Stopped")),
                    window.notices().toString());
            WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS, () -> !stage.isVisible());
            assertEquals("ready", robot.lookup("#status-busy").queryAs(javafx.scene.control.Label.class).getText());
        } finally {
            gate.countDown();
        }
        window.service().stepOnce(WalkAlgorithm.SIMEXP);
        assertEquals(start.walk().length() + 1, settle().walk().length(), "and the walk goes on");
    }

    @Test
    void aCorruptModelShowsAnErrorAndKeepsThePreviousModel(@TempDir Path tmp) throws Exception {
        awaitFirst();
        Path bad = Files.createDirectories(tmp.resolve("broken-vit"));
        Files.copy(References.model("default").resolve("config.json"), bad.resolve("config.json"));
        Files.write(bad.resolve("model.safetensors"), new byte[] {42, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
        served(bad);
        WaitForAsyncUtils.asyncFx(() -> window.openModel(bad)).get();
        settle();
        assertTrue(window.notices().stream().anyMatch(n -> n.level() == Notice.Level.ERROR
                && n.message().contains("model.safetensors")), window.notices().toString());
        var pane = (org.controlsfx.control.NotificationPane) window.scene().getRoot();
        assertTrue(pane.isShowing() && pane.getText().contains("model.safetensors"), pane.getText());
        assertEquals("mnist-vit", window.current().source().model(), "the previous model stays loaded");
        long v = window.current().version();
        window.service().stepOnce(WalkAlgorithm.SIMEXP);
        assertTrue(settle().version() > v, "and it still walks");
    }

    @Test
    void aThousandClassesShowTheTopTenAndASearchFindsAnyOther(FxRobot robot, @TempDir Path tmp) throws Exception {
        awaitFirst();
        Path m = org.leafwalk.testing.TinyVit.write(tmp, "vit1000", new org.leafwalk.model.VitCheckpoints.Shape(28, 4,
                1, 8, 1, 2, 16, 1000), 3);
        StringBuilder labels = new StringBuilder("{\"0\": \"tench, Tinca tinca\"");
        for (int i = 1; i < 1000; i++) {
            labels.append(", \"").append(i).append("\": \"class ").append(i).append(", a synonym\"");
        }
        String cfg = Files.readString(m.resolve("config.json"));
        Files.writeString(m.resolve("config.json"), cfg.substring(0, cfg.lastIndexOf('}')) + ", \"id2label\": "
                + labels + "}}");
        served(m);
        WaitForAsyncUtils.asyncFx(() -> window.openModel(m)).get();
        Snapshot s = settle();
        assertEquals(1000, s.outputs().labels().size());
        var names = robot.lookup(".bar-name").queryAllAs(javafx.scene.control.Label.class);
        assertTrue(names.size() >= 10 && names.size() <= 10 + 10 + 2, "rows shown: " + names.size());
        assertTrue(names.stream().noneMatch(l -> l.getText().contains(",")), "names are cut at their comma");
        robot.clickOn("#class-search").write("tench");
        WaitForAsyncUtils.waitForFxEvents();
        var after = robot.lookup(".bar-name").queryAllAs(javafx.scene.control.Label.class);
        var tench = after.stream().filter(l -> l.getText().endsWith("tench")).findFirst();
        assertTrue(tench.isPresent(), "the class found is shown: "
                + after.stream().map(javafx.scene.control.Label::getText).toList());
        assertEquals("tench, Tinca tinca", tench.get().getTooltip().getText(), "the whole label in the tooltip");
    }

    /** The window on one of the family fixtures (after the default model's first state). */
    private Snapshot openFixture(String name) throws Exception {
        awaitFirst();
        Path m = served(Path.of("src/test/resources/fixtures", name));
        WaitForAsyncUtils.asyncFx(() -> window.openModel(m)).get();
        return settle();
    }

    /** A backbone without a classifier (CLIP's vision tower) opens, walks its representation and says so. */
    @Test
    void aBackboneWithoutAClassifierWalksItsRepresentationAndSaysSo(FxRobot robot) throws Exception {
        Snapshot s = openFixture("family-clip-vision-projection");
        assertEquals(0, s.outputs().labels().size());
        assertEquals(-1, s.outputs().prediction());
        assertTrue(s.spectrum().eigenvalues().length > 0, "the representation metric has a spectrum");
        var more = robot.lookup(".label").queryAllAs(javafx.scene.control.Label.class).stream()
                .map(javafx.scene.control.Label::getText).filter(t -> t != null && t.startsWith("No classifier"))
                .toList();
        assertEquals(1, more.size(), "the output panel says there is no classifier");
        assertTrue(robot.lookup(".bar-name").queryAll().isEmpty(), "no class rows");
    }

    /** A CLIPModel classifies zero-shot; its classes are edited in the window and the walk restarts under them. */
    @Test
    void aClipModelsZeroShotClassesAreEditedInTheWindow(FxRobot robot) throws Exception {
        Snapshot s = openFixture("family-clip-zero-shot");
        assertTrue(s.source().zeroShotImage());
        // the CIFAR-10 classes the fixture's nine-word tokenizer knows (the others would all read "a photo of a <unk>")
        assertEquals(java.util.List.of("bird", "cat", "dog"), s.outputs().labels());
        var area = robot.lookup("#image-zero-shot-labels").queryAs(javafx.scene.control.TextArea.class);
        assertTrue(area.isVisible(), "the class list is shown for a CLIPModel");
        WaitForAsyncUtils.asyncFx(() -> area.setText("cat\ndog\nbird")).get();
        robot.clickOn("#apply-image-labels");
        // the click posts the classes from the JavaFX thread: wait until they reach the window (a hang guard only)
        long deadline = System.nanoTime() + HangGuard.HANG_GUARD.toNanos();
        while (!settle().outputs().labels().equals(java.util.List.of("cat", "dog", "bird"))) {
            assertTrue(System.nanoTime() < deadline, "hung: the applied classes never reached the window");
            Thread.sleep(50);
        }
        Snapshot after = settle();
        assertEquals(java.util.List.of("cat", "dog", "bird"), after.outputs().labels());
        assertEquals(0, after.walk().step(), "the walk restarts under the new classes");
        double sum = 0;
        for (double p : after.outputs().probabilities()) {
            sum += p;
        }
        assertEquals(1, sum, 1e-9);
    }

    @Test
    void aSentenceOnMiniLmShowsItsTokensAndClickingATokenPicksIt(FxRobot robot) throws Exception {
        awaitFirst();
        WaitForAsyncUtils.asyncFx(() -> window.openModel(References.model("minilm"))).get();
        WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS, () -> window.current() != null
                && window.current().text() != null);
        Snapshot s = settle();
        assertTrue(window.textPanel().isVisible() && !window.input().isVisible(), "the sentence replaces the image");
        assertEquals(List.of("good", "bad"), s.outputs().labels());
        assertEquals(s.text().original().size(), window.textPanel().cells().size());
        robot.clickOn("#sentence-field").push(KeyCode.CONTROL, KeyCode.A).write("The team won the final.")
                .type(KeyCode.ENTER);
        s = settle();
        assertEquals("The team won the final.", s.text().sentence());
        assertEquals(List.of("[CLS]", "the", "team", "won", "the", "final", ".", "[SEP]"), s.text().original());
        robot.clickOn("#token-3"); // "won"
        s = settle();
        assertEquals(384, s.input().dimension(), "one token of 384 coordinates is explored");
        assertTrue(s.text().selected()[3] && !s.text().selected()[2], "only the clicked token is explored");
        long v = s.version();
        robot.drag("#eigen-slider-0").moveBy(120, 0).release(javafx.scene.input.MouseButton.PRIMARY);
        Snapshot after = settle();
        assertTrue(after.version() > v && after.walk().distance() > 0.1, "the slider walked " + after.walk().distance());
    }

    @Test
    void theRepresentationToolsDrawTheirResults(FxRobot robot) throws Exception {
        awaitFirst();
        robot.clickOn("#tab-lipschitz");
        robot.clickOn("#estimate-lipschitz");
        settle();
        assertEquals(9, window.representation().lastCurves().curves().size());
        WaitForAsyncUtils.asyncFx(window::openMatchWindow).get();
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#match-start");
        settle(); // the idle contract includes the match
        var m = window.matchWindow().last();
        assertTrue(m != null && m.done(), "the match ran to its end");
        assertTrue(m.distance() * 10 <= m.initialDistance(), m.initialDistance() + " -> " + m.distance());
        WaitForAsyncUtils.asyncFx(() -> window.matchWindow().stage().hide()).get();
    }
}
