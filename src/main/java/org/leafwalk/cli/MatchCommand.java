package org.leafwalk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.analysis.Match;
import org.leafwalk.explore.analysis.MatchReport;
import org.leafwalk.explore.export.MatchPictures;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "match", mixinStandardHelpOptions = true,
        description = "Walk from a source image to the representation of a target image (Gauss-Newton with a line "
                + "search, pixels kept in [0,1]); or, with --keep, keep the source's representation while the pixels "
                + "are pulled toward the target.")
final class MatchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ForceOption force;

    @Mixin
    ModelOption modelOption;

    @Option(names = "--source", required = true, paramLabel = "INPUT", description = "An image file or sample:N.")
    String source;

    @Option(names = "--target", required = true, paramLabel = "INPUT", description = "An image file or sample:N.")
    String target;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for match.json, path.csv, result.png (and ×10), comparison.png.")
    Path out;

    @Option(names = "--keep", description = "Keep the source's representation; pull the pixels toward the target.")
    boolean keep;

    @Option(names = "--steps", defaultValue = "100", description = "Step budget (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--tolerance", defaultValue = "1e-3",
            description = "Matching stops when the representation distance is below this share of the initial one "
                    + "(default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--step-size", defaultValue = "0.5",
            description = "--keep: the largest pixel move per step (default: ${DEFAULT-VALUE}).")
    double stepSize;

    @Mixin
    LayerOption layerOption;

    @Mixin
    PrecisionOption precisionOption;

    @Override
    public Integer call() {
        if (steps < 1 || tolerance < 0 || stepSize <= 0) {
            throw new InvalidOption("--steps must be ≥ 1, --tolerance ≥ 0 and --step-size > 0");
        }
        if (!Double.isFinite(tolerance) || !Double.isFinite(stepSize)) {
            throw new InvalidOption("--tolerance and --step-size must be numbers");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InvalidOption("--out " + out + " is a file; match writes a folder of results");
        }
        long t0 = System.nanoTime();
        Path model = modelOption.path();
        String precision = precisionOption.checked();
        List<String> names = List.of("match.json", "path.csv", "result.png", "result-x10.png", "comparison.png");
        OutputPlan plan = new OutputPlan().force(force.force).input("model", model).input("source image", References.input(source, model))
                .input("target image", References.input(target, model));
        for (String n : names) {
            plan.output("--out " + out + " (" + n + ")", out.resolve(n));
        }
        plan.check();
        try (Explorer ex = Explorer.open(model, common.device, precision)) {
            Match m = Match.open(ex, model, source, target, layerOption.layer, keep, stepSize, steps);
            try (Progress progress = Progress.start(keep ? "keep" : "match", steps, "steps")) {
                for (int i = 0; i < steps; i++) {
                    Analysis.Match p = m.step(tolerance);
                    progress.step();
                    progress.message(String.format(java.util.Locale.ROOT, "distance %.4g", p.distance()));
                    if (p.done()) {
                        break;
                    }
                }
            }
            plan.stage(out.resolve("path.csv"), m.csv().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            plan.stage(out.resolve("result.png"), MatchPictures.result(m, 1));
            plan.stage(out.resolve("result-x10.png"), MatchPictures.result(m, 10));
            plan.stage(out.resolve("comparison.png"), MatchPictures.comparison(m));
            Map<String, Object> o = Json.object();
            o.put("model", model.toString());
            MatchReport.describe(m, o, layerOption.layer, source, target);
            o.put("files", names);
            o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
            plan.stage(out.resolve("match.json"), (Json.text(o) + "\n").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            plan.commit();
            if (common.json) {
                System.out.println(Json.text(o));
            } else {
                System.out.println(MatchReport.summary(m, out));
            }
        }
        return 0;
    }
}
