package org.leafwalk.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.leafwalk.io.Idx;
import org.leafwalk.io.Images;
import org.leafwalk.io.LabeledImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "extract-samples", mixinStandardHelpOptions = true,
        description = "Write the first N test images of every class as PNG files named <label>-<name>-<index>.png.")
final class ExtractSamplesCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--data", required = true, paramLabel = "DIR") Path data;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--per-class", defaultValue = "2") int perClass;
    @Option(names = "--split", defaultValue = "t10k") String split;

    @Option(names = "--labels", split = ",", paramLabel = "NAME", description = "Class names in label order.")
    List<String> labels;

    @Override
    public Integer call() {
        if (perClass < 1) {
            throw new IllegalArgumentException("--per-class " + perClass + ": take at least one image per class");
        }
        if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file; extract-samples writes a folder");
        }
        LabeledImages d = Idx.readSplit(data, split);
        int classes = d.maxLabel() + 1;
        int[] taken = new int[classes];
        List<String> written = new ArrayList<>();
        for (int i = 0; i < d.count(); i++) {
            int l = d.label(i);
            if (taken[l] >= perClass) {
                continue;
            }
            taken[l]++;
            BufferedImage img = new BufferedImage(d.cols(), d.rows(), BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < d.rows(); y++) {
                for (int x = 0; x < d.cols(); x++) {
                    img.getRaster().setSample(x, y, 0, d.pixels()[i * d.pixelsPerImage() + y * d.cols() + x] & 0xff);
                }
            }
            String name = labels != null && l < labels.size()
                    ? labels.get(l).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") : null;
            String file = String.format("%d-%s%05d.png", l, name == null ? "" : name + "-", i);
            Images.writePng(out.resolve(file), img);
            written.add(file);
        }
        written.sort(null);
        if (common.json) {
            System.out.println(org.leafwalk.io.JsonFiles.toJson(written));
        } else {
            written.forEach(System.out::println);
        }
        return 0;
    }
}
