package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.Set;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.remote.Connection;
import org.leafwalk.explore.service.CommandJob;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.walk.Settings;
import picocli.CommandLine.Mixin;

/** What inspect, walk and lipschitz read to open their {@link Subject}: model and metric, input, text, layer. */
final class SubjectOptions {
    @Mixin
    ExploreOptions explore;

    @Mixin
    InputOption input;

    @Mixin
    TextOptions text;

    @Mixin
    LayerOption layer;

    /** The settings the options give (the rest the defaults). */
    Settings settings() {
        text.setup(); // --pooling is checked before the model opens, as every option is
        return explore.settings().withLayer(layer.layer);
    }

    /**
     * The run these options ask for; {@code server} (null: this process) decides how the model is named: by its
     * folder here, by the server's catalogue name there.
     */
    CommandJob.Request request(CommandJob.Command command, Connection server, Settings settings, String direction,
            int steps, Set<String> files, Exports.GifOptions gif) {
        String name = server == null ? explore.model().toString() : explore.modelOption.ref;
        return new CommandJob.Request(command, name, explore.modelOption.ref, CommandJob.Input.ref(input.ref),
                new CommandJob.Text(text.tokens, text.labels, text.pooling), settings, explore.space != null,
                direction, steps, files, gif).check();
    }

    /**
     * Runs {@code r} here on {@code device}, or on {@code server} (where the server's device is used); {@code t0}: when
     * the command started.
     */
    CommandJob.Result run(CommandJob.Request r, Connection server, String device, Interrupts interrupts, long t0) {
        var progress = new JobProgress(interrupts);
        if (server == null) {
            try (Explorer ex = Explorer.open(explore.model(), device)) {
                return CommandJob.run(ex, explore.model(), r, progress, t0);
            }
        }
        if (!device.equals("auto")) {
            throw new org.leafwalk.explore.failure.InvalidOption("--device " + device + " with --connect: the server "
                    + "computes on the device it was started with (serve --device)");
        }
        try {
            return org.leafwalk.explore.remote.RemoteJobs.run(server, explore.modelOption.ref, r, progress,
                    n -> System.err.println("leafwalk: " + n.message()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.leafwalk.explore.failure.InvalidOption("interrupted while the server computed");
        } finally {
            progress.end();
        }
    }

    /**
     * Reads the input for the opened model: a sentence for a text model, else an image (a CLIPModel's --label
     * classes set first). An option that means something else for the other kind of model is refused.
     */
    Subject open(Explorer model, Settings settings) {
        var r = request(CommandJob.Command.INSPECT, null, settings, "0", 0, Set.of(), Exports.GifOptions.defaults());
        return CommandJob.open(model, explore.model(), r, new JobProgress(null));
    }

    /**
     * A plan of the run's outputs that knows what it reads: the model folder, and the image or sentence file (on a
     * server, the model is not a file here).
     */
    OutputPlan plan(Connection server) {
        var plan = new OutputPlan();
        if (server == null) {
            Path modelDir = explore.model();
            plan.input("model", modelDir);
            if (!References.isTextModel(modelDir)) {
                plan.input("input image", input.resolve(modelDir));
            } else if (!input.ref.startsWith("text:")) {
                plan.input("input text", Path.of(input.ref));
            }
        } else if (!input.ref.startsWith("text:") && !input.ref.startsWith("sample:")) {
            plan.input("input", Path.of(input.ref));
        }
        return plan;
    }
}
