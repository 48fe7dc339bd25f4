package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * A product with an engine-owned constant keeps its gradient when the garbage collector runs between the forward
 * and the backward pass (DJL's mul(number) frees the number's buffer then, and autograd reads freed memory).
 */
class ScalarsTest {
    @Test
    void theGradientThroughAConstantSurvivesACollection() {
        double[] x = {0.3, -1.2, 2.5};
        try (NDManager m = NDManager.newBaseManager()) {
            for (int round = 0; round < 20; round++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray xs = step.create(x);
                    xs.setRequiresGradient(true);
                    double[] g;
                    try (GradientCollector gc = step.getEngine().newGradientCollector()) {
                        NDArray f = Scalars.times(xs.mul(xs), 0.3).add(Scalars.times(xs, 1.702)).sum();
                        for (int i = 0; i < 3; i++) {
                            byte[][] garbage = new byte[64][];
                            for (int j = 0; j < garbage.length; j++) {
                                garbage[j] = new byte[1 << 16];
                            }
                            System.gc();
                        }
                        gc.backward(f);
                        g = xs.getGradient().toDoubleArray();
                    }
                    double[] expected = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        expected[i] = 0.6 * x[i] + 1.702; // d/dx (0.3 x² + 1.702 x)
                    }
                    assertArrayEquals(expected, g, 1e-12, "round " + round);
                }
            }
        }
    }
}
