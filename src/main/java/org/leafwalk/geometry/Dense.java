package org.leafwalk.geometry;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The dense products of the geometry (row-major double arrays): the Gram matrix A Aᵀ of a Jacobian and the
 * products that build eigenvectors from it. Small ones run as plain loops; large ones (a text model's 384 × 6,144
 * representation Jacobian: 0.45 G multiply-adds for its Gram matrix, as many again for its eigenvectors) go to
 * the engine's float64 BLAS, which is tens of times faster than a loop of scalar multiply-adds.
 */
final class Dense {
    private Dense() {}

    /** Above this many multiply-adds a product goes to the engine. */
    static final long ENGINE_MACS = 20_000_000L;

    /** A Aᵀ (rows × rows) of A (rows × n). */
    static double[] gram(double[] a, int rows, int n) {
        if ((long) rows * rows * n / 2 > ENGINE_MACS) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                NDArray x = m.create(a, new Shape(rows, n));
                double[] g = x.matMul(x.transpose()).toDoubleArray();
                for (int i = 0; i < rows; i++) { // exactly symmetric, as the loop makes it
                    for (int j = 0; j < i; j++) {
                        g[j * rows + i] = g[i * rows + j];
                    }
                }
                return g;
            }
        }
        double[] g = new double[rows * rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                int oi = i * n;
                int oj = j * n;
                for (int c = 0; c < n; c++) {
                    s += a[oi + c] * a[oj + c];
                }
                g[i * rows + j] = s;
                g[j * rows + i] = s;
            }
        }
        return g;
    }

    /** A Bᵀ (rows × cols) of A (rows × n) and B (cols × n): every row of A against every row of B. */
    static double[] multiplyTransposed(double[] a, int rows, double[] b, int cols, int n) {
        if ((long) rows * cols * n > ENGINE_MACS) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                return m.create(a, new Shape(rows, n)).matMul(m.create(b, new Shape(cols, n)).transpose())
                        .toDoubleArray();
            }
        }
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int c = 0; c < n; c++) {
                    s += a[i * n + c] * b[j * n + c];
                }
                out[i * cols + j] = s;
            }
        }
        return out;
    }

    /** A B (rows × n) of A (rows × inner) and B (inner × n). */
    static double[] multiply(double[] a, int rows, int inner, double[] b, int n) {
        if ((long) rows * inner * n > ENGINE_MACS) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                return m.create(a, new Shape(rows, inner)).matMul(m.create(b, new Shape(inner, n))).toDoubleArray();
            }
        }
        double[] out = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < inner; i++) {
                double c = a[r * inner + i];
                if (c != 0) {
                    for (int j = 0; j < n; j++) {
                        out[r * n + j] += c * b[i * n + j];
                    }
                }
            }
        }
        return out;
    }
}
