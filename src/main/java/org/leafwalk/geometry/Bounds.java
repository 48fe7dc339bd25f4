package org.leafwalk.geometry;

import java.util.Arrays;

/**
 * Per-coordinate box constraints on the input point (the valid pixel range, or the seed paper's embedding
 * bounds). Infinite entries leave a coordinate free.
 */
public record Bounds(double[] lower, double[] upper) {

    public static Bounds box(int n, double lo, double hi) {
        double[] l = new double[n];
        double[] u = new double[n];
        Arrays.fill(l, lo);
        Arrays.fill(u, hi);
        return new Bounds(l, u);
    }

    /** Clamps in place; returns how many coordinates were moved. */
    public int clamp(double[] x) {
        int moved = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] < lower[i]) {
                x[i] = lower[i];
                moved++;
            } else if (x[i] > upper[i]) {
                x[i] = upper[i];
                moved++;
            } else if (Double.isNaN(x[i])) {
                throw new GeometryException("the step produced NaN at coordinate " + i);
            }
        }
        return moved;
    }

    /**
     * Active set: zeroes the components of a direction that would push a coordinate already on its bound
     * further out, so a step along it is not silently bent by clamping. Returns how many were zeroed.
     */
    public int blockOutward(double[] x, double[] v, double sign) {
        int blocked = 0;
        for (int i = 0; i < x.length; i++) {
            double s = sign * v[i];
            double span = upper[i] - lower[i];
            double eps = Double.isFinite(span) ? 1e-9 * Math.max(span, 1) : 1e-9;
            if ((s < 0 && x[i] <= lower[i] + eps) || (s > 0 && x[i] >= upper[i] - eps)) {
                v[i] = 0;
                blocked++;
            }
        }
        return blocked;
    }

    /**
     * Holds the coordinates a step of {@code step}·v would take past a bound (or that stand on one and v pushes
     * outward): marks them in {@code held} and zeroes their components of v. Returns how many were newly held.
     */
    public int holdCrossing(double[] x, double[] v, double step, boolean[] held) {
        int more = 0;
        for (int i = 0; i < x.length; i++) {
            if (held[i]) {
                v[i] = 0;
                continue;
            }
            double y = x[i] + step * v[i];
            double span = upper[i] - lower[i];
            double eps = Double.isFinite(span) ? 1e-9 * Math.max(span, 1) : 1e-9;
            boolean out = step * v[i] < 0 ? y < lower[i] || x[i] <= lower[i] + eps
                    : step * v[i] > 0 && (y > upper[i] || x[i] >= upper[i] - eps);
            if (out) {
                held[i] = true;
                v[i] = 0;
                more++;
            }
        }
        return more;
    }

    public boolean contains(double[] x) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] < lower[i] || x[i] > upper[i]) {
                return false;
            }
        }
        return true;
    }
}
