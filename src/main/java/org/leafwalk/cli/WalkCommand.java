package org.leafwalk.cli;

import java.nio.charset.StandardCharsets;
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
import org.leafwalk.explore.Exports;
import org.leafwalk.explore.Recording;
import org.leafwalk.explore.SessionFiles;
import org.leafwalk.explore.Settings;
import org.leafwalk.explore.TrajectoryEntry;
import org.leafwalk.explore.TrajectoryExport;
import org.leafwalk.io.Images;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.io.OutputPlan;
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

    /** The walk as far as it went: its steps, and why it ended early (null: it walked every step). */
    private record Walked(List<Map<String, Object>> rows, List<TrajectoryEntry> entries, int changes, double walkMs,
            String failed, String interrupted) {}

    @Override
    public Integer call() {
        // every option is checked before the model opens, so nothing runs only to be refused at the end
        Algorithm algorithm = Algorithm.parse(algo);
        boolean random = direction.equalsIgnoreCase("random");
        int slider;
        try {
            slider = random ? 0 : Integer.parseInt(direction.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--direction must be an index or 'random', got '" + direction + "'");
        }
        if (slider < 0) {
            throw new IllegalArgumentException("--direction " + slider + ": an index is 0 or more");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("--steps must be ≥ 0, got " + steps);
        }
        int block = switch (variant) {
            case "global" -> 0;
            case "token-blocks" -> -1;
            default -> throw new IllegalArgumentException("unknown variant '" + variant + "' (global, token-blocks)");
        };
        if (!Double.isFinite(eta) || eta <= 0) {
            throw new IllegalArgumentException("--eta " + eta + ": the step scale must be a positive number");
        }
        WalkSettings settings = options.explore.settings().withPolicy(StepPolicy.parse(policy), eta).withSeed(seed)
                .withCorrected(!uncorrected).withRandomChoice(random).withTokenBlock(block);
        settings.validate();
        Exports.GifOptions gifOpts = gif != null ? gifOptions.options() : null;
        Path modelDir = options.explore.model();
        OutputPlan plan = options.plan();
        plan.output("--out", out).output("--csv", csv).output("--gif", gif).output("--session", session).check();

        long t0 = System.nanoTime();
        try (Subject subject = Subject.open(Explorer.open(modelDir, common.device), options, settings.topK());
                Interrupts interrupts = Interrupts.install()) {
            Walker w = subject.walker(settings, subject.start(), embeddingBounds);
            Readout start = subject.readout(w.current().output());
            Walked walked = walk(subject, w, algorithm, slider, start, interrupts);
            Readout end = subject.readout(w.settle().output());
            Map<String, Object> o = document(subject, w, settings, algorithm, start, end, walked, t0);
            stage(plan, subject, settings, algorithm, walked, o, gifOpts);
            String incomplete = walked.interrupted() != null ? walked.interrupted() : walked.failed();
            if (incomplete == null) {
                plan.commit();
            } else if (plan.hasStaged()) {
                for (Path[] kept : plan.commitAside(walked.interrupted() != null ? "interrupted" : "partial")) {
                    int n = walked.entries().size() - 1;
                    System.err.println("leafwalk: " + (OutputPlan.exists(kept[0]) ? "kept " + kept[0]
                            + " as it was; " : "") + "the " + n + (n == 1 ? " step" : " steps") + " walked "
                            + (n == 1 ? "is" : "are") + " in " + kept[1]);
                }
            }
            print(o, walked, start, end, algorithm, subject);
            if (walked.interrupted() != null) {
                System.err.println("leafwalk: walk interrupted by " + walked.interrupted() + " after "
                        + walked.rows().size() + " of " + steps + " steps");
                return Interrupts.EXIT_CODE;
            }
            if (walked.failed() != null) {
                System.err.println("leafwalk: error: walk stopped at " + walked.failed());
                return 2;
            }
        }
        return 0;
    }

    /** Walks the steps asked for, with progress on stderr, until done, a step is refused, or a signal asks to stop. */
    private Walked walk(Subject subject, Walker w, Algorithm algorithm, int slider, Readout start,
            Interrupts interrupts) {
        List<TrajectoryEntry> entries = new ArrayList<>();
        entries.add(new TrajectoryEntry(0, "start", 0, w.current().point(), start.probabilities(), start.prediction(),
                head(w.current().spectrum().nonzeroEigenvalues()), 0, 0));
        List<Map<String, Object>> rows = new ArrayList<>();
        String failed = null;
        int changes = 0;
        int prev = start.prediction();
        long tw = System.nanoTime();
        try (Progress progress = steps > 0 ? Progress.start(algorithm.id() + " walk", steps, "steps") : null) {
            for (int i = 0; i < steps && !interrupts.requested(); i++) {
                StepOutcome so;
                try {
                    so = w.step(algorithm, slider, 1);
                } catch (GeometryException e) {
                    failed = "step " + (i + 1) + " refused: " + e.getMessage();
                    break;
                }
                Readout r = subject.readout(so.state().output());
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
                entries.add(new TrajectoryEntry(so.step(), so.direction(), so.delta(), so.point(), r.probabilities(),
                        r.prediction(), head(so.state().spectrum().nonzeroEigenvalues()), r.klFrom(start),
                        so.distance()));
                progress.step();
                progress.message(r.label() + String.format(java.util.Locale.ROOT, " p=%.3f",
                        r.probabilities()[r.prediction()]));
            }
        }
        return new Walked(rows, entries, changes, (System.nanoTime() - tw) / 1e6, failed, interrupts.which());
    }

    private Map<String, Object> document(Subject subject, Walker w, WalkSettings settings, Algorithm algorithm,
            Readout start, Readout end, Walked walked, long t0) {
        List<Map<String, Object>> rows = walked.rows();
        double finalDistance = rows.isEmpty() ? 0.0 : (double) rows.get(rows.size() - 1).get("distance");
        TextTask task = subject.task;
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
        o.put("device", subject.ex.deviceName());
        o.put("space", subject.space.id());
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
        o.put("prediction_changes", walked.changes());
        o.put("steps", rows);
        o.put("ms_per_step", rows.isEmpty() ? 0 : walked.walkMs() / rows.size());
        o.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
        if (walked.failed() != null) {
            o.put("stopped", walked.failed());
        }
        if (walked.interrupted() != null) {
            o.put("interrupted", interruptedNote(walked));
        }
        return o;
    }

    private String interruptedNote(Walked walked) {
        return walked.interrupted() + " after " + walked.rows().size() + " of " + steps + " steps";
    }

    /** Every file asked for, as bytes: written together once the walk has ended. */
    private void stage(OutputPlan plan, Subject subject, WalkSettings settings, Algorithm algorithm, Walked walked,
            Map<String, Object> o, Exports.GifOptions gifOpts) {
        if (out != null) {
            plan.stage(out, (JsonFiles.toJson(o) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (gif == null && csv == null && session == null) {
            return;
        }
        Recording rec = recording(subject, settings, algorithm, walked.entries());
        if (csv != null) {
            plan.stage(csv, TrajectoryExport.csv(rec).getBytes(StandardCharsets.UTF_8));
        }
        if (session != null) {
            String why = walked.interrupted() != null ? interruptedNote(walked) : walked.failed();
            plan.stage(session, SessionFiles.encode(rec, why).getBytes(StandardCharsets.UTF_8));
        }
        if (gif != null) {
            try (var drawer = subject.task != null ? Exports.textDrawer(subject.task) : Exports.drawer(rec, subject.ex)) {
                plan.stage(gif, Exports.gifBytes(rec, drawer, gifOpts));
            }
        }
    }

    private Recording recording(Subject subject, WalkSettings settings, Algorithm algorithm,
            List<TrajectoryEntry> entries) {
        Settings record = new Settings(subject.space, settings.metric(), settings.topK(), algorithm,
                settings.policy(), settings.eta(), settings.tau(), settings.corrected(), seed,
                settings.nullDirections()).withLayer(Math.max(subject.layer, 0));
        Path model = options.explore.model();
        String ref = options.explore.modelOption.ref;
        String path = model.toAbsolutePath().toString();
        String sha = SessionFiles.weightsSha256(model);
        if (subject.task != null) {
            TextTask task = subject.task;
            return new Recording(ref, path, sha, task.input().text(), new byte[0], record, task.labels(), 0, 0,
                    entries.size() - 1, entries, options.text.setup(options.input.ref).withSelected(task.selected()));
        }
        var cfg = subject.ex.config();
        return new Recording(ref, path, sha, subject.imageFile.getFileName().toString(),
                Images.encodePng(ImageInput.toImage(subject.image.pixels(), cfg.numChannels(), cfg.imageSize())),
                record, cfg.labels(), cfg.numChannels(), cfg.imageSize(), entries.size() - 1, entries);
    }

    private void print(Map<String, Object> o, Walked walked, Readout start, Readout end, Algorithm algorithm,
            Subject subject) {
        if (common.json) {
            System.out.println(JsonFiles.toJson(o));
            return;
        }
        List<Map<String, Object>> rows = walked.rows();
        double finalDistance = rows.isEmpty() ? 0.0 : (double) rows.get(rows.size() - 1).get("distance");
        System.out.printf("%s walk, %d steps in %s space (%s metric): %s (p=%.4f) -> %s (p=%.4f), "
                        + "distance %.4g, %d prediction changes, %.1f ms/step%n",
                algorithm.id(), rows.size(), subject.space.id(), options.explore.outputMetric().id(), start.label(),
                start.probabilities()[start.prediction()], end.label(), end.probabilities()[end.prediction()],
                finalDistance, walked.changes(), rows.isEmpty() ? 0 : walked.walkMs() / rows.size());
        if (out != null && walked.failed() == null && walked.interrupted() == null) {
            System.out.println("trajectory written to " + out);
        }
    }
}
