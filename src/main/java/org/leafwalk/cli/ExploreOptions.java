package org.leafwalk.cli;

import java.nio.file.Path;
import org.leafwalk.explore.subject.KindOptions;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import picocli.CommandLine.Option;

/** The model, the input space and the metric: what inspect, walk and bench share; defaults from {@link Settings}. */
final class ExploreOptions {
    @picocli.CommandLine.Mixin
    ModelOption modelOption;

    Path model() {
        return modelOption.path();
    }

    @Option(names = "--space", paramLabel = "SPACE", description = "pixels or embeddings (default: pixels for image "
            + "models; a text model walks its token embeddings).")
    String space;

    @Option(names = "--metric", paramLabel = "M",
            description = "logits, probs, fisher or representation (default: ${DEFAULT-VALUE}).")
    String metric = Settings.DEFAULTS.metric().id();

    @Option(names = "--top-k", paramLabel = "K",
            description = "Classes the class metrics see, chosen at the start (default: all up to 10).")
    int topK = Settings.DEFAULTS.topK();

    @Option(names = "--tau", paramLabel = "T",
            description = "Relative null threshold: λ ≤ τ·λmax counts as zero (default: ${DEFAULT-VALUE}).")
    double tau = Settings.DEFAULTS.tau();

    Space inputSpace() {
        return space == null ? Settings.DEFAULTS.space() : Space.parse(space);
    }

    /** A text model walks its token embeddings: --space pixels would be read as something it is not. */
    void refuseOnText(Path modelDir) {
        if (space != null) {
            org.leafwalk.explore.subject.KindOptions.textSpace(modelDir, inputSpace());
        }
    }

    Metric outputMetric() {
        return Metric.parse(metric);
    }

    /** The settings these options give, the rest the defaults. */
    Settings settings() {
        return Settings.DEFAULTS.withSpace(inputSpace()).withMetric(outputMetric()).withTopK(topK).withTau(tau);
    }
}
