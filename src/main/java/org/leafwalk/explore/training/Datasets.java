package org.leafwalk.explore.training;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.io.Idx;
import org.leafwalk.io.Images;
import org.leafwalk.io.LabeledImages;

/** Data sets in IDX files (MNIST, Fashion-MNIST): their images as the PNG samples a model ships with. */
public final class Datasets {
    private Datasets() {}

    /**
     * Writes the first {@code perClass} images of every class of a split as PNG files named
     * &lt;label&gt;-&lt;name&gt;-&lt;index&gt;.png into {@code out}; returns their names, sorted.
     *
     * @param labels class names in label order (null: numbers only)
     */
    public static List<String> extractSamples(Path data, String split, int perClass, List<String> labels, Path out,
            boolean force) {
        LabeledImages d = Idx.readSplit(data, split);
        // the pictures are checked against the data folder, staged, and written together at the end
        OutputPlan plan = new OutputPlan().force(force).input("data folder", data);
        java.util.Map<Path, byte[]> pictures = new java.util.LinkedHashMap<>();
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
            pictures.put(out.resolve(file), Images.encodePng(img));
            written.add(file);
        }
        plan.stageChecked("--out", pictures).commit();
        written.sort(null);
        return written;
    }
}
