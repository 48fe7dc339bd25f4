package org.leafwalk.explore.analysis;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.RandomModels;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.TextSetup;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.geometry.Algorithm;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.geometry.Walker;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.model.InputSpace;

/**
 * The latency of one full walk step (Jacobian, spectrum, step), as the bench command prints it: alternating SiMEC
 * and SiMExp steps with reversals, after untimed warm-up steps, on the fixed step δ = 1e-3 so that every step is
 * a full one.
 */
public final class Benchmarks {
    private Benchmarks() {}

    /** Median, p95 and min of alternating SiMEC/SiMExp steps (with reversals), after untimed warm-up steps. */
    private static Map<String, Object> timeSteps(Walker w, int warmup, int steps) {
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

    /**
     * Each space's step latency on a model from an image ({@code inputRef}; null: seeded noise), with the floating
     * point operations of a step and the rate they run at.
     */
    public static Map<String, Object> spaces(Path model, String device, String inputRef, String metric, int steps,
            int warmup, String[] spaces) {
        Map<String, Object> o = Json.object();
        try (Explorer ex = Explorer.open(model, device)) {
            double[] pixels = pixels(ex, model, inputRef);
            describe(o, model, ex);
            o.put("metric", metric);
            o.put("steps", steps);
            WalkSettings settings = Settings.DEFAULTS.withMetric(Metric.parse(metric))
                    .withStep(StepLength.FIXED, 1e-3).walkSettings();
            Map<String, Object> bySpace = Json.object();
            for (String sp : spaces) {
                InputSpace space = Space.parse(sp).engine();
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
        return o;
    }

    public static Map<String, Object> suite(String device, int steps) {
        Map<String, Object> o = Json.object();
        o.put("cores", Runtime.getRuntime().availableProcessors());
        WalkSettings base = Settings.DEFAULTS.withStep(StepLength.FIXED, 1e-3).walkSettings();
        // the default model, every space and metric
        Map<String, Object> def = Json.object();
        Path model = org.leafwalk.explore.subject.References.model("default");
        try (Explorer ex = Explorer.open(model, device)) {
            var img = ex.loadImage(org.leafwalk.explore.subject.References.input("sample:14", model));
            o.put("device", ex.deviceName());
            for (String sp : new String[] {"pixels", "embeddings"}) {
                InputSpace space = Space.parse(sp).engine();
                for (org.leafwalk.geometry.OutputMetric m : org.leafwalk.geometry.OutputMetric.values()) {
                    Walker w = ex.walker(space, base.withMetric(m), ex.startPoint(img, space), false);
                    def.put(sp + "/" + m.id(), timeSteps(w, 20, steps));
                }
            }
        }
        o.put("default_model", def);
        o.put("families", families(device, Math.max(5, steps / 2)));
        // MiniLM on a 16-token sentence, zero-shot probabilities
        try (Explorer ex = Explorer.open(org.leafwalk.explore.subject.References.model("minilm"), device);
                var task = ex.textTask(org.leafwalk.explore.walk.TextSetup.of(
                        "The old river bank was quiet until the storm arrived late last night."), 0)) {
            Walker w = ex.walker(task, base.withMetric(org.leafwalk.geometry.OutputMetric.PROBS), task.startPoint(),
                    null);
            Map<String, Object> r = timeSteps(w, 3, Math.max(5, steps / 5));
            r.put("tokens", task.input().length());
            o.put("minilm", r);
            // the representation metric: 384 outputs, J from the batched pullback of 384 cotangent rows
            Walker rep = ex.walker(task, base.withMetric(org.leafwalk.geometry.OutputMetric.REPRESENTATION),
                    task.startPoint(), null);
            Map<String, Object> rr = timeSteps(rep, 1, Math.max(3, steps / 20));
            rr.put("tokens", task.input().length());
            rr.put("outputs", rep.spec().size());
            o.put("minilm_representation", rr);
        }
        // a ViT-Base-shaped model with random weights, pixel space, top-10 logits
        o.put("vit_base", onRandomModel("vit", device, 224, 16, 768, 12, 12, 3072, 1000, ex -> {
            Walker w = ex.walker(InputSpace.PIXELS, base.withTopK(10), pixels(ex, null, null), false);
            Map<String, Object> r = timeSteps(w, 1, Math.max(3, steps / 20));
            r.put("shape", "12 layers, hidden 768, 12 heads, MLP 3072, 224×224, patch 16, 197 tokens, 1000 classes");
            return r;
        }));
        return o;
    }

    /**
     * A drag: {@code steps} steps along null direction 0 (SiMEC, corrected) and along the top eigendirection
     * (SiMExp), from the model's image ({@code inputRef}; null: seeded noise) in pixel space at the default settings,
     * once with J at every step and once carrying it between linearisations. Per mode and algorithm: steps per
     * second, the median step, how many exact Jacobians were computed after the start, and the largest change of
     * any class probability from the start.
     */
    public static Map<String, Object> drag(Path model, String device, String inputRef, int steps) {
        return drag(model, device, inputRef, steps, List.of("exact", "reuse"),
                List.of(WalkAlgorithm.SIMEC, WalkAlgorithm.SIMEXP));
    }

    /** As {@link #drag(Path, String, String, int)}, in the given modes (exact, reuse) and algorithms only. */
    public static Map<String, Object> drag(Path model, String device, String inputRef, int steps,
            List<String> modeNames, List<WalkAlgorithm> algorithms) {
        Map<String, Object> o = Json.object();
        try (Explorer ex = Explorer.open(model, device)) {
            double[] pixels = pixels(ex, model, inputRef);
            describe(o, model, ex);
            o.put("steps", steps);
            o.put("settings", "pixel space, top-10 logits, the paper's step rule (η 1), corrected SiMEC");
            Map<String, Object> modes = Json.object();
            for (String mode : modeNames) {
                Map<String, Object> byAlgorithm = Json.object();
                for (WalkAlgorithm walked : algorithms) {
                    Algorithm a = walked.engine();
                    Walker w = ex.walker(InputSpace.PIXELS, Settings.DEFAULTS.walkSettings(), pixels.clone(), false);
                    if (mode.equals("reuse")) {
                        w.reuseJacobian(org.leafwalk.geometry.JacobianReuse.DEFAULT);
                    }
                    int labels = ex.config().numLabels();
                    double[] p0 = org.leafwalk.geometry.OutputSpec.softmax(w.current().output(), labels);
                    double drift = 0;
                    double trackedDrift = 0; // over the classes the metric holds (the top 10 at the start)
                    int[] tracked = w.spec().columns();
                    double[] z0 = w.current().selected().clone();
                    double outputDrift = 0; // of the outputs the metric measures (SiMEC keeps them)
                    double[] outputDrifts = new double[steps];
                    double[] ms = new double[steps];
                    long t0 = System.nanoTime();
                    for (int i = 0; i < steps; i++) {
                        long t = System.nanoTime();
                        var out = w.step(a, 0, 1);
                        ms[i] = (System.nanoTime() - t) / 1e6;
                        double[] p = org.leafwalk.geometry.OutputSpec.softmax(out.state().output(), labels);
                        for (int c = 0; c < labels; c++) {
                            drift = Math.max(drift, Math.abs(p[c] - p0[c]));
                        }
                        for (int c : tracked) {
                            if (c < labels) {
                                trackedDrift = Math.max(trackedDrift, Math.abs(p[c] - p0[c]));
                            }
                        }
                        double[] z = out.state().selected();
                        for (int c = 0; c < z.length; c++) {
                            outputDrifts[i] = Math.max(outputDrifts[i], Math.abs(z[c] - z0[c]));
                        }
                        outputDrift = Math.max(outputDrift, outputDrifts[i]);
                    }
                    double total = (System.nanoTime() - t0) / 1e9;
                    Map<String, Object> r = Json.object();
                    r.put("steps_per_second", steps / total);
                    r.put("median_ms", percentile(ms, 50));
                    r.put("p95_ms", percentile(ms, 95));
                    r.put("jacobian_refreshes", w.jacobianRefreshes());
                    r.put("trust_refusals", w.trustRefusals());
                    r.put("chord_corrections", w.chordCorrections());
                    r.put("max_probability_drift", drift);
                    r.put("max_tracked_probability_drift", trackedDrift);
                    r.put("max_metric_output_drift", outputDrift);
                    r.put("median_metric_output_drift", percentile(outputDrifts, 50));
                    byAlgorithm.put(a == Algorithm.SIMEC ? "simec" : "simexp", r);
                }
                modes.put(mode, byAlgorithm);
            }
            o.put("drag", modes);
        }
        return o;
    }

    /**
     * Every vision family at one small shape (32×32×3, patch 4, 65 tokens, hidden 64, 4 layers, 4 heads, MLP 256,
     * 10 classes; random weights), pixel space, the top-10 logits (the representation without a classifier): each
     * family's step and its ratio to the ViT step.
     */
    public static Map<String, Object> families(String device, int steps) {
        Map<String, Object> o = Json.object();
        o.put("shape", "32×32×3, patch 4, hidden 64, 4 layers, 4 heads, MLP 256, 10 classes; pixel space");
        o.put("ratio", "each family's median against the ViT's timed just before it, at the same metric (the machine "
                + "warms up over a run, so unpaired medians drift by more than the families differ)");
        onRandomModel("vit", device, 32, 4, 64, 4, 4, 256, 10, vit -> {
            timeFamily(vit, Metric.LOGITS, 3, steps); // warms the JIT and the engine up: not reported
            for (String family : RandomModels.families()) {
                o.put(family, onRandomModel(family, device, 32, 4, 64, 4, 4, 256, 10, ex -> {
                    Metric metric = ex.config().numLabels() > 0 ? Metric.LOGITS : Metric.REPRESENTATION;
                    double before = (double) timeFamily(vit, metric, 3, steps).get("median_ms");
                    Map<String, Object> r = timeFamily(ex, metric, 3, steps);
                    r.put("architecture", ex.config().arch().architecture());
                    r.put("tokens", ex.config().numTokens());
                    r.put("metric", metric.name().toLowerCase(java.util.Locale.ROOT));
                    r.put("vit_median_ms", before);
                    r.put("ratio_to_vit", (double) r.get("median_ms") / before);
                    return r;
                }));
            }
            return null;
        });
        return o;
    }

    /**
     * {@code body} on a random RGB model of {@code family} and this shape (seed 1), written to a temporary folder that
     * is deleted afterwards.
     */
    private static <T> T onRandomModel(String family, String device, int image, int patch, int hidden, int layers,
            int heads, int mlp, int labels, java.util.function.Function<Explorer, T> body) {
        Path tmp = null;
        try {
            tmp = java.nio.file.Files.createTempDirectory("leafwalk-" + family);
            RandomModels.write(tmp, family, image, patch, 3, hidden, layers, heads, mlp, labels, 1);
            try (Explorer ex = Explorer.open(tmp, device)) {
                return body.apply(ex);
            }
        } catch (java.io.IOException e) {
            throw new InvalidInputException("cannot write a random " + family + " model (" + e.getMessage() + ")",
                    e);
        } finally {
            deleteFolder(tmp);
        }
    }

    /** Steps of a pixel-space walk from seeded noise, top-10 logits or the representation. */
    private static Map<String, Object> timeFamily(Explorer ex, Metric metric, int warmup, int steps) {
        WalkSettings ws = Settings.DEFAULTS.withStep(StepLength.FIXED, 1e-3).withMetric(metric).withTopK(10)
                .walkSettings();
        return timeSteps(ex.walker(InputSpace.PIXELS, ws, pixels(ex, null, null), false), warmup, steps);
    }

    /** What every benchmark document starts with: the model, the device and the cores. */
    private static void describe(Map<String, Object> o, Path model, Explorer ex) {
        o.put("model", model.toString());
        o.put("device", ex.deviceName());
        o.put("cores", Runtime.getRuntime().availableProcessors());
    }

    /** The benchmark's image: the model's input {@code inputRef}, or seeded noise (seed 7) when it is null. */
    private static double[] pixels(Explorer ex, Path model, String inputRef) {
        if (inputRef != null) {
            return ex.loadImage(org.leafwalk.explore.subject.References.input(inputRef, model)).pixels();
        }
        Random rng = new Random(7);
        double[] px = new double[ex.config().pixelDimension()];
        for (int i = 0; i < px.length; i++) {
            px[i] = rng.nextDouble();
        }
        return px;
    }

    private static void deleteFolder(Path tmp) {
        if (tmp == null) {
            return;
        }
        try (var files = java.nio.file.Files.list(tmp)) {
            for (Path f : files.toList()) {
                java.nio.file.Files.deleteIfExists(f);
            }
            java.nio.file.Files.deleteIfExists(tmp);
        } catch (java.io.IOException ignored) {
            // a temp folder left behind
        }
    }

    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
