package org.leafwalk.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The geometry's dense products give the same numbers whether they run as loops or on the engine's BLAS, and a
 * retraction that holds clamped coordinates gets the same Gram matrix from the full one as made afresh.
 */
class DenseTest {
    static double[] random(int size, long seed) {
        Random rng = new Random(seed);
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }

    static double[] loopGram(double[] a, int rows, int n) {
        double[] g = new double[rows * rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rows; j++) {
                double s = 0;
                for (int c = 0; c < n; c++) {
                    s += a[i * n + c] * a[j * n + c];
                }
                g[i * rows + j] = s;
            }
        }
        return g;
    }

    @Test
    void largeProductsOnTheEngineEqualTheLoops() {
        int rows = 96;
        int n = 6000; // 27.6 M multiply-adds: past the engine's threshold
        assertTrue((long) rows * rows * n / 2 > Dense.ENGINE_MACS);
        double[] a = random(rows * n, 1);
        double[] g = Dense.gram(a, rows, n);
        assertArrayEquals(loopGram(a, rows, n), g, 1e-9 * n);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rows; j++) {
                assertTrue(g[i * rows + j] == g[j * rows + i], "exactly symmetric");
            }
        }
        double[] w = random(40 * rows, 2);
        double[] p = Dense.multiply(w, 40, rows, a, n);
        double[] q = new double[40 * n];
        for (int r = 0; r < 40; r++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    q[r * n + j] += w[r * rows + i] * a[i * n + j];
                }
            }
        }
        assertArrayEquals(q, p, 1e-9 * rows);
    }

    @Test
    void holdingCoordinatesTakesTheirPartOutOfTheGramMatrix() {
        int k = 6;
        int n = 500;
        double[] j = random(k * n, 3);
        boolean[] held = new boolean[n];
        for (int i = 0; i < n; i += 37) {
            held[i] = true;
        }
        double[] r = random(k, 4);
        double[] fresh = MinimumNorm.holding(j, k, n, held).solve(r, 0);
        double[] updated = MinimumNorm.holding(j, k, n, held, Dense.gram(j, k, n)).solve(r, 0);
        assertArrayEquals(fresh, updated, 1e-10);
        for (int i = 0; i < n; i++) {
            if (held[i]) {
                assertTrue(updated[i] == 0, "a held coordinate does not move");
            }
        }
    }
}
