package org.leafwalk.cli;

import java.nio.file.Path;
import org.leafwalk.explore.References;
import picocli.CommandLine.Option;

/** The --input option of the commands that read one image. */
final class InputOption {
    @Option(names = "--input", required = true, paramLabel = "INPUT",
            description = "An image file (PNG, JPEG, BMP) or sample:N, the N-th shipped sample of the model's data set.")
    String ref;

    Path resolve(Path modelDir) {
        return References.input(ref, modelDir);
    }
}
