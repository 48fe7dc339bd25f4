package org.leafwalk.geometry;

/**
 * The pullback metric held as a factor: G = AᵀA with A = Lᵀ J (rows × n, row-major; A = J when M = I). The exact
 * spectrum of G and its Rayleigh quotients come from A, for the global metric and for the per-token blocks alike;
 * G itself (n × n) is never formed.
 */
final class Factor {
    private Factor() {}

    /** The spectrum of G = AᵀA: the eigenvalues of the rows × rows Gram matrix A Aᵀ, eigenvectors v = Aᵀu/√λ. */
    static Spectrum spectrum(double[] a, int rows, int n, double tau) {
        return spectrum(a, rows, n, Linearization.gram(a, rows, n), tau);
    }

    /** As {@link #spectrum(double[], int, int, double)}, with the Gram matrix A Aᵀ already known. */
    static Spectrum spectrum(double[] a, int rows, int n, double[] gram, double tau) {
        return spectrum(a, rows, n, gram, tau, false);
    }

    /**
     * As {@link #spectrum(double[], int, int, double)}; with {@code absolute}, λ ≤ τ counts as zero (the authors'
     * code, |λ| &lt; τ) instead of λ ≤ τ·λ_max. The spectrum records the threshold relative to its λ_max either way.
     */
    static Spectrum spectrum(double[] a, int rows, int n, double[] gram, double tau, boolean absolute) {
        if (!Vectors.allFinite(gram)) {
            throw new GeometryException("the pullback metric contains NaN or Inf at this point");
        }
        Linearization.Eigen e = Linearization.Eigen.symmetric(gram, rows);
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            values[i] = Math.max(0, e.values[i]);
        }
        double lmax = rows == 0 ? 0 : values[0];
        double threshold = absolute ? tau : tau * lmax;
        int rank = 0;
        while (rank < rows && values[rank] > threshold && values[rank] > 1e-300) {
            rank++;
        }
        // v_i = Aᵀ u_i / √λ_i: exact eigenvectors of G, orthonormal; as rows, (rank × rows)·A
        double[] w = new double[rank * rows];
        for (int i = 0; i < rank; i++) {
            double inv = 1.0 / Math.sqrt(values[i]);
            for (int r = 0; r < rows; r++) {
                w[i * rows + r] = e.vectors[r * rows + i] * inv;
            }
        }
        double[] vecs = Dense.multiply(w, rank, rows, a, n);
        // Aᵀu/√λ loses orthogonality like ε·λmax/λ: re-orthogonalise only the directions whose eigenvalue is tiny
        // next to the largest (kept when τ is set very low); the rest are orthonormal to rounding already
        for (int i = 0; i < rank; i++) {
            if (values[i] < 1e-7 * lmax) {
                double[] v = Vectors.row(vecs, i, n);
                Vectors.projectOut(v, vecs, i);
                Vectors.projectOut(v, vecs, i);
                Vectors.normalize(v);
                System.arraycopy(v, 0, vecs, i * n, n);
            }
        }
        return new Spectrum(values, rank, vecs, n, absolute ? (lmax > 0 ? Math.min(1, tau / lmax) : 0) : tau);
    }

    /** The Rayleigh quotient vᵀ G v = ‖A v‖²: how fast the output (in its metric) changes along v. */
    static double rayleigh(double[] a, int rows, double[] v) {
        int n = v.length;
        double s = 0;
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            int off = r * n;
            for (int j = 0; j < n; j++) {
                dot += a[off + j] * v[j];
            }
            s += dot * dot;
        }
        return s;
    }
}
