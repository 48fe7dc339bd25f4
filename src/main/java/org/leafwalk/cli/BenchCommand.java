package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.leafwalk.explore.Explorer;
import org.leafwalk.geometry.Algorithm;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.StepPolicy;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.geometry.Walker;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.model.InputSpace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the latency of one full walk step (Jacobian, spectrum, step) in each input space.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ModelOption modelOption;

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
            + "on a 16-token sentence, and a ViT-Base-shaped model (12 layers, hidden 768, 224×224, patch 16, random "
            + "weights) in pixel space with top-10 logits.")
    boolean suite;

    @Option(names = "--soak", paramLabel = "STEPS", defaultValue = "0",
            description = "Soak: this many steps through the compute service, SiMEC and SiMExp drags alternating with "
                    + "reversals, back to the start every 1,000 steps; prints resident memory and the Java heap "
                    + "every 1,000 steps.")
    int soak;

    /** Resident memory of this process in MiB (Linux /proc; -1 elsewhere). */
    static double residentMiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private Map<String, Object> runSoak() throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<org.leafwalk.explore.Snapshot> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<Map<String, Object>> samples = new java.util.ArrayList<>();
        Path model = modelOption.path();
        long t0 = System.nanoTime();
        try (var svc = new org.leafwalk.explore.ExplorationService(common.device, 0, s -> {
            if (s != null) {
                last.set(s);
            }
        }, n -> {
            if (n.level() == org.leafwalk.explore.Notice.Level.ERROR) {
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
                var kind = block % 2 == 0 ? org.leafwalk.explore.ExplorationService.SliderKind.EIGEN
                        : org.leafwalk.explore.ExplorationService.SliderKind.NULL;
                int before = last.get().trajectoryLength();
                double reach = 25 * 0.05;
                svc.drag(kind, 0, reach);
                svc.awaitIdle(120_000);
                svc.drag(kind, 0, 0);
                svc.awaitIdle(120_000);
                svc.release();
                svc.awaitIdle(120_000);
                done += Math.max(1, last.get().trajectoryLength() - before);
                progress.stepTo(Math.min(done, soak));
                progress.message(String.format(java.util.Locale.ROOT, "%.0f MiB resident", residentMiB()));
                block++;
                if (done / 1000 > samples.size() - 1 || samples.isEmpty()) {
                    Map<String, Object> r = Json.object();
                    Runtime rt = Runtime.getRuntime();
                    r.put("steps", done);
                    r.put("seconds", (System.nanoTime() - t0) / 1e9);
                    r.put("resident_mib", residentMiB());
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

    /** Median, p95 and min of alternating SiMEC/SiMExp steps (with reversals), after untimed warm-up steps. */
    static Map<String, Object> timeSteps(Walker w, int warmup, int steps) {
        for (int i = 0; i < warmup; i++) {
            w.step(i % 2 == 0 ? Algorithm.SIMEC : Algorithm.SIMEXP, 0, 1);
        }
        double[] full = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t = System.nanoTime();
            w.step(i % 2 == 0 ? Algorithm.SIMEC : Algorithm.SIMEXP, 0, i % 4 < 2 ? 1 : -1);
            full[i] = (System.nanoTime() - t) / 1e6;
        }
        Map<String, Object> r = Json.object();
        r.put("dimension", w.current().point().length);
        r.put("outputs", w.spec().size());
        r.put("steps", steps);
        r.put("median_ms", percentile(full, 50));
        r.put("p95_ms", percentile(full, 95));
        r.put("min_ms", percentile(full, 0));
        return r;
    }

    private Map<String, Object> runSuite() {
        Map<String, Object> o = Json.object();
        o.put("cores", Runtime.getRuntime().availableProcessors());
        WalkSettings base = WalkSettings.defaults().withPolicy(StepPolicy.FIXED, 1e-3);
        // the default model, every space and metric
        Map<String, Object> def = Json.object();
        Path model = org.leafwalk.explore.References.model("default");
        try (Explorer ex = Explorer.open(model, common.device)) {
            var img = ex.loadImage(org.leafwalk.explore.References.input("sample:14", model));
            o.put("device", ex.deviceName());
            for (String sp : new String[] {"pixels", "embeddings"}) {
                InputSpace space = InputSpace.parse(sp);
                for (org.leafwalk.geometry.OutputMetric m : org.leafwalk.geometry.OutputMetric.values()) {
                    Walker w = ex.walker(space, base.withMetric(m), ex.startPoint(img, space), false);
                    def.put(sp + "/" + m.id(), timeSteps(w, 20, steps));
                }
            }
        }
        o.put("default_model", def);
        // MiniLM on a 16-token sentence, zero-shot probabilities
        try (Explorer ex = Explorer.open(org.leafwalk.explore.References.model("minilm"), common.device);
                var task = ex.textTask(org.leafwalk.explore.TextSetup.of(
                        "The old river bank was quiet until the storm arrived late last night."), 0)) {
            Walker w = ex.walker(task, base.withMetric(org.leafwalk.geometry.OutputMetric.PROBS), task.startPoint(),
                    null);
            Map<String, Object> r = timeSteps(w, 3, Math.max(5, steps / 5));
            r.put("tokens", task.input().length());
            o.put("minilm", r);
        }
        // a ViT-Base-shaped model with random weights, pixel space, top-10 logits
        Path tmp = null;
        try {
            tmp = java.nio.file.Files.createTempDirectory("leafwalk-vit-base");
            var shape = new org.leafwalk.model.VitCheckpoints.Shape(224, 16, 3, 768, 12, 12, 3072, 1000);
            org.leafwalk.model.VitCheckpoints.writeRandom(tmp, shape, 1, true, true);
            try (Explorer ex = Explorer.open(tmp, common.device)) {
                Random rng = new Random(7);
                double[] px = new double[ex.config().pixelDimension()];
                for (int i = 0; i < px.length; i++) {
                    px[i] = rng.nextDouble();
                }
                Walker w = ex.walker(InputSpace.PIXELS, base.withTopK(10), px, false);
                Map<String, Object> r = timeSteps(w, 1, Math.max(3, steps / 20));
                r.put("shape", "12 layers, hidden 768, 12 heads, MLP 3072, 224×224, patch 16, 197 tokens, 1000 classes");
                o.put("vit_base", r);
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot write the ViT-Base checkpoint (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) {
                try (var files = java.nio.file.Files.list(tmp)) {
                    for (Path f : files.toList()) {
                        java.nio.file.Files.deleteIfExists(f);
                    }
                    java.nio.file.Files.deleteIfExists(tmp);
                } catch (java.io.IOException ignored) {
                    // a temp folder left behind
                }
            }
        }
        return o;
    }

    @Override
    public Integer call() {
        if (steps < 1 || warmup < 0 || soak < 0) {
            throw new IllegalArgumentException("--steps must be ≥ 1, --warmup and --soak ≥ 0 (got " + steps + ", "
                    + warmup + ", " + soak + ")");
        }
        for (String sp : spaces) {
            org.leafwalk.model.InputSpace.parse(sp);
        }
        org.leafwalk.geometry.OutputMetric.parse(metric);
        if (suite) {
            System.out.println(JsonFiles.toJson(runSuite()));
            return 0;
        }
        if (soak > 0) {
            try {
                System.out.println(JsonFiles.toJson(runSoak()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
        Map<String, Object> o = Json.object();
        Path model = modelOption.path();
        try (Explorer ex = Explorer.open(model, common.device)) {
            double[] pixels;
            if (inputRef != null) {
                pixels = ex.loadImage(org.leafwalk.explore.References.input(inputRef, model)).pixels();
            } else {
                Random rng = new Random(7);
                pixels = new double[ex.config().pixelDimension()];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = rng.nextDouble();
                }
            }
            o.put("model", model.toString());
            o.put("device", ex.deviceName());
            o.put("cores", Runtime.getRuntime().availableProcessors());
            o.put("metric", metric);
            o.put("steps", steps);
            WalkSettings settings = WalkSettings.defaults()
                    .withMetric(org.leafwalk.geometry.OutputMetric.parse(metric))
                    .withPolicy(StepPolicy.FIXED, 1e-3);
            Map<String, Object> bySpace = Json.object();
            for (String sp : spaces) {
                InputSpace space = InputSpace.parse(sp);
                double[] start = ex.startPoint(new org.leafwalk.model.ImageInput("bench", pixels,
                        ex.config().numChannels(), ex.config().imageSize(), java.util.List.of()), space);
                Walker w = ex.walker(space, settings, start, false);
                Map<String, Object> r = timeSteps(w, warmup, steps);
                double[] jac = new double[steps];
                double[] x = w.current().point();
                for (int i = 0; i < steps; i++) {
                    long t = System.nanoTime();
                    Linearization.at(ex.map(space), w.spec(), x, settings.tau());
                    jac[i] = (System.nanoTime() - t) / 1e6;
                }
                int k = w.spec().size();
                // one forward at batch 1, then k cotangents pulled back together
                double flops = ex.model().forwardFlops(space) + k * ex.model().pullbackFlops(space);
                double median = (double) r.get("median_ms");
                r.put("jacobian_and_spectrum_median_ms", percentile(jac, 50));
                r.put("gflops", flops / (median * 1e6));
                r.put("flop_per_step", flops);
                bySpace.put(space.id(), r);
            }
            o.put("spaces", bySpace);
        }
        if (common.json) {
            System.out.println(JsonFiles.toJson(o));
        } else {
            System.out.println(JsonFiles.toJson(o));
        }
        return 0;
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
