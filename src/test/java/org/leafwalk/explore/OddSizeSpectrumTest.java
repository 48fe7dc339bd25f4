package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.Spectrum;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;
import org.leafwalk.model.VitCheckpoints;
import org.leafwalk.testing.TinyVit;

/**
 * On a checkpoint of odd sizes (3 channels, 20×20, patch 5), in every space and metric, the spectrum computed from
 * the factor A (never forming G) is the spectrum of G = Jᵀ M J formed explicitly: each eigenpair satisfies
 * G v = λ v, the eigenvectors are orthonormal, the eigenvalues sum to the trace of G, and what is orthogonal to
 * them G does not stretch.
 */
class OddSizeSpectrumTest {
    @TempDir
    Path tmp;

    @Test
    void theSpectrumFromTheFactorIsTheSpectrumOfTheExplicitPullback() {
        Path dir = TinyVit.write(tmp, "odd", new VitCheckpoints.Shape(20, 5, 3, 12, 2, 3, 20, 7), 3);
        try (Explorer ex = Explorer.open(dir, Device.cpu(), DataType.FLOAT64)) {
            ImageInput img = new ImageInput("blob", TinyVit.blob(3, 20, 2), 3, 20, List.of());
            for (InputSpace space : InputSpace.values()) {
                for (OutputMetric metric : OutputMetric.values()) {
                    var w = ex.walker(space, Settings.DEFAULTS.walkSettings().withMetric(metric).withTopK(5)
                            .withTau(1e-10), ex.startPoint(img, space), false);
                    String what = space + " " + metric;
                    Linearization lin = w.current();
                    Spectrum s = lin.spectrum();
                    int k = w.spec().size();
                    int n = s.dimension();
                    assertEquals(metric == OutputMetric.REPRESENTATION ? 12 : 5, k, what);
                    assertEquals(space == InputSpace.PIXELS ? 1200 : 17 * 12, n, what);
                    double[] g = explicitPullback(lin.jacobian(), lin.metricMatrix(), k, n);
                    double lmax = s.lambdaMax();
                    assertTrue(lmax > 0, what);
                    double trace = 0;
                    for (int i = 0; i < n; i++) {
                        trace += g[i * n + i];
                    }
                    double sum = 0;
                    for (double l : s.eigenvalues()) {
                        sum += l;
                    }
                    assertEquals(trace, sum, 1e-9 * trace, what + ": the eigenvalues sum to the trace of G");
                    for (int i = 0; i < s.rank(); i++) {
                        double[] v = s.eigenvector(i);
                        double[] gv = times(g, v, n);
                        for (int j = 0; j < n; j++) {
                            assertEquals(s.eigenvalues()[i] * v[j], gv[j], 1e-9 * lmax, what + ": G v = λ v, λ" + i);
                        }
                        for (int j = 0; j <= i; j++) {
                            assertEquals(i == j ? 1 : 0, dot(v, s.eigenvector(j)), 1e-9, what + ": orthonormal");
                        }
                    }
                    // a direction orthogonal to every eigenvector with a non-zero eigenvalue is a null direction
                    double[] u = new Random(5).doubles(n, -1, 1).toArray();
                    for (int i = 0; i < s.rank(); i++) {
                        double[] v = s.eigenvector(i);
                        double c = dot(u, v);
                        for (int j = 0; j < n; j++) {
                            u[j] -= c * v[j];
                        }
                    }
                    double un = Math.sqrt(dot(u, u));
                    assertTrue(dot(u, times(g, u, n)) / (un * un) <= 1e-9 * lmax, what + ": a null direction");
                }
            }
        }
    }

    /** G = Jᵀ M J, n × n, formed the slow way. */
    private static double[] explicitPullback(double[] j, double[] m, int k, int n) {
        double[] mj = new double[k * n];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double c = m == null ? (a == b ? 1 : 0) : m[a * k + b];
                for (int x = 0; x < n; x++) {
                    mj[a * n + x] += c * j[b * n + x];
                }
            }
        }
        double[] g = new double[n * n];
        for (int a = 0; a < k; a++) {
            for (int x = 0; x < n; x++) {
                double c = j[a * n + x];
                for (int y = 0; y < n; y++) {
                    g[x * n + y] += c * mj[a * n + y];
                }
            }
        }
        return g;
    }

    private static double[] times(double[] g, double[] v, int n) {
        double[] out = new double[n];
        for (int x = 0; x < n; x++) {
            double s = 0;
            for (int y = 0; y < n; y++) {
                s += g[x * n + y] * v[y];
            }
            out[x] = s;
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
