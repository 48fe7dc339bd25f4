package org.leafwalk.ui;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.application.Platform;
import org.leafwalk.explore.SliderKind;
import org.leafwalk.explore.Snapshot;
import org.leafwalk.explore.Json;

/**
 * The window's own figures: the time from the JVM's start to the first drawn walk state (a usable window), and a
 * continuous slider drag of 5 s (the target moves every 16 ms, as a hand does) with the steps computed and the
 * states drawn per second, and the gaps between the JavaFX thread's pulses meanwhile (how smoothly the window
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

    private static void run(MainWindow w, LeafwalkApp.Options o) {
        try {
            long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
            long usable = w.firstDrawnMillis() - jvmStart;
            var service = w.service();
            service.awaitIdle(60_000);
            Snapshot before = w.current();
            long rendersBefore = w.renders();
            java.util.List<Long> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();
            long[] lastPulse = {0};
            // pulses are counted once the drag is under way: its first half second also compiles the drawing paths
            long countFrom = System.nanoTime() + 500_000_000L;
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
            long t0 = System.nanoTime();
            double target = 0;
            double[] latencies = new double[2000];
            int samples = 0;
            while (System.nanoTime() - t0 < 5_000_000_000L) {
                target += 0.01; // 0.6 per second of drag
                service.drag(SliderKind.NULL, 0, target);
                Thread.sleep(16);
                Snapshot s = w.current();
                if (s != null && samples < latencies.length && s.timing().stepMillis() > 0) {
                    latencies[samples++] = s.timing().stepMillis();
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Platform.runLater(pulses::stop);
            Snapshot after = w.current();
            long steps = after.walk().length() - before.walk().length();
            long drawn = w.renders() - rendersBefore;
            service.release();
            service.awaitIdle(60_000);
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
            double[] g = gaps.stream().mapToDouble(v -> v / 1e6).sorted().toArray();
            r.put("pulses", g.length);
            r.put("pulse_gap_median_ms", g.length == 0 ? 0 : g[g.length / 2]);
            r.put("pulse_gap_p95_ms", g.length == 0 ? 0 : g[Math.min(g.length - 1, (int) (0.95 * g.length))]);
            r.put("pulse_gap_max_ms", g.length == 0 ? 0 : g[g.length - 1]);
            Json.write(o.benchmark(), r);
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
