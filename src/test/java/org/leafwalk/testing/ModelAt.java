package org.leafwalk.testing;

import java.nio.file.Path;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.model.InputSpace;

/**
 * What an image model says at a point, read by a model opened here on its own (not the service or the command line
 * under test): the independent expectation for a snapshot's or an export's outputs.
 */
public final class ModelAt {
    private ModelAt() {}

    /** The read-out of {@code model} at {@code point} of {@code space} (float32, CPU). */
    public static Readout readout(Path model, InputSpace space, double[] point) {
        try (Explorer ex = Explorer.open(model, "cpu")) {
            return ex.readout(ex.walker(space, Settings.DEFAULTS.walkSettings(), point, false).current().output());
        }
    }

    /** The read-out of {@code model} at the start point of an image file, in pixel space. */
    public static Readout readoutOfImage(Path model, Path image) {
        try (Explorer ex = Explorer.open(model, "cpu")) {
            double[] x = ex.startPoint(ex.loadImage(image), InputSpace.PIXELS);
            return ex.readout(ex.walker(InputSpace.PIXELS, Settings.DEFAULTS.walkSettings(), x, false).current()
                    .output());
        }
    }
}
