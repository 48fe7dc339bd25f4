package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.List;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.KindOptions;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.walk.Settings;
import picocli.CommandLine.Mixin;

/** What inspect, walk and lipschitz read to open their {@link Subject}: model and metric, input, text, layer. */
final class SubjectOptions {
    /** More --label classes than this show their progress through CLIP's text tower on stderr. */
    static final int MANY_LABELS = 128;

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
     * Reads the input for the opened model: a sentence for a text model, else an image (a CLIPModel's --label
     * classes set first). An option that means something else for the other kind of model is refused.
     */
    Subject open(Explorer model, Settings settings) {
        if (model.isText()) {
            explore.refuseOnText(explore.model());
            org.leafwalk.explore.subject.KindOptions.textSettings(explore.model(), settings);
            return Subject.read(model, explore.model(), input.ref, text.setup(), settings);
        }
        List<String> labels = text.imageLabels(model, explore.model());
        if (labels.size() > MANY_LABELS) { // the text tower reads them in batches: say how far it is
            try (Progress p = Progress.start("label prompts", labels.size(), "labels")) {
                model.setZeroShotLabels(labels, p::stepTo);
            }
        } else if (!labels.isEmpty()) {
            model.setZeroShotLabels(labels);
        }
        return Subject.read(model, explore.model(), input.ref, null, settings);
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
