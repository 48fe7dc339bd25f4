package org.leafwalk.geometry;

/**
 * The minimum-norm solutions of J dx = r, dx = Jᵀ (J Jᵀ + μI)⁺ r, with J Jᵀ decomposed once: SiMEC's
 * Gauss-Newton retraction onto the level set (μ = 0) and the Levenberg–Marquardt steps of representation matching
 * (μ > 0). Coordinates held on a bound have their columns of J dropped, so the others carry the correction.
 */
final class MinimumNorm {
    private final double[] jacobian;
    private final int k;
    private final int n;
    private final Linearization.Eigen eigen;

    private MinimumNorm(double[] jacobian, int k, int n, double[] gram) {
        this.jacobian = jacobian;
        this.k = k;
        this.n = n;
        this.eigen = Linearization.Eigen.symmetric(gram, k);
    }

    /** For J (k × n, row-major) whose Gram matrix J Jᵀ is known. */
    static MinimumNorm of(double[] jacobian, int k, int n, double[] gram) {
        return new MinimumNorm(jacobian, k, n, gram);
    }

    /** For J with the {@code held} coordinates left alone (null: none held). */
    static MinimumNorm holding(double[] jacobian, int k, int n, boolean[] held) {
        return holding(jacobian, k, n, held, null);
    }

    /**
     * As {@link #holding(double[], int, int, boolean[])}, with J Jᵀ known ({@code gram}, null: not known): the
     * held columns' part is taken out of it, Σ over held i of J[:, i] J[:, i]ᵀ, rather than the Gram matrix made
     * again over every column (a ViT-Base's 150,528 for the few pixels a step clamps).
     */
    static MinimumNorm holding(double[] jacobian, int k, int n, boolean[] held, double[] gram) {
        if (held == null) {
            return new MinimumNorm(jacobian, k, n, gram != null ? gram : Linearization.gram(jacobian, k, n));
        }
        double[] j = jacobian.clone();
        int heldCount = 0;
        for (int i = 0; i < n; i++) {
            if (held[i]) {
                heldCount++;
            }
        }
        boolean update = gram != null && heldCount < n / 4;
        double[] g = update ? gram.clone() : null;
        for (int i = 0; i < n; i++) {
            if (!held[i]) {
                continue;
            }
            for (int r = 0; r < k; r++) {
                double jr = j[r * n + i];
                if (update && jr != 0) {
                    for (int c = 0; c <= r; c++) {
                        g[r * k + c] -= jr * j[c * n + i];
                    }
                }
            }
            for (int r = 0; r < k; r++) {
                j[r * n + i] = 0;
            }
        }
        if (update) {
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < r; c++) {
                    g[c * k + r] = g[r * k + c];
                }
            }
        }
        return new MinimumNorm(j, k, n, update ? g : Linearization.gram(j, k, n));
    }

    /** The largest eigenvalue of J Jᵀ (0 without outputs). */
    double largest() {
        return eigen.values.length == 0 ? 0 : eigen.values[0];
    }

    /**
     * dx = Jᵀ (J Jᵀ + μI)⁺ r. Undamped ({@code damping} 0), directions of J Jᵀ below 1e-10 of the largest count as
     * zero (the pseudo-inverse).
     */
    double[] solve(double[] r, double damping) {
        double floor = damping == 0 ? 1e-10 * Math.max(largest(), 0) : Double.NEGATIVE_INFINITY;
        double[] w = new double[k];
        for (int c = 0; c < k; c++) {
            double lam = damping == 0 ? eigen.values[c] : Math.max(eigen.values[c], 0) + damping;
            if (lam <= 0 || (damping == 0 && eigen.values[c] <= floor)) {
                continue;
            }
            double proj = 0;
            for (int i = 0; i < k; i++) {
                proj += eigen.vectors[i * k + c] * r[i];
            }
            proj /= lam;
            for (int i = 0; i < k; i++) {
                w[i] += eigen.vectors[i * k + c] * proj;
            }
        }
        double[] dx = new double[n];
        for (int i = 0; i < k; i++) {
            Vectors.addRow(dx, jacobian, i, w[i]);
        }
        return dx;
    }
}
