package org.leafwalk.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leafwalk.explore.walk.Settings;

/**
 * Degenerate geometry on linear maps with known spectra: repeated eigenvalues, near-zero ones, a rank-deficient J
 * (two identical output rows and a zero row), and a start on the box bounds. Walks of every kind must keep finite
 * points, keep the box, and SiMEC must keep the output.
 */
class NumericalRobustnessTest {
    static final int N = 12;
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** f(x) = W x with W given row-major (rows × N). */
    static DifferentiableMap linear(double[] w, int rows) {
        NDArray wt = manager.create(w).reshape(rows, N).transpose();
        return DifferentiableMap.of(x -> x.matMul(wt), N, rows, rows, DataType.FLOAT64, manager, null);
    }

    /** Orthonormal rows scaled by the given singular values: G's eigenvalues are their squares. */
    static double[] withSingularValues(double[] s, long seed) {
        Random rng = new Random(seed);
        double[][] q = new double[s.length][N];
        for (int r = 0; r < s.length; r++) {
            for (int i = 0; i < N; i++) {
                q[r][i] = rng.nextGaussian();
            }
            for (int p = 0; p < r; p++) {
                double d = 0;
                for (int i = 0; i < N; i++) {
                    d += q[r][i] * q[p][i];
                }
                for (int i = 0; i < N; i++) {
                    q[r][i] -= d * q[p][i];
                }
            }
            double norm = 0;
            for (double v : q[r]) {
                norm += v * v;
            }
            for (int i = 0; i < N; i++) {
                q[r][i] /= Math.sqrt(norm);
            }
        }
        double[] w = new double[s.length * N];
        for (int r = 0; r < s.length; r++) {
            for (int i = 0; i < N; i++) {
                w[r * N + i] = s[r] * q[r][i];
            }
        }
        return w;
    }

    private static void walkEverything(DifferentiableMap f, double[] start, Bounds bounds, int expectedRank) {
        for (Algorithm a : Algorithm.values()) {
            WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS)
                    .withPolicy(StepPolicy.FIXED, 0.05).withSeed(11);
            Walker w = new Walker(f, s, start, bounds);
            assertEquals(expectedRank, w.current().spectrum().rank(), "rank");
            double[] z0 = w.current().selected().clone();
            for (int i = 0; i < 60; i++) {
                StepOutcome o = w.step(a, 0, i % 20 < 10 ? 1 : -1);
                for (double v : o.point()) {
                    assertTrue(Double.isFinite(v), a + " step " + i + " produced a non-finite coordinate");
                }
                if (bounds != null) {
                    assertTrue(bounds.contains(o.point()), a + " left the box at step " + i);
                }
                for (double v : o.state().spectrum().eigenvalues()) {
                    assertTrue(Double.isFinite(v) && v >= -1e-9, "eigenvalue " + v);
                }
            }
            if (a == Algorithm.SIMEC) {
                double[] z = w.settle().selected();
                for (int i = 0; i < z.length; i++) {
                    assertEquals(z0[i], z[i], 1e-8, "SiMEC moved output " + i);
                }
            }
        }
    }

    @Test
    void aMapWithNoOutputsIsRefusedByName() {
        DifferentiableMap none = DifferentiableMap.of(x -> x.matMul(manager.zeros(new ai.djl.ndarray.types.Shape(N, 0),
                DataType.FLOAT64)), N, 0, 0, DataType.FLOAT64, manager, null);
        double[] x = new double[N];
        // the user's choice of metric, refused as a refused step is
        var refused = org.junit.jupiter.api.Assertions.assertThrows(GeometryException.class,
                () -> OutputSpec.choose(OutputMetric.LOGITS, new double[0], 0, 0));
        assertTrue(refused.getMessage().contains("no class outputs") && refused.getMessage().contains("representation"),
                refused.getMessage());
        var spec = new OutputSpec(OutputMetric.LOGITS, new int[0], 0);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Linearization.at(none, spec, x, 1e-6));
        assertTrue(e.getMessage().contains("no outputs"), e.getMessage());
    }

    @Test
    void repeatedAndNearZeroEigenvalues() {
        // singular values 2, 2, 2 (a triple eigenvalue 4), 1e-5 (1e-10: below τ·λmax, null), 1
        DifferentiableMap f = linear(withSingularValues(new double[] {2, 2, 2, 1e-5, 1}, 1), 5);
        double[] x = new double[N];
        java.util.Arrays.fill(x, 0.3);
        Linearization lin = Linearization.at(f, OutputSpec.choose(OutputMetric.LOGITS,
                Linearization.evaluate(f, x), 5, 0), x, 1e-6);
        double[] ev = lin.spectrum().nonzeroEigenvalues();
        assertEquals(4, ev.length, "the 1e-10 eigenvalue counts as null");
        assertEquals(4, ev[0], 1e-9);
        assertEquals(4, ev[1], 1e-9);
        assertEquals(4, ev[2], 1e-9);
        assertEquals(1, ev[3], 1e-9);
        walkEverything(f, x, null, 4);
    }

    @Test
    void rankDeficientJacobian() {
        double[] w = withSingularValues(new double[] {1.5, 0.7, 0.3}, 2);
        double[] deficient = new double[5 * N];
        System.arraycopy(w, 0, deficient, 0, 3 * N);
        System.arraycopy(w, 0, deficient, 3 * N, N); // a repeated row; the last row stays zero
        DifferentiableMap f = linear(deficient, 5);
        double[] x = new double[N];
        java.util.Arrays.fill(x, 0.5);
        walkEverything(f, x, null, 3);
    }

    @Test
    void aStartOnTheBoxBounds() {
        DifferentiableMap f = linear(withSingularValues(new double[] {1, 0.8, 0.5, 0.2}, 3), 4);
        double[] x = new double[N];
        for (int i = 0; i < N; i++) {
            x[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 0.5; // two thirds of the coordinates on a bound
        }
        walkEverything(f, x, Bounds.box(N, 0, 1), 4);
    }

    /**
     * What 30 steps of {@code a} carrying J cost beyond their forward passes, with or without the secant update:
     * {refusals, chord corrections}.
     */
    static int[] extraWork(DifferentiableMap f, WalkSettings s, double[] x0, Algorithm a, boolean secant) {
        Walker walker = new Walker(f, s, x0, null);
        walker.reuseJacobian(new JacobianReuse(0.1, 0.25, 16, 2, 50, secant));
        for (int i = 0; i < 30; i++) {
            walker.step(a, 0, 1);
        }
        return new int[] {walker.trustRefusals(), walker.chordCorrections()};
    }

    /** f(x) = a (W x)² + W x + b ‖x‖², three outputs, W with singular values 3, 2, 1 (seeded). */
    static DifferentiableMap curved(long seed, double a, double b) {
        NDArray wt = manager.create(withSingularValues(new double[] {3, 2, 1}, seed)).reshape(3, N).transpose();
        // a and b as tensors the map holds: DJL's mul(number) frees the number's buffer while autograd still needs
        // it (see model's Scalars), which made this map's Jacobian come out as W's now and then
        NDArray at = manager.create(a);
        NDArray bt = manager.create(b);
        return DifferentiableMap.of(x -> {
            NDArray z = x.matMul(wt);
            NDArray f = z.mul(z).mul(at).add(z);
            return b == 0 ? f : f.add(x.square().sum(new int[] {1}, true).mul(bt));
        }, N, 3, 3, DataType.FLOAT64, manager, null);
    }

    /**
     * A trust test that fails on every carried step (a curved map, no tolerance at all): each carried step is undone
     * and taken again from where it started with an exact J, with the same random draws, so the walk is the exact
     * walk point for point; the refusals are counted in a row.
     */
    @Test
    void aRefusedStepIsUndoneAndRedoneExactly() {
        // f(x) = (W x)² + W x + 0.3‖x‖²: curved along its level sets too, so a carried J never predicts exactly
        DifferentiableMap curved = curved(17, 1, 0.3);
        for (boolean random : new boolean[] {false, true}) {
            for (Algorithm a : new Algorithm[] {Algorithm.SIMEXP, Algorithm.SIMEC}) {
                WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS)
                        .withPolicy(StepPolicy.FIXED, 0.05).withSeed(5).withRandomChoice(random);
                double[] start = new double[N];
                java.util.Arrays.fill(start, 0.3);
                Walker carried = new Walker(curved, s, start, null);
                // no tolerance at all, but chords allowed: a carried SiMEC step tries them and is still refused
                carried.reuseJacobian(new JacobianReuse(0, 0, 0, 2, 50));
                Walker exact = new Walker(curved, s, start, null);
                for (int i = 0; i < 8; i++) {
                    StepOutcome x = carried.step(a, 0, 1);
                    StepOutcome y = exact.step(a, 0, 1);
                    assertEquals(0, Vectors.distance(x.point(), y.point()), 1e-12, a + " step " + i + " (random "
                            + random + "): the same walk as an exact one");
                    assertEquals(i, carried.trustRefusalsInARow(), a + " (random " + random + "): the first step from an exact J is exact");
                }
                assertEquals(7, carried.trustRefusals());
                assertEquals(7, carried.jacobianRefreshes(), "one exact J where each refused step began");
                assertEquals(0, carried.trustedSteps());
            }
        }
    }

    /**
     * A corrected SiMEC step with a carried J lands no farther from its level set than an exact step of its length
     * (the second-order change the first step after the exact J measured): on a map curved along its level sets,
     * the carried walk's outputs stay as close to where it began as the exact walk's, with few exact Jacobians.
     */
    @Test
    void aCarriedSimecWalkStaysOnItsLevelSetAsCloselyAsAnExactOne() {
        DifferentiableMap curved = curved(23, 0.2, 0.3);
        WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS)
                .withPolicy(StepPolicy.FIXED, 0.02).withSeed(5);
        double[] start = new double[N];
        java.util.Arrays.fill(start, 0.2);
        double[] worst = new double[2];
        int[] exactJ = new int[2];
        for (int mode = 0; mode < 2; mode++) {
            Walker w = new Walker(curved, s, start, null);
            if (mode == 1) {
                w.reuseJacobian(JacobianReuse.DEFAULT);
            }
            double[] z0 = w.current().selected().clone();
            for (int i = 0; i < 200; i++) {
                double[] z = w.step(Algorithm.SIMEC, 0, 1).state().selected();
                worst[mode] = Math.max(worst[mode], Vectors.distance(z, z0));
            }
            exactJ[mode] = w.jacobianRefreshes();
        }
        // here: 6.5e-5 against 2.8e-4, with 3 exact Jacobians (at 50, 100 and 150 steps) against 200
        assertTrue(worst[1] <= worst[0], "carried " + worst[1] + " against exact " + worst[0]);
        assertTrue(exactJ[1] < exactJ[0] / 4, "exact Jacobians: " + exactJ[1] + " of " + exactJ[0]);
    }

    /** Leaving reuse for exact steps computes J where the walk stands: no step is taken with the carried one. */
    @Test
    void exactStepsAfterCarriedOnesStartFromAnExactJ() {
        DifferentiableMap curved = curved(29, 0.2, 0.3);
        WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS)
                .withPolicy(StepPolicy.FIXED, 0.02).withSeed(5);
        double[] start = new double[N];
        java.util.Arrays.fill(start, 0.2);
        Walker w = new Walker(curved, s, start, null);
        w.reuseJacobian(JacobianReuse.DEFAULT);
        for (int i = 0; i < 5; i++) {
            w.step(Algorithm.SIMEC, 0, 1);
        }
        assertTrue(!w.current().fresh(), "the walk carries J");
        w.reuseJacobian(null);
        assertTrue(w.current().fresh(), "exact steps from a carried J");
        // and SiMExp after a SiMEC stretch does not use κ measured along null directions: J is computed first
        w.reuseJacobian(JacobianReuse.DEFAULT);
        w.step(Algorithm.SIMEC, 0, 1);
        w.step(Algorithm.SIMEC, 0, 1);
        int before = w.jacobianRefreshes();
        w.step(Algorithm.SIMEXP, 0, 1);
        assertEquals(before + 1, w.jacobianRefreshes(), "another algorithm's step starts from an exact J");
    }

    /** A zero pullback metric makes every direction null: SiMEC refuses to step, as SiMExp does, and says why. */
    @Test
    void aZeroMetricRefusesToWalk() {
        DifferentiableMap flat = linear(new double[3 * N], 3);
        WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS).withSeed(2);
        Walker w = new Walker(flat, s, new double[N], null);
        for (Algorithm a : Algorithm.values()) {
            GeometryException e = org.junit.jupiter.api.Assertions.assertThrows(GeometryException.class,
                    () -> w.step(a, 0, 1));
            assertTrue(e.getMessage().contains("zero") && e.getMessage().contains("does not step"), e.getMessage());
        }
        assertEquals(0, w.steps());
    }

    /** A step that would leave the float32 range a model computes in is refused, and the walk stays where it was. */
    @Test
    void aStepPastTheFloat32RangeIsRefused() {
        NDArray wt = manager.create(withSingularValues(new double[] {2, 1}, 3)).reshape(2, N).transpose()
                .toType(DataType.FLOAT32, false);
        DifferentiableMap f32 = DifferentiableMap.of(x -> x.matMul(wt), N, 2, 2, DataType.FLOAT32, manager, null);
        WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS)
                .withPolicy(StepPolicy.FIXED, 1e39).withSeed(2);
        Walker w = new Walker(f32, s, new double[N], null);
        Linearization before = w.current();
        GeometryException e = org.junit.jupiter.api.Assertions.assertThrows(GeometryException.class,
                () -> w.step(Algorithm.SIMEC, 0, 1));
        assertTrue(e.getMessage().contains("float32 range"), e.getMessage());
        assertTrue(w.current() == before, "the walk stays where it was");
        assertEquals(0, w.steps());
    }

    /**
     * The secant update of a carried J: the corrected J maps the step to the output change it measured (the secant
     * condition), its J Jᵀ is the Gram matrix of the corrected J, and on a curved map a SiMEC walk carrying J with
     * the update keeps its trust test longer than without it. SiMExp, whose J gives its direction, carries J plain.
     */
    @Test
    void theSecantUpdateMatchesTheMeasuredChangeAndKeepsTheTrustLonger() {
        // curved along its level sets too (the ‖x‖² term), so SiMEC's carried J drifts from the true one
        DifferentiableMap curved = curved(19, 0.2, 0.3);
        double[] x0 = new double[N];
        java.util.Arrays.fill(x0, 0.2);
        OutputSpec spec = OutputSpec.choose(OutputMetric.LOGITS, Linearization.evaluate(curved, x0), 3, 3);
        Linearization at = Linearization.at(curved, spec, x0, 1e-9);
        double[] dx = new double[N];
        for (int i = 0; i < N; i++) {
            dx[i] = 0.05 * Math.cos(i);
        }
        double[] x1 = x0.clone();
        for (int i = 0; i < N; i++) {
            x1[i] += dx[i];
        }
        double[] y1 = Linearization.evaluate(curved, x1);
        Linearization carried = at.carriedTo(x1, y1, spec, dx, at.predictedChange(dx));
        double[] change = carried.predictedChange(dx);
        double[] z1 = spec.select(y1); // the metric's outputs, in its order (the top-k by value)
        for (int i = 0; i < 3; i++) {
            assertEquals(z1[i] - at.selected()[i], change[i], 1e-12, "the secant condition J dx = Δz");
        }
        double[] j = carried.jacobian();
        double[] g = Dense.gram(j, 3, N);
        for (int i = 0; i < 9; i++) {
            assertEquals(g[i], carried.gram()[i], 1e-10, "J Jᵀ is the corrected J's");
        }
        // the spectrum is the corrected J's: its eigenvalues are those of J Jᵀ, its eigenvectors A v = √λ u
        assertTrue(!carried.fresh(), "still a carried J");
        Linearization.Eigen e = Linearization.Eigen.symmetric(g, 3);
        double[] ev = carried.spectrum().nonzeroEigenvalues();
        for (int i = 0; i < ev.length; i++) {
            assertEquals(e.values[i], ev[i], 1e-10 * e.values[0], "eigenvalue " + i + " of the corrected J");
            assertEquals(ev[i], carried.rayleigh(carried.spectrum().eigenvector(i)), 1e-9 * ev[0],
                    "the eigendirection's Rayleigh quotient under the corrected J");
        }
        // walks: the same curved map, the same steps, with and without the update
        WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS)
                .withPolicy(StepPolicy.FIXED, 0.02).withSeed(5);
        WalkSettings shorter = s.withPolicy(StepPolicy.FIXED, 0.01);
        int[] plain = extraWork(curved, shorter, x0, Algorithm.SIMEC, false);
        int[] secant = extraWork(curved, shorter, x0, Algorithm.SIMEC, true);
        assertTrue(secant[0] + secant[1] < plain[0] + plain[1], "refusals and chord corrections without the update "
                + java.util.Arrays.toString(plain) + ", with it " + java.util.Arrays.toString(secant));
        int[] simexp = {extraWork(curved, s, x0, Algorithm.SIMEXP, false)[0],
            extraWork(curved, s, x0, Algorithm.SIMEXP, true)[0]};
        assertEquals(simexp[0], simexp[1], "SiMExp carries J plain either way");
    }
}
