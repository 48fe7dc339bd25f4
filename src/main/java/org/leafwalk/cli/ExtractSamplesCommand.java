package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.training.Datasets;
import org.leafwalk.explore.walk.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "extract-samples", mixinStandardHelpOptions = true,
        description = "Write the first N test images of every class as PNG files named <label>-<name>-<index>.png.")
final class ExtractSamplesCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ForceOption force;

    @Option(names = "--data", required = true, paramLabel = "DIR") Path data;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--per-class", defaultValue = "2") int perClass;
    @Option(names = "--split", defaultValue = "t10k") String split;

    @Option(names = "--labels", split = ",", paramLabel = "NAME", description = "Class names in label order.")
    List<String> labels;

    @Override
    public Integer call() {
        if (perClass < 1) {
            throw new InvalidOption("--per-class " + perClass + ": take at least one image per class");
        }
        if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new InvalidOption("--out " + out + " is a file; extract-samples writes a folder");
        }
        List<String> written = Datasets.extractSamples(data, split, perClass, labels, out, force.force);
        if (common.json) {
            System.out.println(Json.text(written));
        } else {
            written.forEach(System.out::println);
        }
        return 0;
    }
}
