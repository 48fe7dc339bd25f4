package org.leafwalk.explore.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.References;
import org.leafwalk.io.Idx;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.LabeledImages;
import org.leafwalk.model.ImageInput;

/**
 * The labelled test images an experiment draws from: the model's shipped samples (the label first in each file
 * name) or the test split of an IDX data folder ({@code --data}).
 */
final class Inputs {
    /** One test image: where it came from, its true class, and its pixels in [0,1] (channel-major). */
    record Item(String name, int label, double[] pixels) {}

    private Inputs() {}

    /** Every labelled test image, in file-name or data-set order. */
    static List<Item> all(Explorer model, Path modelDir, Path data) {
        int size = model.config().imageSize();
        int channels = model.config().numChannels();
        List<Item> items = new ArrayList<>();
        if (data != null) {
            LabeledImages d = Idx.readSplit(data, "t10k");
            if (d.rows() != size || d.cols() != size || channels != 1) {
                throw new InvalidInputException(data + ": its " + d.rows() + "×" + d.cols() + " grey test images do "
                        + "not fit the model's " + size + "×" + size + "×" + channels + " input");
            }
            for (int i = 0; i < d.count(); i++) {
                items.add(new Item("t10k:" + i, d.label(i), d.image(i)));
            }
            return items;
        }
        for (Path p : References.samples(modelDir)) {
            String file = p.getFileName().toString();
            int dash = file.indexOf('-');
            int label;
            try {
                label = Integer.parseInt(dash > 0 ? file.substring(0, dash) : "x");
            } catch (NumberFormatException e) {
                throw new InvalidInputException(p + ": a sample's name starts with its label (as 3-00018.png)");
            }
            ImageInput img = model.loadImage(p);
            items.add(new Item("sample:" + file, label, img.pixels()));
        }
        return items;
    }

    /**
     * The first {@code perClass} images of each of the first {@code classes} classes, class by class; refused when
     * the model or the images have fewer classes.
     */
    static List<Item> perClass(List<Item> all, int classes, int perClass, int modelClasses, String protocol) {
        if (modelClasses < classes) {
            throw new InvalidInputException("the " + protocol + " protocol needs a model with at least " + classes
                    + " classes; this one has " + modelClasses);
        }
        List<Item> out = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int taken = 0;
            for (Item it : all) {
                if (it.label() == c && taken < perClass) {
                    out.add(it);
                    taken++;
                }
            }
            if (taken < perClass) {
                throw new InvalidInputException("the " + protocol + " protocol needs " + perClass
                        + " test images of class " + c + "; the inputs hold " + taken);
            }
        }
        return out;
    }

    static ImageInput image(Item it, Explorer model) {
        return new ImageInput(it.name(), it.pixels(), model.config().numChannels(), model.config().imageSize(),
                List.of());
    }
}
