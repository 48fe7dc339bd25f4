package org.leafwalk.ui;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.application.Platform;
import org.leafwalk.explore.export.JsonOutput;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.Json;

/**
 * The window's own figures: the time from the JVM's start to the first drawn walk state (a usable window), and,
 * after a first drag of 8 s that warms the JIT, a continuous slider drag of 5 s (the slider moves every 16 ms, as a hand moves it) with the steps computed and the
 * states drawn per second, the time each first-order preview took to make and draw on the JavaFX thread, and the
 * gaps between the JavaFX thread's pulses meanwhile (how smoothly the window
 * draws while the model computes: a figure of this machine and its load, so a benchmark, not a test). Waiting
 * happens on its own thread.
 */
final class WindowBenchmark {
    private WindowBenchmark() {}

    static void maybeRun(MainWindow w, LeafwalkApp.Options o) {
        if (o.benchmark() == null) {
            return;
        }
        Thread t = new Thread(() -> run(w, o), "leafwalk-benchmark");
        t.setDaemon(true);
        t.start();
    }

    /** Waits until the JavaFX thread has drawn what the worker published before (the states go through it). */
    private static void drawn() throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Platform.runLater(done::countDown);
        done.await();
    }

    private static void run(MainWindow w, LeafwalkApp.Options o) {
        try {
            long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
            long usable = w.firstDrawnMillis() - jvmStart;
            var service = w.service();
            service.awaitIdle(600_000); // opening a ViT-Base and its first Jacobian take a while on two cores
            SliderPanel.Row row = w.sliders().nullRows().get(0);
            double range = w.sliders().range();
            // a first drag of 8 s, not counted, in which the JIT compiles the drag's paths (its compiler took half
            // a core or more through a ViT-Base's first 30 s, as a user's first drags pay once); then the walk
            // settles and goes back to the start
            double warm = 0;
            for (long end = System.nanoTime() + Long.getLong("leafwalk.benchmark.warmup", 8000) * 1_000_000L; System.nanoTime() < end; ) {
                warm += 0.01;
                double value = Math.min(1, warm / range);
                Platform.runLater(() -> row.slider.setValue(value));
                Thread.sleep(16);
            }
            service.cancel();
            Platform.runLater(row::letGo);
            service.awaitIdle(600_000);
            service.reset(); // the measured drag starts where the warm one did
            service.awaitIdle(600_000);
            drawn();
            Snapshot before = w.current();
            int noticesBefore = w.notices().size();
            long rendersBefore = w.renders();
            int previewsBefore = w.previewNanos().size();
            java.util.List<Long> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();
            long[] lastPulse = {0};
            long countFrom = System.nanoTime();
            javafx.animation.AnimationTimer pulses = new javafx.animation.AnimationTimer() {
                @Override
                public void handle(long now) {
                    if (lastPulse[0] != 0 && lastPulse[0] >= countFrom) {
                        gaps.add(now - lastPulse[0]);
                    }
                    lastPulse[0] = now;
                }
            };
            Platform.runLater(pulses::start);
            // the hand: the first "keeps the prediction" slider moves every 16 ms on the JavaFX thread, as a mouse
            // drag moves it, so each move goes through the slider, the service and the preview
            long t0 = System.nanoTime();
            double target = 0;
            double[] latencies = new double[2000];
            int samples = 0;
            String picture = System.getProperty("leafwalk.benchmark.picture");
            boolean pictured = picture == null;
            while (System.nanoTime() - t0 < 5_000_000_000L) {
                target += 0.01; // 0.6 per second of drag
                double value = Math.min(1, target / range);
                Platform.runLater(() -> row.slider.setValue(value));
                Thread.sleep(16);
                Snapshot s = w.current();
                if (s != null && samples < latencies.length && s.timing().stepMillis() > 0) {
                    latencies[samples++] = s.timing().stepMillis();
                }
                if (!pictured && System.nanoTime() - t0 > 2_500_000_000L) {
                    pictured = true; // the window in the middle of the drag, preview and all
                    Screenshots.save(w.scene(), java.nio.file.Path.of(picture));
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Platform.runLater(pulses::stop);
            Snapshot after = w.current();
            long steps = after.walk().length() - before.walk().length();
            long drawn = w.renders() - rendersBefore;
            java.util.List<Long> all = new java.util.ArrayList<>(w.previewNanos());
            java.util.List<Long> previews = all.subList(previewsBefore, all.size());
            // the hand stops: Esc drops the step under way (a ViT-Base's way to a far target would take minutes),
            // then lets go, and the walk settles where it stands
            service.cancel();
            Platform.runLater(row::letGo);
            service.awaitIdle(600_000);
            double[] lat = java.util.Arrays.copyOf(latencies, samples);
            java.util.Arrays.sort(lat);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", after.source().model());
            r.put("input", after.source().input());
            r.put("cores", Runtime.getRuntime().availableProcessors());
            r.put("jvm_start_to_first_drawn_state_ms", usable);
            r.put("drag_seconds", seconds);
            r.put("drag_steps", steps);
            r.put("steps_per_second", steps / seconds);
            r.put("states_drawn_per_second", drawn / seconds);
            r.put("step_latency_median_ms", lat.length == 0 ? 0 : lat[lat.length / 2]);
            r.put("step_latency_p95_ms", lat.length == 0 ? 0 : lat[Math.min(lat.length - 1, (int) (0.95 * lat.length))]);
            r.put("longest_render_ms", w.maxRenderNanos() / 1e6);
            double[] pv = previews.stream().mapToDouble(v -> v / 1e6).sorted().toArray();
            r.put("compute_threads", service.computeThreads());
            r.put("previews_drawn", pv.length);
            Map<String, Object> pf = new LinkedHashMap<>();
            pf.put("median", pv.length == 0 ? 0 : pv[pv.length / 2]);
            pf.put("p95", pv.length == 0 ? 0 : pv[Math.min(pv.length - 1, (int) (0.95 * pv.length))]);
            r.put("preview_frame_ms", pf);
            double[] g = gaps.stream().mapToDouble(v -> v / 1e6).sorted().toArray();
            r.put("pulses", g.length);
            r.put("pulse_gap_median_ms", g.length == 0 ? 0 : g[g.length / 2]);
            r.put("pulse_gap_p95_ms", g.length == 0 ? 0 : g[Math.min(g.length - 1, (int) (0.95 * g.length))]);
            r.put("pulse_gap_max_ms", g.length == 0 ? 0 : g[g.length - 1]);
            // what the window said meanwhile (a refused step would explain a drag that did not move)
            r.put("notices", w.notices().subList(noticesBefore, w.notices().size()).stream()
                    .map(n -> n.level() + ": " + n.message()).toList());
            JsonOutput.write(o.benchmark(), r);
            System.out.println(Json.text(r));
        } catch (Exception e) {
            System.err.println("leafwalk: benchmark failed: " + e);
        } finally {
            Platform.runLater(() -> {
                w.close();
                Platform.exit();
            });
        }
    }
}
