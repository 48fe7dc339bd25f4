package org.leafwalk.geometry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Directional Lipschitz estimates: along a unit direction v, the ratio ‖f(x + εv) − f(x)‖_M / ε over a ladder of
 * ε, with f the outputs the metric sees and M its matrix at x (so the ratio tends to √(vᵀGv) as ε → 0). Along null
 * directions it is tiny until the nonlinearity sets in (it then grows like ε); along the top eigendirections it
 * starts at √λ. All points are evaluated in batched forward passes.
 */
public final class Lipschitz {
    /** The ladder 1e-4, 3e-4, 1e-3, …, 1. */
    public static final double[] DEFAULT_EPSILONS = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1};

    /** Which family a direction comes from. */
    public enum Kind {
        EIGEN,
        NULL,
        RANDOM;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param index the eigendirection's rank (0 = top), or the draw's number for null and random directions
     * @param rayleigh √(vᵀGv), the ratio's limit as ε → 0
     */
    public record Curve(Kind kind, int index, double rayleigh, double[] epsilons, double[] ratios) {}

    private Lipschitz() {}

    /**
     * @param eigen how many top eigendirections; {@code nulls}, {@code randoms}: how many null and random unit
     *     directions (seeded)
     */
    public static List<Curve> estimate(DifferentiableMap f, Linearization at, OutputSpec spec, int eigen, int nulls,
            int randoms, long seed, double[] epsilons) {
        double[] x = at.point();
        int n = x.length;
        Spectrum s = at.spectrum();
        Random rng = new Random(seed);
        List<Kind> kinds = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        List<double[]> dirs = new ArrayList<>();
        for (int i = 0; i < Math.min(eigen, s.rank()); i++) {
            kinds.add(Kind.EIGEN);
            index.add(i);
            dirs.add(s.eigenvector(i));
        }
        for (int i = 0; i < nulls; i++) {
            double[] v = Vectors.gaussian(n, rng);
            Vectors.projectOut(v, s.eigenvectors(), s.rank());
            if (Vectors.normalize(v)) {
                kinds.add(Kind.NULL);
                index.add(i);
                dirs.add(v);
            }
        }
        for (int i = 0; i < randoms; i++) {
            double[] v = Vectors.gaussian(n, rng);
            Vectors.normalize(v);
            kinds.add(Kind.RANDOM);
            index.add(i);
            dirs.add(v);
        }
        int e = epsilons.length;
        int rows = dirs.size() * e;
        double[] points = new double[rows * n];
        for (int d = 0; d < dirs.size(); d++) {
            double[] v = dirs.get(d);
            for (int j = 0; j < e; j++) {
                int off = (d * e + j) * n;
                for (int i = 0; i < n; i++) {
                    points[off + i] = x[i] + epsilons[j] * v[i];
                }
            }
        }
        double[][] outputs = evaluate(f, points, rows, n, 32);
        double[] z0 = spec.select(at.output());
        double[] m = at.metricMatrix();
        int k = z0.length;
        List<Curve> curves = new ArrayList<>();
        for (int d = 0; d < dirs.size(); d++) {
            double[] ratios = new double[e];
            for (int j = 0; j < e; j++) {
                double[] z = spec.select(outputs[d * e + j]);
                double[] dz = new double[k];
                for (int i = 0; i < k; i++) {
                    dz[i] = z[i] - z0[i];
                }
                double q = 0;
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        q += dz[a] * m[a * k + b] * dz[b];
                    }
                }
                ratios[j] = Math.sqrt(Math.max(q, 0)) / epsilons[j];
            }
            curves.add(new Curve(kinds.get(d), index.get(d), Math.sqrt(Math.max(at.rayleigh(dirs.get(d)), 0)),
                    epsilons.clone(), ratios));
        }
        return curves;
    }

    /** Forward passes over many points ({@code rows} of {@code n}, one after the other), {@code batch} at a time. */
    public static double[][] evaluate(DifferentiableMap f, double[] points, int rows, int n, int batch) {
        double[][] out = new double[rows][];
        for (int start = 0; start < rows; start += batch) {
            int b = Math.min(batch, rows - start);
            double[] chunk = new double[b * n];
            System.arraycopy(points, start * n, chunk, 0, b * n);
            try (NDManager m = f.manager().newSubManager()) {
                NDArray xs = m.create(chunk).reshape(b, n).toType(f.dataType(), false);
                double[] y = f.apply(xs).toType(DataType.FLOAT64, false).toDoubleArray();
                int w = y.length / b;
                for (int r = 0; r < b; r++) {
                    out[start + r] = java.util.Arrays.copyOfRange(y, r * w, (r + 1) * w);
                }
            }
        }
        return out;
    }
}
