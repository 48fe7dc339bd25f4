package org.leafwalk.geometry;

import java.util.Random;

/** Plain dense vector helpers on double[]; rows of a flat row-major matrix are addressed by offset. */
public final class Vectors {
    private Vectors() {}

    static double dot(double[] a, double[] b) {
        return dot(a, 0, b, a.length);
    }

    static double dotRow(double[] rows, int row, double[] b) {
        return dot(rows, row * b.length, b, b.length);
    }

    /**
     * Four independent partial sums: the JIT does not reorder a floating-point reduction, so one accumulator runs at
     * the latency of an add; four keep the pipeline full (a step spends most of its Java time in these dots).
     */
    private static double dot(double[] a, int off, double[] b, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[off + i] * b[i];
            s1 += a[off + i + 1] * b[i + 1];
            s2 += a[off + i + 2] * b[i + 2];
            s3 += a[off + i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[off + i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
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

    public static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /**
     * Removes the components along the first {@code count} orthonormal rows (modified Gram-Schmidt: one pass is
     * enough against rows that are orthonormal to rounding, as the spectrum's are).
     */
    static void projectOut(double[] v, double[] rows, int count) {
        for (int r = 0; r < count; r++) {
            addRow(v, rows, r, -dotRow(rows, r, v));
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

    /** a − b. */
    static double[] difference(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }
}
