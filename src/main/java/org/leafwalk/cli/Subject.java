package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.List;
import org.leafwalk.explore.Explorer;
import org.leafwalk.explore.Readout;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.geometry.Walker;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;
import org.leafwalk.model.TextTask;

/**
 * What inspect, walk and lipschitz explore: an image under a ViT, or a sentence under a text model, with the input
 * space, the start point, the map, walkers and read-outs that follow from it. Closing it closes the model.
 */
final class Subject implements AutoCloseable {
    final Explorer ex;
    /** The sentence's task; null for an image model. */
    final TextTask task;
    /** The image file and the image; null for a text model. */
    final Path imageFile;
    final ImageInput image;
    final InputSpace space;
    /** The representation's block for an image model (≤ 0: the model's own). */
    final int layer;

    private Subject(Explorer ex, TextTask task, Path imageFile, ImageInput image, InputSpace space, int layer) {
        this.ex = ex;
        this.task = task;
        this.imageFile = imageFile;
        this.image = image;
        this.space = space;
        this.layer = layer;
    }

    /** Opens the model and reads the input: a sentence for a text model (always in embedding space), else an image. */
    static Subject open(Explorer ex, SubjectOptions options, int topK) {
        int layer = options.layer.layer;
        try {
            if (ex.isText()) {
                if (layer > 0) {
                    throw new IllegalArgumentException("--layer applies to image models");
                }
                return new Subject(ex, ex.textTask(options.text.setup(options.input.ref), topK), null, null,
                        InputSpace.EMBEDDINGS, 0);
            }
            Path file = options.input.resolve(options.explore.model());
            return new Subject(ex, null, file, ex.loadImage(file), options.explore.inputSpace(), layer);
        } catch (RuntimeException e) {
            ex.close();
            throw e;
        }
    }

    boolean isText() {
        return task != null;
    }

    double[] start() {
        return task != null ? task.startPoint() : ex.startPoint(image, space);
    }

    DifferentiableMap map() {
        return task != null ? ex.map(task) : ex.map(space, layer);
    }

    Walker walker(WalkSettings settings, double[] start, boolean embeddingBounds) {
        return task != null ? ex.walker(task, settings, start, (OutputSpec) null)
                : ex.walker(space, layer, settings, start, embeddingBounds, null);
    }

    Readout readout(double[] output) {
        return task != null ? Readout.of(output, task.labels()) : ex.readout(output);
    }

    List<String> labels() {
        return task != null ? task.labels() : ex.config().labels();
    }

    /** The sentence, or the image file's path. */
    String inputName() {
        return task != null ? task.input().text() : imageFile.toString();
    }

    List<String> notes() {
        if (task != null) {
            return task.notes();
        }
        List<String> all = new java.util.ArrayList<>(ex.config().notes());
        all.addAll(image.notes());
        return all;
    }

    @Override
    public void close() {
        try {
            if (task != null) {
                task.close();
            }
        } finally {
            ex.close();
        }
    }
}
