package org.leafwalk.cli;

import java.nio.file.Path;
import org.leafwalk.explore.Explorer;
import org.leafwalk.explore.OutputPlan;
import org.leafwalk.explore.References;
import org.leafwalk.explore.Settings;
import org.leafwalk.explore.Subject;
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

    /** Reads the input for the opened model: a sentence for a text model, else an image. */
    Subject open(Explorer model, Settings settings) {
        return Subject.read(model, explore.model(), input.ref, text.setup(), settings);
    }

    /** A plan of the run's outputs that knows what it reads: the model folder, and the image or sentence file. */
    OutputPlan plan() {
        Path modelDir = explore.model();
        var plan = new OutputPlan().input("model", modelDir);
        if (!References.isTextModel(modelDir)) {
            plan.input("input image", input.resolve(modelDir));
        } else if (!input.ref.startsWith("text:")) {
            plan.input("input text", Path.of(input.ref));
        }
        return plan;
    }
}
