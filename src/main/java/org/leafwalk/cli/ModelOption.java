package org.leafwalk.cli;

import java.nio.file.Path;
import org.leafwalk.explore.subject.References;
import picocli.CommandLine.Option;

/** The --model option every command that loads a model takes. */
final class ModelOption {
    @Option(names = "--model", defaultValue = "default", paramLabel = "MODEL",
            description = "'default' (the shipped MNIST ViT), 'fashion' (the shipped Fashion-MNIST ViT), 'mnist-paper' (the seed paper's MNIST ViT, 2×2 patches), 'minilm' "
                    + "(the embedded all-MiniLM-L6-v2 text model), or a folder: a Hugging Face vision model (ViT, DeiT, DINOv2, BEiT, CLIP vision) or BERT-family "
                    + "model (config.json, model.safetensors, and tokenizer.json for text), or an ONNX BERT export "
                    + "with its tokenizer.json (default: ${DEFAULT-VALUE}).")
    String ref;

    Path path() {
        return References.model(ref);
    }
}
