package org.leafwalk.cli;

import java.nio.file.Path;
import org.leafwalk.explore.subject.References;
import picocli.CommandLine.Option;

/** The --input option of the commands that read one input: an image, or a sentence for a text model. */
final class InputOption {
    @Option(names = "--input", required = true, paramLabel = "INPUT",
            description = "Image models: an image file (PNG, JPEG, BMP) or sample:N, the N-th shipped sample of the "
                    + "model's data set. Text models: text:\"a sentence\" or a .txt file.")
    String ref;

    Path resolve(Path modelDir) {
        return References.input(ref, modelDir);
    }
}
