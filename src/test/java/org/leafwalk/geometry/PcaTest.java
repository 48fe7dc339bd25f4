package org.leafwalk.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The PCA box volume against a closed form: the corners of a rotated box span exactly its sides. */
class PcaTest {
    @Test
    void theCornersOfARotatedBoxGiveItsVolume() {
        int n = 10;
        double[] sides = {4, 3, 2};
        // a random orthogonal map of R^n (a Householder reflection), so the box's axes are no coordinate axes
        Random rng = new Random(7);
        double[] h = Vectors.gaussian(n, rng);
        Vectors.normalize(h);
        double[] points = new double[8 * n];
        for (int c = 0; c < 8; c++) {
            double[] p = new double[n];
            for (int k = 0; k < 3; k++) {
                p[k] = ((c >> k) & 1) == 1 ? sides[k] / 2 : -sides[k] / 2;
            }
            p[5] = 1.5; // an offset the centring removes
            double dot = 0;
            for (int i = 0; i < n; i++) {
                dot += h[i] * p[i];
            }
            for (int i = 0; i < n; i++) {
                points[c * n + i] = p[i] - 2 * dot * h[i];
            }
        }
        double[] r = Pca.ranges(points, 8, n, 4);
        assertEquals(4, r[0], 1e-12);
        assertEquals(3, r[1], 1e-12);
        assertEquals(2, r[2], 1e-12);
        assertEquals(0, r[3], 1e-12, "a box spans three dimensions");
        assertEquals(24, Pca.boxVolume(points, 8, n, 3), 1e-10);
        assertEquals(0, Pca.boxVolume(points, 8, n, 4));
    }
}
