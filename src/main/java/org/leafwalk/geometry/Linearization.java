package org.leafwalk.geometry;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The model linearised at one point: its output, the Jacobian J of the selected outputs (one batched backward
 * pass), the metric, and the exact non-zero spectrum of G = Jᵀ M J through the Gram matrix. Plain arrays only:
 * every NDArray lives in a sub-manager closed before this returns.
 */
public final class Linearization {
    private final double[] point;
    private final double[] output;
    private final double[] selected;
    private final double[] jacobian; // k × n
    private final double[] weighted; // A = Lᵀ J, r × n (the same array as jacobian when M = I)
    private final int weightedRows;
    private final double[] jjt; // J Jᵀ, k × k
    private final double[] metric; // M, k × k
    private final Spectrum spectrum;
    private final double[] linearisedAt; // where J was computed (this point unless J is carried from there)

    private Linearization(double[] point, double[] output, double[] selected, double[] jacobian, double[] weighted,
            int weightedRows, double[] jjt, double[] metric, Spectrum spectrum) {
        this.point = point;
        this.output = output;
        this.selected = selected;
        this.jacobian = jacobian;
        this.weighted = weighted;
        this.weightedRows = weightedRows;
        this.jjt = jjt;
        this.metric = metric;
        this.spectrum = spectrum;
        this.linearisedAt = point;
    }

    private Linearization(Linearization from, double[] point, double[] output, double[] selected) {
        this(from, point, output, selected, from.spectrum);
    }

    private Linearization(Linearization from, double[] point, double[] output, double[] selected,
            Spectrum spectrum) {
        this.point = point;
        this.output = output;
        this.selected = selected;
        this.jacobian = from.jacobian;
        this.weighted = from.weighted;
        this.weightedRows = from.weightedRows;
        this.jjt = from.jjt;
        this.metric = from.metric;
        this.spectrum = spectrum;
        this.linearisedAt = from.linearisedAt;
    }

    /**
     * The state at another point whose output a forward pass measured, keeping this J and its spectrum (a
     * trust-region step between linearisations).
     */
    public Linearization carriedTo(double[] x, double[] output, OutputSpec spec) {
        return new Linearization(this, x.clone(), output.clone(), spec.select(output));
    }

    /**
     * As {@link #carriedTo(double[], double[], OutputSpec)}, with J corrected along the step by the secant (Broyden)
     * update J + (Δz − J dx) dxᵀ / ‖dx‖², so the carried J agrees with what the step measured: the change along the
     * way the walk goes, which is where a carried J drifts from the true one as the walk leaves the point where it
     * was computed. J Jᵀ is formed again from the corrected J and the spectrum read from it, so the null directions,
     * the Rayleigh quotients, the retraction, the trust test and the preview all see one J. Under the Fisher
     * metric, whose factor depends on the output, J is carried unchanged.
     *
     * @param predicted J·dx over the selected outputs (already computed for the trust test)
     */
    public Linearization carriedTo(double[] x, double[] output, OutputSpec spec, double[] dx, double[] predicted) {
        double[] z = spec.select(output);
        int n = point.length;
        int k = selected.length;
        double dd = 0;
        for (double v : dx) {
            dd += v * v;
        }
        if (weighted != jacobian || !(dd > 0)) {
            return new Linearization(this, x.clone(), output.clone(), z);
        }
        double[] j = jacobian.clone();
        for (int i = 0; i < k; i++) {
            double ui = (z[i] - selected[i] - predicted[i]) / dd;
            int off = i * n;
            for (int c = 0; c < n; c++) {
                j[off + c] += ui * dx[c];
            }
        }
        double[] g = gram(j, k, n);
        Spectrum s = Factor.spectrum(j, k, n, g, spectrum.tau());
        return new Linearization(this, x.clone(), output.clone(), z, j, g, s);
    }

    private Linearization(Linearization from, double[] point, double[] output, double[] selected, double[] jacobian,
            double[] jjt, Spectrum spectrum) {
        this.point = point;
        this.output = output;
        this.selected = selected;
        this.jacobian = jacobian;
        this.weighted = jacobian;
        this.weightedRows = from.weightedRows;
        this.jjt = jjt;
        this.metric = from.metric;
        this.spectrum = spectrum;
        this.linearisedAt = from.linearisedAt;
    }

    /** The same state with the null threshold τ: the spectrum of the same J read again (no new Jacobian). */
    public Linearization withTau(double tau) {
        Spectrum s = Factor.spectrum(weighted, weightedRows, point.length,
                weighted == jacobian ? jjt : gram(weighted, weightedRows, point.length), tau);
        return new Linearization(this, point, output, selected, s);
    }

    /** J Jᵀ (k × k) as this state holds it (tests check the secant update's rank-2 update of it). */
    double[] gram() {
        return jjt.clone();
    }

    /** Whether J was computed at this point (false: carried from an earlier one). */
    public boolean fresh() {
        return linearisedAt == point;
    }

    /**
     * J·v for each of the given directions (null entries stay null), in one product: the preview's changes for
     * every slider at once.
     */
    public double[][] predictedChanges(double[][] directions) {
        int n = point.length;
        int k = selected.length;
        int count = 0;
        for (double[] v : directions) {
            if (v != null) {
                count++;
            }
        }
        double[] packed = new double[count * n];
        int r = 0;
        for (double[] v : directions) {
            if (v != null) {
                System.arraycopy(v, 0, packed, r++ * n, n);
            }
        }
        double[] all = Dense.multiplyTransposed(packed, count, jacobian, k, n);
        double[][] out = new double[directions.length][];
        r = 0;
        for (int i = 0; i < directions.length; i++) {
            if (directions[i] != null) {
                out[i] = java.util.Arrays.copyOfRange(all, r * k, (r + 1) * k);
                r++;
            }
        }
        return out;
    }

    /** J·dx over the selected outputs: the first-order change of {@link #selected} along dx. */
    public double[] predictedChange(double[] dx) {
        return times(jacobian, selected.length, point.length, dx);
    }

    /** a·v for a (rows × n, row-major). */
    private static double[] times(double[] a, int rows, int n, double[] v) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += a[i * n + j] * v[j];
            }
            out[i] = s;
        }
        return out;
    }

    /**
     * Linearises f at x. J comes from ONE forward+backward at batch k: x replicated k times, the loss the sum over
     * i of z[i, i], so batch row i's gradient is row i of J.
     */
    public static Linearization at(DifferentiableMap f, OutputSpec spec, double[] x, double tau) {
        return at(f, spec, x, tau, false);
    }

    /** How many input numbers the autograd path replicates at once (k rows of n, chunked below this). */
    static final long AUTOGRAD_NUMBERS = 1_000_000;

    /** How many input numbers' rows the batched pullback takes at once (image-sized inputs: a few rows). */
    static final long PULLBACK_NUMBERS = 400_000;

    /**
     * @param autograd force DJL's autograd on the replicated batch even where the map offers a batched
     *     vector-Jacobian product (the reference the fast path is tested against)
     */
    public static Linearization at(DifferentiableMap f, OutputSpec spec, double[] x, double tau, boolean autograd) {
        return at(f, spec, x, tau, autograd, AUTOGRAD_NUMBERS);
    }

    /** As {@link #at(DifferentiableMap, OutputSpec, double[], double, boolean)}, replicating at most this many
     * input numbers per autograd pass ({@link ModelPasses} makes the passes). */
    public static Linearization at(DifferentiableMap f, OutputSpec spec, double[] x, double tau, boolean autograd,
            long autogradNumbers) {
        int n = f.inputDimension();
        if (x.length != n) {
            throw new IllegalArgumentException("point has " + x.length + " coordinates, the map expects " + n);
        }
        if (!Vectors.allFinite(x)) {
            throw new GeometryException("the input point contains NaN or Inf");
        }
        int k = spec.size();
        if (k == 0 || f.outputDimension() == 0) {
            throw new IllegalArgumentException("the map has no outputs: there is no metric to pull back (a model "
                    + "without a head needs the representation metric)");
        }
        ModelPasses.Measured measured = ModelPasses.jacobian(f, spec, x, autograd, autogradNumbers, PULLBACK_NUMBERS);
        return checked(x, measured.output(), spec, measured.jacobian(), n, tau);
    }

    private static Linearization checked(double[] x, double[] output, OutputSpec spec, double[] jac, int n,
            double tau) {
        if (!Vectors.allFinite(output)) {
            throw new GeometryException.NonFinite("the model's output is NaN or Inf at this point", x);
        }
        if (!Vectors.allFinite(jac)) {
            throw new GeometryException("the Jacobian contains NaN or Inf at this point");
        }
        Computation.report("spectrum");
        return fromJacobian(x.clone(), output, spec, jac, n, tau);
    }

    /** Builds the spectrum from a known Jacobian (k × n); also the entry point for closed-form checks. */
    public static Linearization fromJacobian(double[] x, double[] output, OutputSpec spec, double[] jac, int n,
            double tau) {
        int k = spec.size();
        double[] metric = spec.metricMatrix(output);
        double[] jjt = gram(jac, k, n);
        WeightedJacobian a = WeightedJacobian.of(spec, metric, jac, k, n, jjt);
        Spectrum spectrum = Factor.spectrum(a.weighted(), a.rows(), n, a.gram(), tau);
        return new Linearization(x, output, spec.select(output), jac, a.weighted(), a.rows(), jjt, metric, spectrum);
    }

    /** One forward pass at batch 1, outside autograd: the full output row at x. */
    public static double[] evaluate(DifferentiableMap f, double[] x) {
        return ModelPasses.evaluate(f, x);
    }

    static double[] gram(double[] a, int rows, int n) {
        return Dense.gram(a, rows, n);
    }

    /** Symmetric eigendecomposition, eigenvalues descending, eigenvectors as columns (row-major k×k). */
    static final class Eigen {
        final double[] values;
        final double[] vectors;

        private Eigen(double[] values, double[] vectors) {
            this.values = values;
            this.vectors = vectors;
        }

        static Eigen symmetric(double[] a, int k) {
            if (k == 0) {
                return new Eigen(new double[0], new double[0]);
            }
            DMatrixRMaj m = new DMatrixRMaj(k, k, true, a.clone());
            EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, true, true);
            if (!eig.decompose(m)) {
                throw new GeometryException("the eigendecomposition of the Gram matrix did not converge");
            }
            Integer[] order = new Integer[k];
            double[] vals = new double[k];
            for (int i = 0; i < k; i++) {
                order[i] = i;
                vals[i] = eig.getEigenvalue(i).getReal();
            }
            Arrays.sort(order, (p, q) -> Double.compare(vals[q], vals[p]));
            double[] values = new double[k];
            double[] vectors = new double[k * k];
            for (int c = 0; c < k; c++) {
                values[c] = vals[order[c]];
                DMatrixRMaj v = eig.getEigenVector(order[c]);
                if (v == null) {
                    throw new GeometryException("the eigendecomposition of the Gram matrix returned no eigenvector");
                }
                for (int r = 0; r < k; r++) {
                    vectors[r * k + c] = v.get(r, 0);
                }
            }
            return new Eigen(values, vectors);
        }
    }

    public double[] point() {
        return point;
    }

    public double[] output() {
        return output;
    }

    /** The selected outputs z(x) the metric measures. */
    public double[] selected() {
        return selected;
    }

    public Spectrum spectrum() {
        return spectrum;
    }

    public double[] jacobian() {
        return jacobian;
    }

    public double[] metricMatrix() {
        return metric;
    }

    /** A = Lᵀ J (rows × n), the square root of G in the sense G = Aᵀ A. */
    public double[] weightedJacobian() {
        return weighted;
    }

    public int weightedRows() {
        return weightedRows;
    }

    /** The Rayleigh quotient vᵀ G v = ‖A v‖²: how fast the output (in the metric) changes along v. */
    public double rayleigh(double[] v) {
        return Factor.rayleigh(weighted, weightedRows, v);
    }

    /**
     * v minus its part that G sees, with the {@code held} coordinates fixed: v − A_F⁺ A v, where A_F is A = LᵀJ
     * without the held columns (v's held components are taken as zero). The result has A v = 0 and is zero on the
     * held coordinates.
     */
    public double[] nullOnFree(double[] v, boolean[] held) {
        int n = point.length;
        double[] w = v.clone();
        for (int i = 0; i < n; i++) {
            if (held[i]) {
                w[i] = 0;
            }
        }
        double[] av = times(weighted, weightedRows, n, w);
        double[] dx = MinimumNorm.holding(weighted, weightedRows, n, held, weighted == jacobian ? jjt : null)
                .solve(av, 0);
        for (int i = 0; i < n; i++) {
            w[i] -= dx[i];
        }
        return w;
    }

    /**
     * The minimum-norm dx with J dx = r (J⁺ r = Jᵀ (J Jᵀ)⁺ r): the Gauss-Newton correction that pulls the
     * selected outputs back by r.
     */
    public double[] solveMinimumNorm(double[] r) {
        return solveMinimumNorm(r, null);
    }

    /**
     * The minimum-norm dx with J dx = r that leaves the {@code held} coordinates alone (their columns of J drop out);
     * null holds none.
     */
    public double[] solveMinimumNorm(double[] r, boolean[] held) {
        int k = selected.length;
        int n = point.length;
        MinimumNorm solver = held == null ? MinimumNorm.of(jacobian, k, n, jjt)
                : MinimumNorm.holding(jacobian, k, n, held, jjt);
        return solver.solve(r, 0);
    }
}
