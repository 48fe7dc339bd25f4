package org.leafwalk.cli;

import java.nio.file.Path;
import org.leafwalk.explore.References;
import picocli.CommandLine.Option;

/** The --model option every command that loads a model takes. */
final class ModelOption {
    @Option(names = "--model", defaultValue = "default", paramLabel = "MODEL",
            description = "'default' (the shipped MNIST ViT), 'fashion' (the shipped Fashion-MNIST ViT) or a "
                    + "Hugging Face format ViT folder (config.json, model.safetensors) (default: ${DEFAULT-VALUE}).")
    String ref;

    Path path() {
        return References.model(ref);
    }
}
