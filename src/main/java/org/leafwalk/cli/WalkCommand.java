package org.leafwalk.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.service.CommandJob;
import org.leafwalk.explore.walk.JacobianMode;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.StepLength;
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

    @Mixin
    ConnectOptions remote;

    @Override
    public Integer call() {
        // every option is checked before the model opens, so nothing runs only to be refused at the end
        long t0 = System.nanoTime();
        WalkAlgorithm algorithm = WalkAlgorithm.parse(algo);
        boolean random = direction.equalsIgnoreCase("random");
        boolean blocks = switch (variant) {
            case "global" -> false;
            case "token-blocks" -> true;
            default -> throw new InvalidOption("unknown variant '" + variant + "' (global, token-blocks)");
        };
        Settings settings = options.settings().withAlgorithm(algorithm).withStep(StepLength.parse(policy), eta)
                .withSeed(seed).withCorrected(!uncorrected).withRandomChoice(random).withTokenBlocks(blocks)
                .withEmbeddingBounds(embeddingBounds).withJacobian(JacobianMode.parse(jacobian)).validate();
        Exports.GifOptions gifOpts = gifOptions.options(gif != null);
        var server = remote.connection();
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("csv", csv);
        files.put("trajectory-json", trajectoryJson);
        files.put("gif", gif);
        files.put("session", session);
        files.put("safetensors", safetensors);
        files.put("npz", npz);
        files.values().removeIf(java.util.Objects::isNull);
        var request = options.request(CommandJob.Command.WALK, server, settings, direction, steps, files.keySet(),
                gifOpts);
        OutputPlan plan = options.plan(server).force(force.force);
        plan.output("--out", out);
        files.forEach((option, file) -> plan.output("--" + option, file));
        plan.check();

        CommandJob.Result walked;
        try (Interrupts interrupts = Interrupts.install()) {
            walked = options.run(request, server, common.device, interrupts, t0);
        }
        if (out != null) {
            plan.stage(out, (walked.document() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        walked.files().forEach((option, bytes) -> plan.stage(files.get(option), bytes));
        if (walked.incomplete() == null) {
            plan.commit();
        } else if (plan.hasStaged()) {
            for (Path[] kept : plan.commitAside(walked.interrupted() != null ? "interrupted" : "partial")) {
                int n = walked.stepsDone();
                System.err.println("leafwalk: " + (OutputPlan.exists(kept[0]) ? "kept " + kept[0]
                        + " as it was; " : "") + "the " + n + (n == 1 ? " step" : " steps") + " walked "
                        + (n == 1 ? "is" : "are") + " in " + kept[1]);
            }
        }
        if (common.json) {
            System.out.println(walked.document());
        } else {
            System.out.print(walked.text());
            if (out != null && walked.incomplete() == null) {
                System.out.println("trajectory written to " + out);
            }
        }
        if (walked.interrupted() != null) {
            System.err.println("leafwalk: walk interrupted by " + walked.incomplete());
            return Interrupts.EXIT_CODE;
        }
        if (walked.failed() != null) {
            System.err.println("leafwalk: error: walk stopped at " + walked.failed());
            return 2;
        }
        return 0;
    }
}
