package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.analysis.Benchmarks;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.JacobianMode;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.WalkAlgorithm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the latency of one full walk step (Jacobian, spectrum, step) in each input space.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ModelOption modelOption;

    @Mixin
    ConnectOptions remote;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "0",
            description = "With --connect: a load of N clients walking --steps SiMEC steps each at once, on sessions "
                    + "of their own (default: the paired benchmark, one client against the same walk in this process).")
    int clients;

    @Option(names = "--input", paramLabel = "INPUT", description = "Start image or sample:N (default: seeded noise).")
    String inputRef;

    @Option(names = "--metric", defaultValue = "logits", description = "Output metric (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--steps", defaultValue = "100", description = "Timed steps per space (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--space", split = ",", defaultValue = "pixels,embeddings",
            description = "Spaces to measure (default: ${DEFAULT-VALUE}).")
    String[] spaces;

    @Option(names = "--suite", description = "The whole benchmark: the default model in each space and metric, MiniLM "
            + "on a 16-token sentence, every vision family at one small shape, and a ViT-Base-shaped model (12 "
            + "layers, hidden 768, 224×224, patch 16, random weights) in pixel space with top-10 logits.")
    boolean suite;

    @Option(names = "--drag", paramLabel = "STEPS", defaultValue = "0", description = "A drag of STEPS steps along "
            + "a null direction (SiMEC) and the top eigendirection (SiMExp), with J at every step (drag.exact) and "
            + "carried between linearisations (drag.reuse): steps_per_second, median_ms, jacobian_refreshes, "
            + "max_probability_drift.")
    int drag;

    @Option(names = "--algo", paramLabel = "ALGORITHM", description = "With --drag: simec or simexp only (default: "
            + "both).")
    String algo;

    @Option(names = "--jacobian", paramLabel = "MODE", description = "With --drag: exact or reuse only (default: "
            + "both).")
    String jacobian;

    @Option(names = "--families", description = "Only the suite's vision families: each family at one small shape "
            + "(random weights), its step and its ratio to the ViT step.")
    boolean families;

    @Option(names = "--soak", paramLabel = "STEPS", defaultValue = "0",
            description = "Soak: this many steps through the compute service, SiMEC and SiMExp drags alternating with "
                    + "reversals, back to the start every 1,000 steps; prints resident memory and the Java heap "
                    + "every 1,000 steps.")
    int soak;

    private Map<String, Object> runSoak() throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Snapshot> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<Map<String, Object>> samples = new java.util.ArrayList<>();
        Path model = modelOption.path();
        long t0 = System.nanoTime();
        try (var svc = new ExplorationService(common.device, s -> {
            if (s != null) {
                last.set(s);
            }
        }, n -> {
            if (n.level() == Notice.Level.ERROR) {
                errors.add(n.message());
            }
        })) {
            svc.open(model, inputRef == null ? "sample:14" : inputRef);
            svc.awaitIdle(120_000);
            long done = 0;
            int block = 0;
            Progress progress = Progress.start("soak", soak, "steps");
            while (done < soak) {
                // 25 steps along one slider, then 25 back (a reversal); SiMExp and SiMEC sliders alternate
                var kind = block % 2 == 0 ? SliderKind.EIGEN
                        : SliderKind.NULL;
                int before = last.get().walk().length();
                double reach = 25 * 0.05;
                svc.drag(kind, 0, reach);
                svc.awaitIdle(120_000);
                svc.drag(kind, 0, 0);
                svc.awaitIdle(120_000);
                svc.release();
                svc.awaitIdle(120_000);
                done += Math.max(1, last.get().walk().length() - before);
                progress.stepTo(Math.min(done, soak));
                progress.message(String.format(java.util.Locale.ROOT, "%.0f MiB resident", org.leafwalk.explore.subject.EngineSetup.residentMiB()));
                block++;
                if (done / 1000 > samples.size() - 1 || samples.isEmpty()) {
                    Map<String, Object> r = Json.object();
                    Runtime rt = Runtime.getRuntime();
                    r.put("steps", done);
                    r.put("seconds", (System.nanoTime() - t0) / 1e9);
                    r.put("resident_mib", org.leafwalk.explore.subject.EngineSetup.residentMiB());
                    r.put("heap_used_mib", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
                    samples.add(r);
                    svc.reset(); // the recorded trajectory is the user's, not a leak: start over each 1,000 steps
                    svc.awaitIdle(120_000);
                }
            }
            progress.close();
        }
        Map<String, Object> o = Json.object();
        o.put("model", model.toString());
        o.put("steps", soak);
        o.put("errors", errors);
        o.put("samples", samples);
        if (samples.size() > 2) {
            double base = (double) samples.get(1).get("resident_mib");
            double end = (double) samples.get(samples.size() - 1).get("resident_mib");
            o.put("resident_growth_after_first_1000_percent", 100 * (end - base) / base);
        }
        return o;
    }

    @Spec
    CommandSpec spec;

    /** The benchmarks besides the single-step one: at most one a run. */
    private static final String[] MODES = {"--drag", "--families", "--suite", "--soak"};

    /**
     * bench --connect: the step latency a client of the server sees against the same walk in this process, paired
     * (default model, sample:14 unless --model and --input say), or a load of --clients clients.
     */
    private int connected(org.leafwalk.explore.remote.Connection server) {
        if (steps < 1 || warmup < 0 || clients < 0) {
            throw new InvalidOption("--steps must be ≥ 1, --warmup and --clients ≥ 0");
        }
        new OptionScope(spec).refuse("bench --connect", "to the benchmarks in this process", "--drag", "--soak",
                "--suite", "--families", "--metric", "--space", "--jacobian", "--algo");
        String input = inputRef == null ? "sample:14" : inputRef;
        try {
            var o = clients > 0
                    ? org.leafwalk.explore.remote.RemoteBench.load(server, modelOption.ref, input, clients, steps)
                    : org.leafwalk.explore.remote.RemoteBench.paired(server, modelOption.ref, modelOption.path(),
                            input, warmup, steps, common.device);
            System.out.println(Json.text(o));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        return 0;
    }

    /** Refuses an option that the benchmark asked for ignores, and two benchmarks at once. */
    private void refuseIgnored() {
        OptionScope given = new OptionScope(spec);
        if (given.given("--drag") && drag < 1) {
            throw new InvalidOption("--drag " + drag + ": a drag takes at least one step (bench without "
                    + "--drag times single steps in each space)");
        }
        if (given.given("--soak") && soak < 1) {
            throw new InvalidOption("--soak " + soak + ": a soak takes at least one step (bench without "
                    + "--soak times single steps in each space)");
        }
        java.util.List<String> modes = java.util.Arrays.stream(MODES).filter(given::given).toList();
        if (modes.size() > 1) {
            throw new InvalidOption(String.join(" and ", modes) + " are two benchmarks: run one at a time");
        }
        String single = "to the single-step benchmark (bench without --drag, --families, --suite or --soak)";
        if (!modes.isEmpty()) {
            String mode = "bench " + modes.get(0);
            given.refuse(mode, single, "--metric", "--warmup", "--space");
        }
        if (modes.contains("--drag") || modes.contains("--soak")) {
            given.refuse("bench " + modes.get(0), "to the single-step benchmark, --families and --suite (bench "
                    + modes.get(0) + " takes its own count of steps)", "--steps");
        }
        if (modes.contains("--suite") || modes.contains("--families")) {
            given.refuse("bench " + modes.get(0), "to the single-step benchmark, --drag and --soak (bench "
                    + modes.get(0) + " times its own models)", "--model", "--input");
        }
        if (!modes.contains("--drag")) {
            given.refuse(modes.isEmpty() ? "the single-step benchmark" : "bench " + modes.get(0),
                    "with --drag (its exact or carried Jacobian mode)", "--jacobian");
        }
    }

    @Override
    public Integer call() {
        refuseIgnored();
        var server = remote.connection();
        if (server != null) {
            return connected(server);
        }
        if (clients != 0) {
            throw new InvalidOption("--clients goes with --connect");
        }
        if (steps < 1 || warmup < 0 || soak < 0) {
            throw new InvalidOption("--steps must be ≥ 1, --warmup and --soak ≥ 0 (got " + steps + ", "
                    + warmup + ", " + soak + ")");
        }
        for (String sp : spaces) {
            Space.parse(sp);
        }
        Metric.parse(metric);
        if (drag > 0) {
            java.util.List<String> modes = jacobian == null ? java.util.List.of("exact", "reuse")
                    : java.util.List.of(org.leafwalk.explore.walk.JacobianMode.parse(jacobian).id());
            if (modes.contains("auto")) {
                throw new InvalidOption("bench --drag --jacobian takes exact or reuse");
            }
            java.util.List<org.leafwalk.explore.walk.WalkAlgorithm> algorithms = algo == null
                    ? java.util.List.of(org.leafwalk.explore.walk.WalkAlgorithm.values())
                    : java.util.List.of(org.leafwalk.explore.walk.WalkAlgorithm.parse(algo));
            System.out.println(Json.text(Benchmarks.drag(modelOption.path(), common.device, inputRef, drag, modes,
                    algorithms)));
            return 0;
        }
        if (families) {
            System.out.println(Json.text(org.leafwalk.explore.analysis.Benchmarks.families(common.device, steps)));
            return 0;
        }
        if (suite) {
            System.out.println(Json.text(Benchmarks.suite(common.device, steps)));
            return 0;
        }
        if (soak > 0) {
            try {
                System.out.println(Json.text(runSoak()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
        System.out.println(Json.text(Benchmarks.spaces(modelOption.path(), common.device, inputRef, metric, steps,
                warmup, spaces)));
        return 0;
    }
}
