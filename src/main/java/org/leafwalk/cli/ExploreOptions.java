package org.leafwalk.cli;

import java.nio.file.Path;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.model.InputSpace;
import picocli.CommandLine.Option;

/** The model, the input and the metric: what inspect, walk and bench share. */
final class ExploreOptions {
    @Option(names = "--model", defaultValue = "default", paramLabel = "MODEL",
            description = "'default' (the shipped MNIST ViT), 'fashion' (the shipped Fashion-MNIST ViT) or a "
                    + "Hugging Face format ViT folder (config.json, model.safetensors) (default: ${DEFAULT-VALUE}).")
    String modelRef;

    Path model() {
        return org.leafwalk.explore.References.model(modelRef);
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
