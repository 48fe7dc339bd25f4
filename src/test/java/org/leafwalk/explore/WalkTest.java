package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.session.WalkReport;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.ImageSubject;
import org.leafwalk.explore.walk.JacobianMode;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.geometry.Algorithm;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.StepOutcome;
import org.leafwalk.geometry.StepPolicy;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.geometry.Walker;
import org.leafwalk.model.InputSpace;
import org.leafwalk.testing.TinyVit;

/** SiMEC keeps the prediction, SiMExp changes it, and a seed fixes the trajectory. */
class WalkTest {
    @TempDir
    static Path tmp;

    static Path model;

    @BeforeAll
    static void writeModel() {
        model = TinyVit.write(tmp, "walk", TinyVit.small(), 9);
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void correctedSimecKeepsTheClassAndSimexpLeavesIt() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT32)) {
            double[] start = TinyVit.blob(1, 12, 4);
            // δ = 0.02 per step: 300 steps travel ~6 in a 144-pixel image whose diagonal is 12
            WalkSettings s = Settings.DEFAULTS.walkSettings().withPolicy(StepPolicy.FIXED, 0.02).withSeed(1);
            Walker simec = ex.walker(InputSpace.PIXELS, s, start, false);
            Readout r0 = ex.readout(simec.current().output());
            double maxDrift = 0;
            StepOutcome last = null;
            for (int i = 0; i < 300; i++) {
                last = simec.step(Algorithm.SIMEC, 0, 1);
                Readout r = ex.readout(last.state().output());
                assertEquals(r0.prediction(), r.prediction(), "top-1 changed at SiMEC step " + (i + 1));
                maxDrift = Math.max(maxDrift, maxAbsDiff(r0.probabilities(), r.probabilities()));
                assertTrue(ex.bounds(InputSpace.PIXELS, false).contains(last.point()), "pixels left [0,1]");
            }
            assertTrue(maxDrift < 1e-3, "SiMEC moved the probabilities by " + maxDrift);
            assertTrue(last.distance() > 0.5, "SiMEC should travel: distance " + last.distance());

            Walker simexp = ex.walker(InputSpace.PIXELS, s, start, false);
            double moved = 0;
            for (int i = 0; i < 300; i++) {
                StepOutcome o = simexp.step(Algorithm.SIMEXP, 0, 1);
                moved = Math.max(moved, maxAbsDiff(r0.probabilities(), ex.readout(o.state().output()).probabilities()));
            }
            assertTrue(moved > 100 * Math.max(maxDrift, 1e-4),
                    "SiMExp moved probabilities by " + moved + ", SiMEC by " + maxDrift);
        }
    }

    @Test
    void uncorrectedSimecDriftsMoreThanCorrected() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT32)) {
            double[] start = TinyVit.blob(1, 12, 4);
            WalkSettings s = Settings.DEFAULTS.walkSettings().withPolicy(StepPolicy.FIXED, 0.05).withSeed(1);
            double[] drift = new double[2];
            for (int c = 0; c < 2; c++) {
                Walker w = ex.walker(InputSpace.PIXELS, s.withCorrected(c == 0), start, false);
                Readout r0 = ex.readout(w.current().output());
                for (int i = 0; i < 100; i++) {
                    w.step(Algorithm.SIMEC, 0, 1);
                }
                drift[c] = maxAbsDiff(r0.probabilities(), ex.readout(w.current().output()).probabilities());
            }
            assertTrue(drift[0] < drift[1], "corrected " + drift[0] + " vs uncorrected " + drift[1]);
        }
    }

    @Test
    void sameSeedSameTrajectory() {
        List<double[]> a = trajectory(17);
        List<double[]> b = trajectory(17);
        List<double[]> c = trajectory(18);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), 0.0, "step " + i);
        }
        assertTrue(maxAbsDiff(a.get(a.size() - 1), c.get(c.size() - 1)) > 1e-6, "another seed, another walk");
    }

    private static List<double[]> trajectory(long seed) {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT32)) {
            WalkSettings s = Settings.DEFAULTS.walkSettings().withMetric(OutputMetric.FISHER).withPolicy(StepPolicy.FIXED, 0.05)
                    .withSeed(seed).withRandomChoice(true);
            Walker w = ex.walker(InputSpace.EMBEDDINGS, s, ex.model().embeddingsOf(TinyVit.blob(1, 12, 4)), false);
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                pts.add(w.step(i % 3 == 0 ? Algorithm.SIMEXP : Algorithm.SIMEC, 0, 1).point());
            }
            return pts;
        }
    }

    @Test
    void authorsTokenBlockVariantMovesEveryTokenAndKeepsTheClass() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT32)) {
            double[] start = ex.model().embeddingsOf(TinyVit.blob(1, 12, 4));
            WalkSettings s = Settings.DEFAULTS.walkSettings().withPolicy(StepPolicy.FIXED, 0.01).withTokenBlock(-1)
                    .withCorrected(false);
            Walker w = ex.walker(InputSpace.EMBEDDINGS, s, start, true);
            Readout r0 = ex.readout(w.current().output());
            StepOutcome o = null;
            for (int i = 0; i < 20; i++) {
                o = w.step(Algorithm.SIMEC, 0, 1);
            }
            int d = ex.config().hiddenSize();
            int tokensMoved = 0;
            for (int t = 0; t < ex.config().numTokens(); t++) {
                double m = 0;
                for (int j = 0; j < d; j++) {
                    m = Math.max(m, Math.abs(o.point()[t * d + j] - start[t * d + j]));
                }
                if (m > 0) {
                    tokensMoved++;
                }
            }
            assertTrue(tokensMoved >= ex.config().numTokens() - 1, "tokens moved: " + tokensMoved);
            assertEquals(r0.prediction(), ex.readout(o.state().output()).prediction());
        }
    }

    /**
     * Trust-region steps: SiMEC carrying J between linearisations computes few Jacobians, keeps the prediction as
     * closely as exact steps do, and rests on an exact one; a trust test that fails on every step falls back to
     * exact steps, and the walk's report says so.
     */
    @Test
    void carryingTheJacobianKeepsTheClassWithFewLinearisationsAndFallsBackWhenTheTestFails() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT64)) {
            double[] start = TinyVit.blob(1, 12, 4);
            WalkSettings s = Settings.DEFAULTS.walkSettings().withSeed(3);
            double[] drift = new double[2];
            int[] refreshes = new int[2];
            for (int mode = 0; mode < 2; mode++) {
                Walker w = ex.walker(InputSpace.PIXELS, s, start, false);
                if (mode == 1) {
                    w.reuseJacobian(org.leafwalk.geometry.JacobianReuse.DEFAULT);
                }
                double[] p0 = org.leafwalk.geometry.OutputSpec.softmax(w.current().output(), 5);
                int carried = 0;
                for (int i = 0; i < 60; i++) {
                    StepOutcome o = w.step(Algorithm.SIMEC, 0, 1);
                    carried += o.state().fresh() ? 0 : 1;
                    drift[mode] = Math.max(drift[mode], maxAbsDiff(p0,
                            org.leafwalk.geometry.OutputSpec.softmax(o.state().output(), 5)));
                }
                refreshes[mode] = w.jacobianRefreshes();
                assertEquals(60 - carried + w.trustRefusals(), refreshes[mode], "every state not carried was "
                        + "linearised exactly, and every refused step began again on an exact J");
                assertTrue(w.settle().fresh(), "the walk rests on an exact Jacobian");
            }
            assertEquals(60, refreshes[0]);
            assertTrue(refreshes[1] < 30, "carried steps save most linearisations: " + refreshes[1]);
            assertTrue(drift[1] <= 1.5 * drift[0] + 1e-4,
                    "carried SiMEC keeps the probabilities: " + drift[1] + " (exact " + drift[0] + ")");

            Walker never = ex.walker(InputSpace.PIXELS, s, start, false);
            never.reuseJacobian(new org.leafwalk.geometry.JacobianReuse(0, 0, 0, 0, 20));
            Walker exact = ex.walker(InputSpace.PIXELS, s, start, false);
            for (int i = 0; i < 10; i++) {
                double[] a = never.step(Algorithm.SIMEXP, 0, 1).point();
                double[] b = exact.step(Algorithm.SIMEXP, 0, 1).point();
                assertTrue(maxAbsDiff(a, b) < 1e-12, "a refused step is redone as the exact walk's step " + i);
            }
            assertEquals(9, never.jacobianRefreshes());
            assertEquals(9, never.trustRefusals());
        }
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT32);
                Session walk = new Session("tiny", model, ImageSubject.open(ex, tmp.resolve("blob.png"),
                        new org.leafwalk.model.ImageInput("blob", TinyVit.blob(1, 12, 4), 1, 12, List.of()),
                        Settings.DEFAULTS), Settings.DEFAULTS)) {
            assertTrue(!walk.carriesJacobian(), "a tiny model's exact step is cheap: AUTO linearises exactly");
            walk.jacobian(JacobianMode.REUSE);
            assertTrue(walk.carriesJacobian());
            int carried = 0;
            for (int i = 0; i < 20; i++) {
                carried += walk.step(WalkAlgorithm.SIMEC, 0, 1, Double.POSITIVE_INFINITY).entry().carried() ? 1 : 0;
            }
            assertTrue(carried > 0, "the trajectory records the carried steps");
            assertEquals(carried, WalkReport.jacobian(walk, 20, carried).get("carried_steps"));
        }
    }
}
