package org.leafwalk.cli;

import java.nio.file.Path;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.model.InputSpace;
import picocli.CommandLine.Option;

/** The model, the input and the metric: what inspect, walk and bench share. */
final class ExploreOptions {
    @picocli.CommandLine.Mixin
    ModelOption modelOption;

    Path model() {
        return modelOption.path();
    }

    @Option(names = "--space", defaultValue = "pixels", paramLabel = "SPACE",
            description = "pixels or embeddings (default: ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--metric", defaultValue = "logits", paramLabel = "M",
            description = "logits, probs, fisher or representation (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K",
            description = "Classes the class metrics see, chosen at the start (default: all up to 10).")
    int topK;

    @Option(names = "--tau", defaultValue = "1e-6", paramLabel = "T",
            description = "Relative null threshold: λ ≤ τ·λmax counts as zero (default: ${DEFAULT-VALUE}).")
    double tau;

    InputSpace inputSpace() {
        return InputSpace.parse(space);
    }

    OutputMetric outputMetric() {
        return OutputMetric.parse(metric);
    }

    WalkSettings settings() {
        return WalkSettings.defaults().withMetric(outputMetric()).withTopK(topK).withTau(tau);
    }
}
