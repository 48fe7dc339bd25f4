package org.leafwalk.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leafwalk.explore.walk.Settings;

/**
 * A long Jacobian reports its stages (forward pass, rows done of k, spectrum) and stops at the next one when asked;
 * the walk then keeps its last computed state and goes on. The map is linear with an image-sized input (n = 300,000,
 * three outputs), so its pullback goes one row at a time, as a ViT-Base's does.
 */
class ComputationTest {
    static final int N = 300_000;
    static final int K = 3;
    static NDManager manager;
    static NDArray w;
    static double[] a; // W, K × N, row-major: the expectations are computed from it here, not by the code under test

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Random rng = new Random(5);
        a = new double[K * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian() / Math.sqrt(N);
        }
        w = manager.create(a).reshape(K, N);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** f(x) = W x with its pullback cᵀW; {@code duringPullback} runs inside every pullback piece. */
    static DifferentiableMap map(Runnable duringPullback) {
        NDArray wt = w.transpose();
        return DifferentiableMap.of(x -> x.matMul(wt), N, K, K, DataType.FLOAT64, manager, x1 -> new DifferentiableMap.Vjp() {
            @Override
            public NDArray output() {
                return x1.matMul(wt);
            }

            @Override
            public NDArray pullback(NDArray c) {
                duringPullback.run();
                return c.matMul(w);
            }
        });
    }

    @Test
    void aLongJacobianReportsItsRowsAndStopsBetweenThemWhenAsked() throws Exception {
        Computation c = new Computation();
        List<String> seen = new ArrayList<>();
        AtomicInteger pieces = new AtomicInteger();
        double[] x = new double[N];
        java.util.Arrays.fill(x, 0.5);
        Thread t = new Thread(() -> {
            c.install();
            c.begin();
            DifferentiableMap f = map(() -> {
                pieces.incrementAndGet();
                Computation.Stage s = c.stage();
                seen.add(s.what() + " " + s.done() + "/" + s.total());
            });
            OutputSpec spec = OutputSpec.choose(OutputMetric.LOGITS, new double[K], K, K);
            Linearization whole = Linearization.at(f, spec, x, 1e-3);
            assertEquals(K, whole.spectrum().rank());
            // G's non-zero spectrum is that of W Wᵀ (3 × 3): its trace, principal minors and determinant
            double[] g = gram();
            double[] ev = whole.spectrum().nonzeroEigenvalues();
            assertEquals(K, ev.length);
            double e1 = ev[0] + ev[1] + ev[2];
            double e2 = ev[0] * ev[1] + ev[0] * ev[2] + ev[1] * ev[2];
            double e3 = ev[0] * ev[1] * ev[2];
            double trace = g[0] + g[4] + g[8];
            double minors = g[0] * g[4] - g[1] * g[3] + g[0] * g[8] - g[2] * g[6] + g[4] * g[8] - g[5] * g[7];
            double det = g[0] * (g[4] * g[8] - g[5] * g[7]) - g[1] * (g[3] * g[8] - g[5] * g[6])
                    + g[2] * (g[3] * g[7] - g[4] * g[6]);
            assertEquals(trace, e1, 1e-9 * trace, "the eigenvalues of W Wᵀ: their sum");
            assertEquals(minors, e2, 1e-9 * minors, "their pairwise products");
            assertEquals(det, e3, 1e-9 * det, "their product");
            assertEquals(List.of("Jacobian rows 0/3", "Jacobian rows 1/3", "Jacobian rows 2/3"), seen,
                    "the rows were pulled back one at a time, each reported before it ran");
            assertEquals("spectrum", c.stage().what(), "the last stage is the spectrum");

            // asked to stop while the first row is pulled back: the next report stops it
            java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicInteger stepPieces = new AtomicInteger();
            Walker walker = new Walker(map(() -> {
                stepPieces.incrementAndGet();
                if (armed.getAndSet(false)) {
                    c.cancel();
                }
            }), Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.LOGITS).withPolicy(StepPolicy.FIXED, 0.05)
                    .withSeed(3), x, Bounds.box(N, 0, 1), spec);
            Linearization before = walker.current();
            c.begin();
            stepPieces.set(0);
            armed.set(true);
            assertThrows(Computation.Cancelled.class, () -> walker.step(Algorithm.SIMEXP, 0, 1));
            assertEquals(1, stepPieces.get(), "it stopped before the second row, not after the Jacobian");
            Computation.Stage stopped = c.stage();
            assertEquals("Jacobian rows 0/3", stopped.what() + " " + stopped.done() + "/" + stopped.total(),
                    "the stage shown is the one it stopped in, the last reported before the stop");
            assertTrue(walker.current() == before, "the walk keeps its last computed state");
            assertArrayEquals(x, walker.current().point(), 0, "at the point it was at");
            assertArrayEquals(times(x), java.util.Arrays.copyOf(walker.current().output(), K), 1e-12,
                    "with the outputs W x there");
            c.end();
            c.begin();
            StepOutcome o = walker.step(Algorithm.SIMEXP, 0, 1);
            assertEquals(1, o.step(), "and goes on: the next step is its first");
            assertTrue(o.state().fresh());
            // from that point: a step of the fixed length 0.05 along the top eigendirection, whose outputs are W x'
            double[] x1 = o.state().point();
            double[] dx = new double[N];
            double len = 0;
            for (int i = 0; i < N; i++) {
                dx[i] = x1[i] - x[i];
                len += dx[i] * dx[i];
            }
            assertEquals(0.05, Math.sqrt(len), 1e-9, "the step's length");
            double[] wdx = times(dx);
            double moved = wdx[0] * wdx[0] + wdx[1] * wdx[1] + wdx[2] * wdx[2];
            assertEquals(ev[0] * len, moved, 1e-6 * moved, "along the top eigendirection: |W dx|² = λmax |dx|²");
            assertArrayEquals(times(x1), java.util.Arrays.copyOf(o.state().output(), K), 1e-12,
                    "the outputs at the new point are W x'");
            c.end();
            assertEquals(null, c.stage(), "nothing is reported once the work ended");
        });
        Throwable[] failure = new Throwable[1];
        t.setUncaughtExceptionHandler((th, e) -> failure[0] = e);
        t.start();
        t.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        assertEquals(K, pieces.get(), "the Jacobian's three rows were pulled back, each once");
    }

    /** W v. */
    static double[] times(double[] v) {
        double[] y = new double[K];
        for (int r = 0; r < K; r++) {
            double sum = 0;
            for (int i = 0; i < N; i++) {
                sum += a[r * N + i] * v[i];
            }
            y[r] = sum;
        }
        return y;
    }

    /** W Wᵀ, 3 × 3 row-major. */
    static double[] gram() {
        double[] g = new double[K * K];
        for (int r = 0; r < K; r++) {
            for (int q = 0; q < K; q++) {
                double sum = 0;
                for (int i = 0; i < N; i++) {
                    sum += a[r * N + i] * a[q * N + i];
                }
                g[r * K + q] = sum;
            }
        }
        return g;
    }

    @Test
    void aStopAskedWhileNothingRunsIsForgottenAndReportsCostNothingElsewhere() {
        Computation c = new Computation();
        c.cancel(); // nothing under way: ignored
        c.install();
        try {
            c.begin();
            Computation.report("forward pass");
            assertEquals("forward pass", c.stage().what());
            assertEquals(-1, c.stage().fraction());
            Computation.report("Jacobian rows", 1, 4);
            assertEquals(0.25, c.stage().fraction(), 1e-12);
            c.end();
        } finally {
            new Computation().install(); // leave this thread a computation nobody cancels
        }
    }
}
