package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.Spectrum;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;
import org.leafwalk.model.VitCheckpoints;
import org.leafwalk.testing.TinyVit;

/** A checkpoint of odd sizes (3 channels, 20×20, patch 5) loads and G has rank ≤ k in every space and metric. */
class OddSizeSpectrumTest {
    @TempDir
    Path tmp;

    @Test
    void rankNeverExceedsTheNumberOfOutputs() {
        Path dir = TinyVit.write(tmp, "odd", new VitCheckpoints.Shape(20, 5, 3, 12, 2, 3, 20, 7), 3);
        try (Explorer ex = Explorer.open(dir, Device.cpu(), DataType.FLOAT32)) {
            ImageInput img = new ImageInput("blob", TinyVit.blob(3, 20, 2), 3, 20, List.of());
            for (InputSpace space : InputSpace.values()) {
                for (OutputMetric metric : OutputMetric.values()) {
                    var w = ex.walker(space, Settings.DEFAULTS.walkSettings().withMetric(metric).withTopK(5),
                            ex.startPoint(img, space), false);
                    int k = w.spec().size();
                    Spectrum s = w.current().spectrum();
                    assertEquals(metric == OutputMetric.REPRESENTATION ? 12 : 5, k);
                    assertTrue(s.rank() >= 1 && s.rank() <= k, space + " " + metric + ": rank " + s.rank());
                    assertEquals(space == InputSpace.PIXELS ? 1200 : 17 * 12, s.dimension());
                }
            }
        }
    }
}
