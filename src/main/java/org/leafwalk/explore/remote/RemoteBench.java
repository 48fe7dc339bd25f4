package org.leafwalk.explore.remote;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.WalkAlgorithm;

/**
 * {@code bench --connect}: what a client of a server sees, measured against the same walk in this process, paired
 * step by step (a step here, a step there, alternating), and a load of many clients walking at once.
 */
public final class RemoteBench {
    private static final long GUARD = 10 * 60_000L;

    /**
     * The pause after each step of the paired run, before the other service's: on a machine of few cores the
     * threads of the step just taken (the engine's, the JIT's, the collector's) still run for a few ms, and the other
     * process's step would pay for them, which no window pays (it walks on one service at a time).
     */
    static final long SETTLE_MILLIS = 25;

    private RemoteBench() {}

    /** One walk's step latencies (request to the state it made, drawn-ready) and what it received. */
    private static final class Walk implements AutoCloseable {
        final Exploration service;
        final AtomicReference<Snapshot> last = new AtomicReference<>();
        final List<String> errors = new CopyOnWriteArrayList<>();

        Walk(java.util.function.BiFunction<java.util.function.Consumer<Snapshot>, java.util.function.Consumer<Notice>,
                Exploration> open) {
            service = open.apply(s -> {
                if (s != null) {
                    if (s.walk() != null && (last.get() == null || last.get().walk() == null
                            || s.walk().step() != last.get().walk().step())) {
                        shownAt = System.nanoTime(); // a new step's state is here for the window to draw
                    }
                    last.set(s);
                }
            }, n -> {
                if (n.level() != Notice.Level.INFO) {
                    errors.add(n.message());
                }
            });
        }

        final List<Double> computeMillis = new CopyOnWriteArrayList<>();
        final List<Double> idleMillis = new CopyOnWriteArrayList<>();
        volatile long shownAt;

        /**
         * One SiMEC step: the time from the request to its state's arrival, the latency a window sees (the time
         * until the service also says it is idle, one more round trip for a server, is kept beside it).
         */
        double step() throws InterruptedException {
            long t0 = System.nanoTime();
            service.stepOnce(WalkAlgorithm.SIMEC);
            service.awaitIdle(GUARD);
            long idle = System.nanoTime();
            idleMillis.add((idle - t0) / 1e6);
            Snapshot s = last.get();
            if (s != null && s.timing() != null) {
                computeMillis.add(s.timing().stepMillis()); // the step as the service that took it timed it
            }
            long shown = shownAt;
            // a step that showed no new state (refused) counts until the service was idle again
            return ((shown > t0 ? Math.min(idle, shown) : idle) - t0) / 1e6;
        }

        double medianCompute() {
            return medianOf(computeMillis);
        }

        double medianOf(List<Double> ms) {
            return median(ms.stream().mapToDouble(Double::doubleValue).toArray());
        }

        @Override
        public void close() {
            service.close();
        }
    }

    /**
     * Paired latencies: {@code steps} SiMEC steps on the server and the same number in this process, alternating,
     * from the same model and input after {@code warmup} untimed steps each.
     *
     * @param remoteModel the server's catalogue name
     * @param localModel the same model's folder here
     */
    public static Map<String, Object> paired(Connection c, String remoteModel, Path localModel, String input,
            int warmup, int steps, String device) throws InterruptedException {
        try (Walk local = new Walk((s, n) -> new ExplorationService(device, s, n));
                Walk remote = new Walk(c::open)) {
            local.service.open(localModel, input);
            remote.service.open(Path.of(remoteModel), input);
            local.service.awaitIdle(GUARD);
            remote.service.awaitIdle(GUARD);
            for (int i = 0; i < warmup; i++) {
                local.step();
                remote.step();
            }
            long[] before = ((RemoteExploration) remote.service).snapshotsReceived();
            local.computeMillis.clear();
            remote.computeMillis.clear();
            local.idleMillis.clear();
            remote.idleMillis.clear();
            double[] l = new double[steps];
            double[] r = new double[steps];
            for (int i = 0; i < steps; i++) {
                l[i] = local.step();
                Thread.sleep(SETTLE_MILLIS);
                r[i] = remote.step();
                Thread.sleep(SETTLE_MILLIS);
            }
            long[] after = ((RemoteExploration) remote.service).snapshotsReceived();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("server", c.address());
            o.put("model", remoteModel);
            o.put("steps", steps);
            o.put("in_process_median_ms", median(l));
            o.put("remote_median_ms", median(r));
            o.put("median_difference_ms", median(r) - median(l));
            // the step's own computation, as each service timed it: the rest of a latency is the way there and back
            o.put("in_process_compute_median_ms", local.medianCompute());
            o.put("remote_compute_median_ms", remote.medianCompute());
            o.put("in_process_overhead_median_ms", median(minus(l, local.computeMillis)));
            o.put("remote_overhead_median_ms", median(minus(r, remote.computeMillis)));
            o.put("in_process_until_idle_median_ms", local.medianOf(local.idleMillis));
            o.put("remote_until_idle_median_ms", remote.medianOf(remote.idleMillis));
            o.put("in_process_p95_ms", percentile(l, 0.95));
            o.put("remote_p95_ms", percentile(r, 0.95));
            long n = after[0] - before[0];
            o.put("snapshots_received", n);
            o.put("bytes_per_snapshot", n == 0 ? 0 : (after[1] - before[1]) / n);
            o.put("trajectories_equal", Arrays.equals(points(local.service), points(remote.service)));
            List<String> errors = new ArrayList<>(local.errors);
            errors.addAll(remote.errors);
            o.put("errors", errors);
            return o;
        }
    }

    /** The walk's recorded points, flattened, to compare two walks bit for bit. */
    private static double[] points(Exploration s) throws InterruptedException {
        return s.trajectory().stream().flatMapToDouble(e -> Arrays.stream(e.point())).toArray();
    }

    /**
     * {@code clients} clients at once, each walking {@code steps} SiMEC steps on its own session: every step of
     * every trajectory recorded, the errors, and the server's memory before, after and once the sessions closed.
     */
    public static Map<String, Object> load(Connection c, String remoteModel, String input, int clients, int steps)
            throws Exception {
        Map<String, Object> o = new LinkedHashMap<>();
        var probe = c.open(s -> { }, n -> { });
        try {
            var before = probe.catalogue(GUARD);
            o.put("clients", clients);
            o.put("steps_each", steps);
            o.put("server_resident_mib_before", before.getResidentMib());
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<Map<String, Object>>> runs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int k = 0; k < clients; k++) {
                runs.add(pool.submit(() -> {
                    try (Walk w = new Walk(c::open)) {
                        w.service.open(Path.of(remoteModel), input);
                        w.service.awaitIdle(GUARD);
                        double[] t = new double[steps];
                        for (int i = 0; i < steps; i++) {
                            t[i] = w.step();
                        }
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("recorded_steps", w.service.trajectory().size() - 1);
                        r.put("median_ms", median(t));
                        r.put("errors", w.errors);
                        return r;
                    }
                }));
            }
            List<Map<String, Object>> results = new ArrayList<>();
            for (var f : runs) {
                results.add(f.get());
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - t0) / 1e9;
            var during = probe.catalogue(GUARD);
            o.put("seconds", seconds);
            o.put("steps_per_second_all_clients", clients * steps / seconds);
            o.put("every_step_recorded", results.stream().allMatch(r -> ((Integer) r.get("recorded_steps")) == steps));
            o.put("errors", results.stream().mapToInt(r -> ((List<?>) r.get("errors")).size()).sum());
            o.put("client_median_ms", results.stream().map(r -> r.get("median_ms")).toList());
            o.put("server_resident_mib_after", during.getResidentMib());
            o.put("server_heap_used_mib_after", during.getHeapUsedMib());
            long end = System.nanoTime() + GUARD * 1_000_000L;
            int open = during.getSessions();
            while (open > 1 && System.nanoTime() < end) { // the probe's own session stays
                Thread.sleep(50);
                open = probe.catalogue(GUARD).getSessions();
            }
            o.put("sessions_open_after", open - 1);
            System.gc(); // this process's; the server's heap is its own: its resident memory once the sessions closed
            var closedNow = probe.catalogue(GUARD);
            o.put("server_resident_mib_after_close", closedNow.getResidentMib());
            o.put("server_heap_used_mib_after_close", closedNow.getHeapUsedMib());
        } finally {
            probe.close();
        }
        return o;
    }

    private static double[] minus(double[] a, List<Double> b) {
        int n = Math.min(a.length, b.size());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a[i] - b.get(i);
        }
        return out;
    }

    static double median(double[] a) {
        return percentile(a, 0.5);
    }

    static double percentile(double[] a, double q) {
        if (a.length == 0) {
            return Double.NaN;
        }
        double[] s = a.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(q * (s.length - 1) + 0.5))];
    }
}
