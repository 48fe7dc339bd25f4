package org.leafwalk.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.export.TrajectoryExport;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.failure.StepRefused;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.session.SessionFiles;
import org.leafwalk.explore.session.WalkReport;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.walk.JacobianMode;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;
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
    ForceOption force;

    @Mixin
    SubjectOptions options;

    @Option(names = "--algo", description = "simec or simexp (default: ${DEFAULT-VALUE}).")
    String algo = Settings.DEFAULTS.algorithm().id();

    @Option(names = "--steps", defaultValue = "100", description = "Number of steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--eta", description = "Step scale η (default: ${DEFAULT-VALUE}).")
    double eta = Settings.DEFAULTS.eta();

    @Option(names = "--step-policy",
            description = "paper, authors-code, fixed or output-speed (default: ${DEFAULT-VALUE}).")
    String policy = Settings.DEFAULTS.policy().id();

    @Option(names = "--seed", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed = Settings.DEFAULTS.seed();

    @Option(names = "--jacobian", defaultValue = "auto", paramLabel = "MODE", description = "exact (J at every step), "
            + "reuse (trust-region steps: one forward pass each while the output J predicts is the one measured, J "
            + "again when the test fails, after 50 steps or when the walk rests) or auto (reuse where an exact step "
            + "costs more than 37.5 GFLOP, as on ViT-Base) (default: ${DEFAULT-VALUE}).")
    String jacobian;

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

    @Option(names = "--out", converter = OutputFile.class, paramLabel = "FILE", description = "Also write this document (what --json prints) here.")
    Path out;

    @Option(names = "--trajectory-json", converter = OutputFile.class, paramLabel = "FILE",
            description = "Write the trajectory as JSON, as the window's export and `export --trajectory-json` do.")
    Path trajectoryJson;

    @Option(names = "--gif", converter = OutputFile.class, paramLabel = "FILE", description = "Write an animated GIF of the walk.")
    Path gif;

    @Option(names = "--csv", converter = OutputFile.class, paramLabel = "FILE", description = "Write the walk as CSV, one row per step.")
    Path csv;

    @Option(names = "--session", converter = OutputFile.class, paramLabel = "FILE", description = "Write a session file (.leafwalk.json).")
    Path session;

    @Option(names = "--safetensors", converter = OutputFile.class, paramLabel = "FILE", description = "Write the trajectory as safetensors (points "
            + "float32 [steps, n], probabilities, eigenvalues; the settings as metadata).")
    Path safetensors;

    @Option(names = "--npz", converter = OutputFile.class, paramLabel = "FILE", description = "Write the trajectory as a NumPy .npz archive (the "
            + "same arrays; the settings as the JSON array 'metadata').")
    Path npz;

    @Mixin
    GifOptionsMixin gifOptions;

    /** The walk as far as it went: its steps, and why it ended early (null: it walked every step). */
    private record Walked(List<Map<String, Object>> rows, int changes, double walkMs, String failed,
            String interrupted) {}

    @Override
    public Integer call() {
        // every option is checked before the model opens, so nothing runs only to be refused at the end
        WalkAlgorithm algorithm = WalkAlgorithm.parse(algo);
        boolean random = direction.equalsIgnoreCase("random");
        int slider;
        try {
            slider = random ? 0 : Integer.parseInt(direction.trim());
        } catch (NumberFormatException e) {
            throw new InvalidOption("--direction must be an index or 'random', got '" + direction + "'");
        }
        if (slider < 0) {
            throw new InvalidOption("--direction " + slider + ": an index is 0 or more");
        }
        if (steps < 0) {
            throw new InvalidOption("--steps must be ≥ 0, got " + steps);
        }
        boolean blocks = switch (variant) {
            case "global" -> false;
            case "token-blocks" -> true;
            default -> throw new InvalidOption("unknown variant '" + variant + "' (global, token-blocks)");
        };
        Settings settings = options.settings().withAlgorithm(algorithm).withStep(StepLength.parse(policy), eta)
                .withSeed(seed).withCorrected(!uncorrected).withRandomChoice(random).withTokenBlocks(blocks)
                .withEmbeddingBounds(embeddingBounds).validate();
        Exports.GifOptions gifOpts = gifOptions.options(gif != null);
        Path modelDir = options.explore.model();
        OutputPlan plan = options.plan().force(force.force);
        plan.output("--out", out).output("--csv", csv).output("--trajectory-json", trajectoryJson)
                .output("--gif", gif).output("--session", session).output("--safetensors", safetensors).output("--npz", npz).check();

        long t0 = System.nanoTime();
        try (Explorer ex = Explorer.open(modelDir, common.device);
                Session walk = new Session(options.explore.modelOption.ref, modelDir, options.open(ex, settings),
                        settings);
                Interrupts interrupts = Interrupts.install()) {
            walk.jacobian(org.leafwalk.explore.walk.JacobianMode.parse(jacobian));
            int directions = walk.directions(algorithm);
            if (!random && slider >= directions) {
                throw new InvalidOption("--direction " + slider + ": " + algorithm.id() + " has " + directions
                        + (algorithm == WalkAlgorithm.SIMEC ? " null directions" : " eigendirections") + " here (0 to "
                        + (directions - 1) + ")");
            }
            Readout start = walk.trajectory().startReadout();
            Walked walked = walk(walk, algorithm, slider, start, interrupts);
            Readout end = walk.settle(false);
            Map<String, Object> o = document(walk, start, end, walked, t0);
            stage(plan, walk, walked, o, gifOpts);
            String incomplete = walked.interrupted() != null ? walked.interrupted() : walked.failed();
            if (incomplete == null) {
                plan.commit();
            } else if (plan.hasStaged()) {
                for (Path[] kept : plan.commitAside(walked.interrupted() != null ? "interrupted" : "partial")) {
                    int n = walked.rows().size();
                    System.err.println("leafwalk: " + (OutputPlan.exists(kept[0]) ? "kept " + kept[0]
                            + " as it was; " : "") + "the " + n + (n == 1 ? " step" : " steps") + " walked "
                            + (n == 1 ? "is" : "are") + " in " + kept[1]);
                }
            }
            print(o, walked, start, end, walk);
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
    private Walked walk(Session walk, WalkAlgorithm algorithm, int slider, Readout start, Interrupts interrupts) {
        List<Map<String, Object>> rows = new ArrayList<>();
        String failed = null;
        int changes = 0;
        int prev = start.prediction();
        long tw = System.nanoTime();
        try (Progress progress = steps > 0 ? Progress.start(algorithm.id() + " walk", steps, "steps") : null) {
            for (int i = 0; i < steps && !interrupts.requested(); i++) {
                Session.Step s;
                try {
                    s = walk.step(algorithm, slider, 1, Double.POSITIVE_INFINITY);
                } catch (StepRefused e) {
                    failed = "step " + (i + 1) + " refused: " + e.getMessage();
                    break;
                }
                Readout r = s.readout();
                TrajectoryEntry e = s.entry();
                if (r.prediction() != prev) {
                    changes++;
                    prev = r.prediction();
                }
                Map<String, Object> row = Json.object();
                row.put("step", e.step());
                row.put("direction", e.direction());
                row.put("prediction", Json.prediction(r));
                row.put("probabilities", Json.list(r.probabilities()));
                row.put("eigenvalues", Json.list(e.topEigenvalues()));
                row.put("delta", e.delta());
                row.put("distance", e.distance());
                row.put("kl_from_start", e.kl());
                row.put("correction", s.correction());
                if (e.carried()) {
                    row.put("jacobian", "carried");
                }
                rows.add(row);
                progress.step();
                progress.message(r.label() + String.format(java.util.Locale.ROOT, " p=%.3f",
                        r.confidence()));
            }
        }
        return new Walked(rows, changes, (System.nanoTime() - tw) / 1e6, failed, interrupts.which());
    }

    private Map<String, Object> document(Session walk, Readout start, Readout end, Walked walked, long t0) {
        List<Map<String, Object>> rows = walked.rows();
        double finalDistance = rows.isEmpty() ? 0.0 : (double) rows.get(rows.size() - 1).get("distance");
        Subject subject = walk.subject();
        Settings settings = walk.settings();
        Map<String, Object> o = Json.object();
        o.put("model", options.explore.model().toString());
        o.put("input", subject.inputReference());
        o.put("notes", subject.notes());
        subject.describe(o, false);
        subject.describeDecoding(o, walk.point(), "decoded", true);
        o.put("device", subject.model().deviceName());
        o.put("space", subject.space().id());
        o.put("metric", settings.metric().id());
        if (subject.layer() > 0) {
            o.put("layer", subject.layer());
        }
        o.put("algorithm", settings.algorithm().id());
        o.put("step_policy", settings.policy().id());
        o.put("eta", settings.eta());
        o.put("tau", settings.tau());
        o.put("seed", settings.seed());
        o.put("corrected", settings.corrected());
        o.put("variant", settings.variant());
        o.put("direction", direction);
        o.put("dimension", walk.dimension());
        o.put("start", Json.of("prediction", Json.prediction(start), "probabilities",
                Json.list(start.probabilities())));
        o.put("final", Json.of("prediction", Json.prediction(end), "probabilities", Json.list(end.probabilities()),
                "distance", finalDistance));
        o.put("prediction_changes", walked.changes());
        int carried = (int) rows.stream().filter(r -> "carried".equals(r.get("jacobian"))).count();
        o.put("jacobian", WalkReport.jacobian(walk, rows.size(), carried));
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
    private void stage(OutputPlan plan, Session walk, Walked walked, Map<String, Object> o,
            Exports.GifOptions gifOpts) {
        if (out != null) {
            plan.stage(out, (Json.text(o) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (gif == null && csv == null && session == null && trajectoryJson == null && safetensors == null
                && npz == null) {
            return;
        }
        Recording rec = walk.recording();
        if (csv != null) {
            plan.stage(csv, TrajectoryExport.csv(rec).getBytes(StandardCharsets.UTF_8));
        }
        if (trajectoryJson != null) {
            plan.stage(trajectoryJson, TrajectoryExport.json(rec).getBytes(StandardCharsets.UTF_8));
        }
        if (safetensors != null) {
            plan.stage(safetensors, TrajectoryExport.safetensors(rec));
        }
        if (npz != null) {
            plan.stage(npz, TrajectoryExport.npz(rec));
        }
        if (session != null) {
            String why = walked.interrupted() != null ? interruptedNote(walked) : walked.failed();
            plan.stage(session, SessionFiles.encode(rec, why).getBytes(StandardCharsets.UTF_8));
        }
        if (gif != null) {
            try (var drawer = Exports.drawer(walk.subject(), rec)) {
                plan.stage(gif, Exports.gifBytes(rec, drawer, gifOpts));
            }
        }
    }

    private void print(Map<String, Object> o, Walked walked, Readout start, Readout end, Session walk) {
        if (common.json) {
            System.out.println(Json.text(o));
            return;
        }
        List<Map<String, Object>> rows = walked.rows();
        double finalDistance = rows.isEmpty() ? 0.0 : (double) rows.get(rows.size() - 1).get("distance");
        System.out.printf("%s walk, %d steps in %s space (%s metric): %s (p=%.4f) -> %s (p=%.4f), "
                        + "distance %.4g, %d prediction changes, %.1f ms/step%n",
                walk.settings().algorithm().id(), rows.size(), walk.subject().space().id(),
                walk.settings().metric().id(), start.label(), start.confidence(), end.label(),
                end.confidence(), finalDistance, walked.changes(),
                rows.isEmpty() ? 0 : walked.walkMs() / rows.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) o.get("jacobian");
        if ((boolean) j.get("carries")) {
            System.out.printf("Jacobian carried on %d of %d steps (%d exact, %d trust refusals)%s%n",
                    (int) j.get("carried_steps"), rows.size(), (int) j.get("refreshes"), (int) j.get("trust_refusals"),
                    j.containsKey("note") ? ": " + j.get("note") : "");
        }
        if (out != null && walked.failed() == null && walked.interrupted() == null) {
            System.out.println("trajectory written to " + out);
        }
    }
}
