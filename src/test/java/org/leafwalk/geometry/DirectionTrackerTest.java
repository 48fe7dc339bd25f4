package org.leafwalk.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DirectionTrackerTest {
    private static double[] basis(int n, int... axes) {
        double[] v = new double[axes.length * n];
        for (int i = 0; i < axes.length; i++) {
            v[i * n + Math.abs(axes[i]) - 1] = Math.signum(axes[i]);
        }
        return v;
    }

    @Test
    void slidersFollowTheirDirectionThroughReorderingAndSignFlips() {
        int n = 6;
        DirectionTracker t = new DirectionTracker(n, 2, new Random(1));
        // eigendirections e1, e2, e3 with λ 3, 2, 1
        t.update(new Spectrum(new double[] {3, 2, 1}, 3, basis(n, 1, 2, 3), n, 1e-6));
        assertEquals(3, t.eigendirectionCount());
        // next point: the order of the eigenvalues changed and two signs flipped: e3 (λ 5), −e1 (λ 4), −e2 (λ 0.5)
        t.update(new Spectrum(new double[] {5, 4, 0.5}, 3, basis(n, 3, -1, -2), n, 1e-6));
        assertEquals(1, t.eigenIndex(0), "direction 0 still follows e1");
        assertEquals(4, t.trackedEigenvalue(0), 0);
        assertEquals(1.0, t.eigendirection(0)[0], 0, "sign kept positive along e1");
        assertEquals(2, t.eigenIndex(1));
        assertEquals(1.0, t.eigendirection(1)[1], 0);
        assertEquals(0, t.eigenIndex(2));
        assertEquals(5, t.trackedEigenvalue(2), 0);
    }

    @Test
    void nullDirectionsStayOrthonormalAndOutsideTheRange() {
        int n = 8;
        DirectionTracker t = new DirectionTracker(n, 3, new Random(2));
        Spectrum s = new Spectrum(new double[] {2, 1}, 2, basis(n, 1, 2), n, 1e-6);
        t.update(s);
        double[] before = t.nullDirection(0).clone();
        // the range turns a little: the carried direction changes little
        double c = Math.cos(0.05);
        double sn = Math.sin(0.05);
        double[] rotated = new double[2 * n];
        rotated[0] = c;
        rotated[2] = sn;
        rotated[n + 1] = 1;
        t.update(new Spectrum(new double[] {2, 1}, 2, rotated, n, 1e-6));
        for (int i = 0; i < 3; i++) {
            double[] v = t.nullDirection(i);
            assertEquals(1, Vectors.norm(v), 1e-12);
            assertEquals(0, Vectors.dotRow(rotated, 0, v), 1e-12);
            assertEquals(0, Vectors.dotRow(rotated, 1, v), 1e-12);
            for (int j = 0; j < i; j++) {
                assertEquals(0, Vectors.dot(v, t.nullDirection(j)), 1e-12);
            }
        }
        assertTrue(Vectors.dot(before, t.nullDirection(0)) > 0.95, "carried, not redrawn");
    }

    @Test
    void aRedrawnNullDirectionIsOrthogonalToTheCarriedOnes() {
        int n = 4;
        DirectionTracker t = new DirectionTracker(n, 2, new Random(5));
        t.update(new Spectrum(new double[] {1}, 1, basis(n, 1), n, 1e-6));
        double[] first = t.nullDirection(0).clone();
        double[] second = t.nullDirection(1).clone();
        // the range grows to take in the second null direction: it must be drawn again, orthogonal to the first
        double[] range = new double[2 * n];
        range[0] = 1;
        double[] w = second.clone();
        w[0] = 0;
        double f = Vectors.dot(w, first);
        for (int j = 0; j < n; j++) {
            w[j] -= f * first[j];
        }
        Vectors.normalize(w);
        System.arraycopy(w, 0, range, n, n);
        for (int draw = 0; draw < 20; draw++) {
            t.update(new Spectrum(new double[] {2, 1}, 2, range, n, 1e-6));
            double[] a = t.nullDirection(0);
            double[] b = t.nullDirection(1);
            assertEquals(0, Vectors.dot(a, b), 1e-12, "the redrawn direction is not orthogonal to the carried one");
            assertEquals(0, Vectors.dotRow(range, 1, b), 1e-12);
            assertEquals(1, Vectors.norm(b), 1e-12);
            t.redrawNulls(new Spectrum(new double[] {2, 1}, 2, range, n, 1e-6));
        }
        assertTrue(t.nullRedraws() > 0);
    }

    @Test
    void theTrackedEigendirectionsFollowTheRankWhenItGrows() {
        int n = 6;
        DirectionTracker t = new DirectionTracker(n, 1, new Random(3));
        t.update(new Spectrum(new double[] {3, 1}, 2, basis(n, 1, 2), n, 1e-6));
        assertEquals(2, t.eigendirectionCount());
        // the rank grows by one: a third direction appears, and the first two keep their sliders
        t.update(new Spectrum(new double[] {4, 3, 1}, 3, basis(n, 3, 1, 2), n, 1e-6));
        assertEquals(3, t.eigendirectionCount(), "the new eigendirection is not tracked");
        assertEquals(1, t.eigenIndex(0), "direction 0 still follows e1");
        assertEquals(2, t.eigenIndex(1), "direction 1 still follows e2");
        assertEquals(0, t.eigenIndex(2), "the new direction follows e3");
        assertEquals(4, t.trackedEigenvalue(2), 0);
    }

    @Test
    void boundsBlockOnlyOutwardMotion() {
        Bounds b = Bounds.box(4, 0, 1);
        double[] x = {0, 1, 0.5, 0};
        double[] v = {-1, 1, -1, 1};
        assertEquals(2, b.blockOutward(x, v, 1));
        assertEquals(0, v[0], 0);
        assertEquals(0, v[1], 0);
        assertEquals(-1, v[2], 0);
        assertEquals(1, v[3], 0, "moving inward from a bound is allowed");
        double[] y = {-0.2, 1.3, 0.5, Double.MIN_VALUE};
        assertEquals(2, b.clamp(y));
        assertTrue(b.contains(y));
    }
}
