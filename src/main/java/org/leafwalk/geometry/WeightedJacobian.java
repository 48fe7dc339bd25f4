package org.leafwalk.geometry;

/**
 * A = Lᵀ J (rows × n, row-major), the factor G = Aᵀ A of the pullback metric G = Jᵀ M J that the spectrum and the
 * Rayleigh quotients are read from, with its Gram matrix A Aᵀ (rows × rows). Under the Fisher metric M = L Lᵀ is
 * factored from M's eigendecomposition; otherwise M = I and A is J itself (the same array, and J Jᵀ its Gram matrix).
 */
record WeightedJacobian(double[] weighted, int rows, double[] gram) {
    /**
     * @param metric M (k × k)
     * @param jac J (k × n)
     * @param jjt J Jᵀ (k × k)
     */
    static WeightedJacobian of(OutputSpec spec, double[] metric, double[] jac, int k, int n, double[] jjt) {
        double[] weighted;
        int rows;
        double[] gramA;
        if (spec.metric() == OutputMetric.FISHER) {
            // M = Q D Qᵀ = L Lᵀ with L = Q √D (columns of positive D only): A = Lᵀ J
            Linearization.Eigen me = Linearization.Eigen.symmetric(metric, k);
            double floor = 1e-12 * Math.max(me.values[0], 0);
            rows = 0;
            while (rows < k && me.values[rows] > floor && me.values[rows] > 0) {
                rows++;
            }
            double[] lt = new double[rows * k];
            for (int r = 0; r < rows; r++) {
                double s = Math.sqrt(me.values[r]);
                for (int i = 0; i < k; i++) {
                    lt[r * k + i] = s * me.vectors[i * k + r];
                }
            }
            weighted = Dense.multiply(lt, rows, k, jac, n);
            gramA = Linearization.gram(weighted, rows, n);
        } else {
            weighted = jac;
            rows = k;
            gramA = jjt;
        }
        return new WeightedJacobian(weighted, rows, gramA);
    }
}
