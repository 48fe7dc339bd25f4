package org.leafwalk.cli;

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

    /** A plan of the run's outputs that knows what it reads: the model folder, and the image or sentence file. */
    org.leafwalk.io.OutputPlan plan() {
        java.nio.file.Path modelDir = explore.model();
        var plan = new org.leafwalk.io.OutputPlan().input("model", modelDir);
        if (!org.leafwalk.explore.References.isTextModel(modelDir)) {
            plan.input("input image", input.resolve(modelDir));
        } else if (!input.ref.startsWith("text:")) {
            plan.input("input text", java.nio.file.Path.of(input.ref));
        }
        return plan;
    }
}
