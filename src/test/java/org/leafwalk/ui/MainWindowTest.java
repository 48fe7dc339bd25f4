package org.leafwalk.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.Notice;
import org.leafwalk.explore.References;
import org.leafwalk.explore.Snapshot;
import org.leafwalk.geometry.Algorithm;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import javafx.scene.input.KeyCode;
import java.util.List;
import org.testfx.util.WaitForAsyncUtils;

/** The window in headless Monocle, driven by TestFX's robot as a user would. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage,
                new LeafwalkApp.Options(References.model("default"), "sample:14", "cpu", null, null, 0, "pixels"));
        window.show();
    }

    @AfterEach
    void stop() {
        window.close();
    }

    private Snapshot awaitFirst() throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.current() != null);
        window.service().awaitIdle(60_000);
        WaitForAsyncUtils.waitForFxEvents();
        return window.current();
    }

    private Snapshot settle() throws Exception {
        window.service().awaitIdle(60_000);
        Thread.sleep(200);
        WaitForAsyncUtils.waitForFxEvents();
        return window.current();
    }

    @Test
    void opensOnTheDefaultModel() throws Exception {
        Snapshot s = awaitFirst();
        assertEquals("mnist-vit", s.model());
        assertEquals(7, s.startPrediction(), "sample:14 is a seven");
        assertTrue(s.rank() >= 1);
        assertTrue(window.sliders().nullRows().size() >= 1 && window.sliders().eigenRows().size() >= 1);
    }

    @Test
    void draggingAKeepsSliderWalksAndKeepsTheTopClass(FxRobot robot) throws Exception {
        Snapshot start = awaitFirst();
        robot.drag("#null-slider-0").moveBy(80, 0).release(javafx.scene.input.MouseButton.PRIMARY);
        Snapshot after = settle();
        assertTrue(after.trajectoryLength() > 3, "steps performed: " + after.trajectoryLength());
        assertTrue(after.distance() > 0.1, "walked " + after.distance());
        assertEquals(start.startPrediction(), after.prediction(), "the top class stays");
    }

    @Test
    void draggingAChangesSliderMovesTheProbabilities(FxRobot robot) throws Exception {
        Snapshot start = awaitFirst();
        robot.drag("#eigen-slider-0").moveBy(140, 0).release(javafx.scene.input.MouseButton.PRIMARY);
        Snapshot after = settle();
        double moved = 0;
        for (int i = 0; i < start.probabilities().length; i++) {
            moved = Math.max(moved, Math.abs(after.probabilities()[i] - start.probabilities()[i]));
        }
        assertTrue(moved > 0.05, "probabilities moved by " + moved);
    }

    /** Nanoseconds the calling thread has spent runnable but waiting for a CPU; -1 where Linux's schedstat is absent. */
    static long runQueueWaitNanos() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/schedstat")).trim()
                    .split("\\s+");
            return Long.parseLong(f[1]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time other processes have used, in nanoseconds (busy time of the whole machine from /proc/stat less this
     * process's from /proc/self/stat; clock ticks of 10 ms); -1 where /proc is absent.
     */
    static long otherProcessesCpuNanos() {
        try {
            String[] cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim()
                    .split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += Long.parseLong(cpu[i]);
            }
            String self = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = self.substring(self.lastIndexOf(')') + 2).split("\\s+");
            long own = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            return (busy - own) * 10_000_000L;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    @Test
    void theJavaFxThreadStaysResponsiveWhileAWalkRuns() throws Exception {
        awaitFirst();
        AtomicLong last = new AtomicLong();
        AtomicLong maxGap = new AtomicLong();
        java.util.List<Long> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<long[]> gapSpans = new java.util.concurrent.CopyOnWriteArrayList<>();
        // the JavaFX thread's run-queue wait (Linux schedstat: ready to run, but no CPU free), as far as other
        // processes' CPU time in the same gap explains it; waiting on this process's own threads (the model's
        // worker among them) is never excused
        AtomicLong lastWait = new AtomicLong(-1);
        AtomicLong lastOthers = new AtomicLong(-1);
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long prev = last.getAndSet(now);
                long wait = runQueueWaitNanos();
                long prevWait = lastWait.getAndSet(wait);
                long others = otherProcessesCpuNanos();
                long prevOthers = lastOthers.getAndSet(others);
                if (prev != 0) {
                    long waited = wait >= 0 && prevWait >= 0 && others >= 0 && prevOthers >= 0
                            ? Math.max(0, Math.min(wait - prevWait, others - prevOthers)) : 0;
                    maxGap.accumulateAndGet(now - prev, Math::max);
                    gaps.add((now - prev) / 1_000_000);
                    gapSpans.add(new long[] {prev, now, waited});
                }
            }
        };
        WaitForAsyncUtils.asyncFx(timer::start).get();
        // a control: a plain thread that sleeps 2 ms at a time records when the whole machine stalled (a shared VM's
        // vCPU taken away); a pulse gap is the window's fault only if such a thread ran on through it
        java.util.List<long[]> stalls = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread probe = new Thread(() -> {
            long prev = System.nanoTime();
            while (probing.get()) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                if (now - prev > 40_000_000L) {
                    stalls.add(new long[] {prev, now});
                }
                prev = now;
            }
        }, "stall-probe");
        probe.setDaemon(true);
        probe.start();
        long versionBefore = window.current().version();
        window.service().play(Algorithm.SIMEXP);
        // measured once the walk is under way (the first half second also compiles the drawing paths it uses)
        Thread.sleep(500);
        maxGap.set(0);
        gaps.clear();
        gapSpans.clear();
        stalls.clear();
        window.renderLog = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.sleep(3000);
        window.service().pause();
        WaitForAsyncUtils.asyncFx(timer::stop).get();
        probing.set(false);
        probe.join();
        assertTrue(window.current().version() > versionBefore + 5, "the walk ran and was drawn");
        java.util.List<Long> sorted = new java.util.ArrayList<>(gaps);
        sorted.sort(java.util.Collections.reverseOrder());
        System.out.println("pulse gaps while walking: " + gaps.size() + " pulses in 3 s, longest "
                + sorted.subList(0, Math.min(5, sorted.size())) + " ms");
        // gaps over 100 ms that the control thread also sat through (within 40 ms) are the machine's, not the window's;
        // so is the part of a gap the JavaFX thread spent waiting for a CPU that other processes held
        long worst = 0;
        long waitedMost = 0;
        for (long[] g : gapSpans) {
            long len = g[1] - g[0] - g[2];
            waitedMost = Math.max(waitedMost, g[2]);
            boolean machine = stalls.stream().anyMatch(st -> st[0] <= g[0] + 20_000_000L && st[1] >= g[1] - 20_000_000L
                    && (st[1] - st[0]) >= len - 40_000_000L);
            if (!machine) {
                worst = Math.max(worst, len);
            }
        }
        System.out.println("machine stalls seen by the control thread: " + stalls.size()
                + "; longest run-queue wait of the JavaFX thread that other processes explain, within one gap: " + waitedMost / 1_000_000 + " ms");
        assertTrue(worst < 100_000_000L, "longest pulse gap the machine does not explain " + worst / 1e6
                + " ms; longest gap " + maxGap.get() / 1e6 + " ms (longest render "
                + window.maxRenderNanos() / 1e6 + " ms; longest gaps " + sorted.subList(0, Math.min(8, sorted.size()))
                + " of " + gaps.size() + "; renders " + window.renderLog + ")");
    }

    @Test
    void aCorruptModelShowsAnErrorAndKeepsThePreviousModel(@TempDir Path tmp) throws Exception {
        awaitFirst();
        Path bad = Files.createDirectories(tmp.resolve("broken-vit"));
        Files.copy(References.model("default").resolve("config.json"), bad.resolve("config.json"));
        Files.write(bad.resolve("model.safetensors"), new byte[] {42, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
        WaitForAsyncUtils.asyncFx(() -> window.openModel(bad)).get();
        settle();
        assertTrue(window.notices().stream().anyMatch(n -> n.level() == Notice.Level.ERROR
                && n.message().contains("model.safetensors")), window.notices().toString());
        var pane = (org.controlsfx.control.NotificationPane) window.scene().getRoot();
        assertTrue(pane.isShowing() && pane.getText().contains("model.safetensors"), pane.getText());
        assertEquals("mnist-vit", window.current().model(), "the previous model stays loaded");
        long v = window.current().version();
        window.service().stepOnce(Algorithm.SIMEXP);
        assertTrue(settle().version() > v, "and it still walks");
    }

    @Test
    void aSentenceOnMiniLmShowsItsTokensAndClickingATokenPicksIt(FxRobot robot) throws Exception {
        awaitFirst();
        WaitForAsyncUtils.asyncFx(() -> window.openModel(References.model("minilm"))).get();
        WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> window.current() != null
                && window.current().text() != null);
        Snapshot s = settle();
        assertTrue(window.textPanel().isVisible() && !window.input().isVisible(), "the sentence replaces the image");
        assertEquals(List.of("good", "bad"), s.labels());
        assertEquals(s.text().original().size(), window.textPanel().cells().size());
        robot.clickOn("#sentence-field").push(KeyCode.CONTROL, KeyCode.A).write("The team won the final.")
                .type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.current().text().sentence()
                .equals("The team won the final."));
        s = settle();
        assertEquals(List.of("[CLS]", "the", "team", "won", "the", "final", ".", "[SEP]"), s.text().original());
        robot.clickOn("#token-3"); // "won"
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.current().dimension() == 384);
        s = settle();
        assertTrue(s.text().selected()[3] && !s.text().selected()[2], "only the clicked token is explored");
        long v = s.version();
        robot.drag("#eigen-slider-0").moveBy(120, 0).release(javafx.scene.input.MouseButton.PRIMARY);
        Snapshot after = settle();
        assertTrue(after.version() > v && after.distance() > 0.1, "the slider walked " + after.distance());
    }

    @Test
    void theRepresentationToolsDrawTheirResults(FxRobot robot) throws Exception {
        awaitFirst();
        robot.clickOn("#tab-lipschitz");
        robot.clickOn("#estimate-lipschitz");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.representation().lastCurves() != null);
        assertEquals(9, window.representation().lastCurves().curves().size());
        WaitForAsyncUtils.asyncFx(window::openMatchWindow).get();
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#match-start");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> window.matchWindow().last() != null
                && window.matchWindow().last().done());
        var m = window.matchWindow().last();
        assertTrue(m.distance() * 10 <= m.initialDistance(), m.initialDistance() + " -> " + m.distance());
        WaitForAsyncUtils.asyncFx(() -> window.matchWindow().stage().hide()).get();
    }
}
