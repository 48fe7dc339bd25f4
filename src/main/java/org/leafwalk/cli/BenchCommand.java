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

    @Override
    public Integer call() {
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
                for (int i = 0; i < warmup; i++) {
                    w.step(i % 2 == 0 ? Algorithm.SIMEC : Algorithm.SIMEXP, 0, 1);
                }
                double[] full = new double[steps];
                for (int i = 0; i < steps; i++) {
                    long t = System.nanoTime();
                    w.step(i % 2 == 0 ? Algorithm.SIMEC : Algorithm.SIMEXP, 0, i % 4 < 2 ? 1 : -1);
                    full[i] = (System.nanoTime() - t) / 1e6;
                }
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
                double median = percentile(full, 50);
                Map<String, Object> r = Json.object();
                r.put("dimension", ex.model().inputDimension(space));
                r.put("outputs", k);
                r.put("median_ms", median);
                r.put("p95_ms", percentile(full, 95));
                r.put("min_ms", percentile(full, 0));
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
