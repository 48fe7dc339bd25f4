package org.leafwalk.cli;

import picocli.CommandLine.Option;

/** --layer: which block's [CLS] state the representation metric of an image model sees. */
final class LayerOption {
    @Option(names = "--layer", defaultValue = "0", paramLabel = "L",
            description = "Image models, representation metric: the [CLS] state after this block (1 to the number "
                    + "of layers; default: the last, after the final layer norm).")
    int layer;
}
