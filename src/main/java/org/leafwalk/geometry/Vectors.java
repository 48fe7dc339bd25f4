package org.leafwalk.geometry;

import java.util.Random;

/** Plain dense vector helpers on double[]; rows of a flat row-major matrix are addressed by offset. */
final class Vectors {
    private Vectors() {}

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double dotRow(double[] rows, int row, double[] b) {
        int off = row * b.length;
        double s = 0;
        for (int i = 0; i < b.length; i++) {
            s += rows[off + i] * b[i];
        }
        return s;
    }

    static void addRow(double[] a, double[] rows, int row, double scale) {
        int off = row * a.length;
        for (int i = 0; i < a.length; i++) {
            a[i] += scale * rows[off + i];
        }
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** Removes the components along the first {@code count} orthonormal rows (twice: re-orthogonalisation). */
    static void projectOut(double[] v, double[] rows, int count) {
        for (int pass = 0; pass < 2; pass++) {
            for (int r = 0; r < count; r++) {
                addRow(v, rows, r, -dotRow(rows, r, v));
            }
        }
    }

    static boolean normalize(double[] v) {
        double n = norm(v);
        if (!(n > 1e-300) || !Double.isFinite(n)) {
            return false;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
        return true;
    }

    static double[] gaussian(int n, Random rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    static double[] row(double[] rows, int row, int n) {
        double[] v = new double[n];
        System.arraycopy(rows, row * n, v, 0, n);
        return v;
    }

    static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** dst row i += scale · src row r (rows of width n). */
    static void addRowScaled(double[] dst, int i, double[] src, int r, int n, double scale) {
        int di = i * n;
        int si = r * n;
        for (int j = 0; j < n; j++) {
            dst[di + j] += scale * src[si + j];
        }
    }
}
