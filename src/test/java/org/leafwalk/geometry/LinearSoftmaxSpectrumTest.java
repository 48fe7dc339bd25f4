package org.leafwalk.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A linear-softmax model f(x) = W x + b: J = W for the logits, so G is known in closed form for every metric
 * (logits: WᵀW; probs: Wᵀ S² W; fisher: Wᵀ S W, with S = diag(p) − ppᵀ). The Gram-trick spectrum must match a
 * dense n×n eigendecomposition of that G.
 */
class LinearSoftmaxSpectrumTest {
    static final int N = 14;
    static final int CLASSES = 6;
    static NDManager manager;
    static double[] w;
    static double[] b;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Random rng = new Random(3);
        w = new double[CLASSES * N];
        b = new double[CLASSES];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rng.nextGaussian();
        }
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static DifferentiableMap linearMap() {
        NDArray wt = manager.create(w).reshape(CLASSES, N).transpose();
        NDArray bias = manager.create(b);
        return DifferentiableMap.of(x -> x.matMul(wt).add(bias), N, CLASSES, CLASSES, DataType.FLOAT64, manager,
                null);
    }

    @ParameterizedTest
    @EnumSource(value = OutputMetric.class, names = {"LOGITS", "PROBS", "FISHER"})
    void spectrumMatchesClosedForm(OutputMetric metric) {
        Random rng = new Random(11);
        double[] x = new double[N];
        for (int i = 0; i < N; i++) {
            x[i] = rng.nextGaussian() * 0.3;
        }
        DifferentiableMap f = linearMap();
        double[] y = Linearization.evaluate(f, x);
        OutputSpec spec = OutputSpec.choose(metric, y, CLASSES, 0);
        Linearization lin = Linearization.at(f, spec, x, 1e-9);

        // closed form: logits y = W x + b, p = softmax(y), S = diag(p) − ppᵀ
        double[] logits = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            logits[c] = b[c];
            for (int j = 0; j < N; j++) {
                logits[c] += w[c * N + j] * x[j];
            }
        }
        double[] p = OutputSpec.softmax(logits, CLASSES);
        DMatrixRMaj wm = new DMatrixRMaj(CLASSES, N, true, w);
        DMatrixRMaj s = new DMatrixRMaj(CLASSES, CLASSES);
        for (int i = 0; i < CLASSES; i++) {
            for (int j = 0; j < CLASSES; j++) {
                s.set(i, j, (i == j ? p[i] : 0) - p[i] * p[j]);
            }
        }
        DMatrixRMaj m = switch (metric) {
            case LOGITS -> CommonOps_DDRM.identity(CLASSES);
            case PROBS -> mult(s, s);
            default -> s;
        };
        DMatrixRMaj g = mult(mult(transpose(wm), m), wm);
        // the selected outputs are all classes, in descending logit order: a permutation, G is unchanged
        assertEquals(CLASSES, spec.size());

        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(N, true, true);
        assertTrue(eig.decompose(g.copy()));
        Integer[] order = new Integer[N];
        for (int i = 0; i < N; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, c) -> Double.compare(eig.getEigenvalue(c).getReal(), eig.getEigenvalue(a).getReal()));
        double lmax = eig.getEigenvalue(order[0]).getReal();
        int expectedRank = 0;
        for (int i = 0; i < N; i++) {
            if (eig.getEigenvalue(order[i]).getReal() > 1e-9 * lmax) {
                expectedRank++;
            }
        }
        Spectrum spec2 = lin.spectrum();
        assertEquals(expectedRank, spec2.rank(), "rank of G");
        assertEquals(metric == OutputMetric.LOGITS ? CLASSES : CLASSES - 1, spec2.rank(),
                "softmax makes one direction of the logits invisible");
        for (int i = 0; i < spec2.rank(); i++) {
            double expected = eig.getEigenvalue(order[i]).getReal();
            assertEquals(expected, spec2.eigenvalues()[i], 1e-5 * Math.max(1, Math.abs(expected)), "λ" + i);
            DMatrixRMaj v = eig.getEigenVector(order[i]);
            double[] got = spec2.eigenvector(i);
            double sign = Math.signum(dot(got, v.getData()));
            for (int j = 0; j < N; j++) {
                assertEquals(v.get(j, 0), sign * got[j], 1e-5, "v" + i + "[" + j + "]");
            }
            // G v = λ v holds for the reconstructed vector itself
            DMatrixRMaj gv = mult(g, new DMatrixRMaj(N, 1, true, got));
            for (int j = 0; j < N; j++) {
                assertEquals(spec2.eigenvalues()[i] * got[j], gv.get(j, 0), 1e-8);
            }
        }
        // the Jacobian of the logits is W itself (rows in the selected order)
        if (metric != OutputMetric.PROBS) {
            for (int r = 0; r < CLASSES; r++) {
                int c = spec.columns()[r];
                for (int j = 0; j < N; j++) {
                    assertEquals(w[c * N + j], lin.jacobian()[r * N + j], 1e-10);
                }
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numCols);
        CommonOps_DDRM.mult(a, b, c);
        return c;
    }

    private static DMatrixRMaj transpose(DMatrixRMaj a) {
        DMatrixRMaj t = new DMatrixRMaj(a.numCols, a.numRows);
        CommonOps_DDRM.transpose(a, t);
        return t;
    }
}
