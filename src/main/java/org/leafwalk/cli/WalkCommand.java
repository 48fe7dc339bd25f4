package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.Explorer;
import org.leafwalk.explore.Readout;
import org.leafwalk.geometry.Algorithm;
import org.leafwalk.geometry.GeometryException;
import org.leafwalk.geometry.StepOutcome;
import org.leafwalk.geometry.StepPolicy;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.geometry.Walker;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.TextDecoding;
import org.leafwalk.model.TextTask;
import org.leafwalk.model.InputSpace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "walk", mixinStandardHelpOptions = true,
        description = "Walk from an input: SiMEC along null directions (keeps the prediction) or SiMExp along "
                + "eigendirections (changes it fastest).")
final class WalkCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    SubjectOptions options;

    @Option(names = "--algo", defaultValue = "simec", description = "simec or simexp (default: ${DEFAULT-VALUE}).")
    String algo;

    @Option(names = "--steps", defaultValue = "100", description = "Number of steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--eta", defaultValue = "1", description = "Step scale η (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--step-policy", defaultValue = "paper",
            description = "paper, authors-code, fixed or output-speed (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--uncorrected", description = "SiMEC without the retraction onto the level set (as the papers measured).")
    boolean uncorrected;

    @Option(names = "--direction", defaultValue = "0",
            description = "Which tracked direction: an index (null direction for simec, eigendirection for simexp), "
                    + "or 'random' for the papers' uniformly random choice at every step (default: ${DEFAULT-VALUE}).")
    String direction;

    @Option(names = "--variant", defaultValue = "global",
            description = "global (exact spectrum of G) or token-blocks (the authors' per-token d×d blocks; "
                    + "embedding space) (default: ${DEFAULT-VALUE}).")
    String variant;

    @Option(names = "--embedding-bounds", description = "Clamp embedding coordinates to what pixels in [0,1] can produce.")
    boolean embeddingBounds;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the trajectory JSON here.")
    Path out;

    @Option(names = "--gif", paramLabel = "FILE", description = "Write an animated GIF of the walk.")
    Path gif;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the walk as CSV, one row per step.")
    Path csv;

    @Option(names = "--session", paramLabel = "FILE", description = "Write a session file (.leafwalk.json).")
    Path session;

    @Mixin
    GifOptionsMixin gifOptions;

    private static double[] head(double[] a) {
        return java.util.Arrays.copyOf(a, Math.min(10, a.length));
    }

    @Override
    public Integer call() {
        InputSpace space = options.explore.inputSpace();
        Algorithm algorithm = Algorithm.parse(algo);
        boolean random = direction.equalsIgnoreCase("random");
        int slider;
        try {
            slider = random ? 0 : Integer.parseInt(direction.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--direction must be an index or 'random', got '" + direction + "'");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("--steps must be ≥ 0, got " + steps);
        }
        int block = switch (variant) {
            case "global" -> 0;
            case "token-blocks" -> -1;
            default -> throw new IllegalArgumentException("unknown variant '" + variant + "' (global, token-blocks)");
        };
        WalkSettings settings = options.explore.settings().withPolicy(StepPolicy.parse(policy), eta).withSeed(seed)
                .withCorrected(!uncorrected).withRandomChoice(random).withTokenBlock(block);
        long t0 = System.nanoTime();
        try (Subject subject = Subject.open(Explorer.open(options.explore.model(), common.device), options,
                settings.topK())) {
            Explorer ex = subject.ex;
            TextTask task = subject.task;
            space = subject.space;
            ImageInput image = subject.image;
            Walker w = subject.walker(settings, subject.start(), embeddingBounds);
            java.util.function.Function<double[], Readout> readout = subject::readout;
            Readout start = readout.apply(w.current().output());
            List<org.leafwalk.explore.TrajectoryEntry> entries = new ArrayList<>();
            entries.add(new org.leafwalk.explore.TrajectoryEntry(0, "start", 0, w.current().point(),
                    start.probabilities(), start.prediction(),
                    head(w.current().spectrum().nonzeroEigenvalues()), 0, 0));
            List<Map<String, Object>> rows = new ArrayList<>();
            String stopped = null;
            int changes = 0;
            int prev = start.prediction();
            long tw = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                StepOutcome so;
                try {
                    so = w.step(algorithm, slider, 1);
                } catch (GeometryException e) {
                    stopped = "step " + (i + 1) + " refused: " + e.getMessage();
                    break;
                }
                Readout r = readout.apply(so.state().output());
                if (r.prediction() != prev) {
                    changes++;
                    prev = r.prediction();
                }
                Map<String, Object> row = Json.object();
                row.put("step", so.step());
                row.put("direction", so.direction());
                row.put("prediction", Json.prediction(r));
                row.put("probabilities", Json.list(r.probabilities()));
                row.put("eigenvalues", Json.head(so.state().spectrum().nonzeroEigenvalues(), 10));
                row.put("delta", so.delta());
                row.put("distance", so.distance());
                row.put("kl_from_start", r.klFrom(start));
                row.put("correction", so.correction());
                rows.add(row);
                entries.add(new org.leafwalk.explore.TrajectoryEntry(so.step(), so.direction(), so.delta(),
                        so.point(), r.probabilities(), r.prediction(),
                        head(so.state().spectrum().nonzeroEigenvalues()), r.klFrom(start), so.distance()));
            }
            double walkMs = (System.nanoTime() - tw) / 1e6;
            double finalDistance = rows.isEmpty() ? 0.0 : (double) rows.get(rows.size() - 1).get("distance");
            Readout end = readout.apply(w.settle().output());
            Map<String, Object> o = Json.object();
            o.put("model", options.explore.model().toString());
            o.put("input", subject.inputName());
            o.put("notes", subject.notes());
            if (task != null) {
                o.put("task", task.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                o.put("tokens", List.of(task.input().tokens()));
                o.put("explored_positions", java.util.Arrays.stream(task.selected()).boxed().toList());
                TextDecoding dec = task.decode(w.current().point());
                Readout again = Readout.of(dec.decodedOutput(), task.labels());
                Map<String, Object> d = Json.object();
                d.put("nearest_tokens", List.of(dec.nearest()));
                d.put("residuals", Json.list(dec.residual()));
                if (dec.viaHead() != null) {
                    d.put("head_tokens", List.of(dec.viaHead()));
                }
                d.put("changed_tokens", dec.changedCount());
                d.put("text", dec.decodedText());
                d.put("prediction", Json.prediction(again));
                o.put("decoded", d);
            }
            o.put("device", ex.deviceName());
            o.put("space", space.id());
            o.put("metric", options.explore.outputMetric().id());
            if (subject.layer > 0) {
                o.put("layer", subject.layer);
            }
            o.put("algorithm", algorithm.id());
            o.put("step_policy", settings.policy().id());
            o.put("eta", eta);
            o.put("tau", settings.tau());
            o.put("seed", seed);
            o.put("corrected", settings.corrected());
            o.put("variant", variant);
            o.put("direction", direction);
            o.put("dimension", w.current().spectrum().dimension());
            o.put("start", Map.of("prediction", Json.prediction(start), "probabilities",
                    Json.list(start.probabilities())));
            o.put("final", Map.of("prediction", Json.prediction(end), "probabilities", Json.list(end.probabilities()),
                    "distance", finalDistance));
            o.put("prediction_changes", changes);
            o.put("steps", rows);
            o.put("ms_per_step", rows.isEmpty() ? 0 : walkMs / rows.size());
            o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
            if (stopped != null) {
                o.put("stopped", stopped);
            }
            if (out != null) {
                JsonFiles.write(out, o);
            }
            if (gif != null || csv != null || session != null) {
                var settingsRecord = new org.leafwalk.explore.Settings(space, settings.metric(), settings.topK(),
                        algorithm, settings.policy(), settings.eta(), settings.tau(), settings.corrected(), seed,
                        settings.nullDirections()).withLayer(Math.max(subject.layer, 0));
                org.leafwalk.explore.Recording rec;
                if (task != null) {
                    rec = new org.leafwalk.explore.Recording(options.explore.modelOption.ref,
                            options.explore.model().toAbsolutePath().toString(),
                            org.leafwalk.explore.SessionFiles.weightsSha256(options.explore.model()), task.input().text(),
                            new byte[0], settingsRecord, task.labels(), 0, 0, entries.size() - 1, entries,
                            options.text.setup(options.input.ref).withSelected(task.selected()));
                } else {
                    var cfg = ex.config();
                    rec = new org.leafwalk.explore.Recording(options.explore.modelOption.ref,
                            options.explore.model().toAbsolutePath().toString(),
                            org.leafwalk.explore.SessionFiles.weightsSha256(options.explore.model()),
                            subject.imageFile.getFileName().toString(),
                            org.leafwalk.io.Images.encodePng(ImageInput.toImage(image.pixels(), cfg.numChannels(),
                                    cfg.imageSize())),
                            settingsRecord, cfg.labels(), cfg.numChannels(), cfg.imageSize(), entries.size() - 1,
                            entries);
                }
                if (csv != null) {
                    org.leafwalk.explore.TrajectoryExport.writeCsv(csv, rec);
                }
                if (session != null) {
                    org.leafwalk.explore.SessionFiles.save(session, rec);
                }
                if (gif != null) {
                    try (var drawer = task != null ? org.leafwalk.explore.Exports.textDrawer(task)
                            : org.leafwalk.explore.Exports.drawer(rec, ex)) {
                        org.leafwalk.explore.Exports.gif(gif, rec, drawer, gifOptions.options());
                    }
                }
            }
            if (common.json) {
                System.out.println(JsonFiles.toJson(o));
            } else {
                System.out.printf("%s walk, %d steps in %s space (%s metric): %s (p=%.4f) -> %s (p=%.4f), "
                                + "distance %.4g, %d prediction changes, %.1f ms/step%n",
                        algorithm.id(), rows.size(), space.id(), options.explore.outputMetric().id(), start.label(),
                        start.probabilities()[start.prediction()], end.label(),
                        end.probabilities()[end.prediction()], finalDistance, changes, rows.isEmpty() ? 0 : walkMs / rows.size());
                if (out != null) {
                    System.out.println("trajectory written to " + out);
                }
            }
            if (stopped != null) {
                System.err.println("leafwalk: error: walk stopped at " + stopped);
                return 2;
            }
        }
        return 0;
    }
}
