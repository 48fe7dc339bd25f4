package org.leafwalk.geometry;

/**
 * Principal components of a small cloud of points in a large space (a walk's snapshots), through the m × m Gram
 * matrix of the centred points, so that the n × n covariance is never formed.
 */
public final class Pca {
    private Pca() {}

    /**
     * The volume of the cloud's bounding box in its first {@code components} principal coordinates: the product of
     * the ranges of the points' scores along each. 0 when the cloud spans fewer dimensions.
     *
     * @param points m points of dimension n, row-major (m × n)
     */
    public static double boxVolume(double[] points, int m, int n, int components) {
        double[] ranges = ranges(points, m, n, components);
        double v = 1;
        for (double r : ranges) {
            v *= r;
        }
        return v;
    }

    /** The ranges of the scores along the first {@code components} principal axes (0 past the cloud's rank). */
    public static double[] ranges(double[] points, int m, int n, int components) {
        if (m * (long) n != points.length) {
            throw new IllegalArgumentException(points.length + " numbers are not " + m + " points of " + n);
        }
        double[] c = points.clone();
        for (int j = 0; j < n; j++) {
            double mean = 0;
            for (int i = 0; i < m; i++) {
                mean += c[i * n + j];
            }
            mean /= m;
            for (int i = 0; i < m; i++) {
                c[i * n + j] -= mean;
            }
        }
        double[] gram = Linearization.gram(c, m, n);
        Linearization.Eigen e = Linearization.Eigen.symmetric(gram, m);
        double[] out = new double[components];
        double top = m == 0 ? 0 : Math.max(0, e.values[0]);
        for (int k = 0; k < components && k < m; k++) {
            double lambda = e.values[k];
            if (!(lambda > 1e-12 * top) || !(lambda > 0)) {
                break;
            }
            // the score of point i along axis k is u_k[i]·√λ_k (the centred points' SVD)
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                double u = e.vectors[i * m + k];
                lo = Math.min(lo, u);
                hi = Math.max(hi, u);
            }
            out[k] = (hi - lo) * Math.sqrt(lambda);
        }
        return out;
    }
}
