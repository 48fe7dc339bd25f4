package org.leafwalk.explore.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.leafwalk.explore.walk.Metric;

/** The preview's outputs as probabilities, per metric, against what the softmax gives in closed form. */
class PreviewTest {
    static double[] softmax(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        double s = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - m);
            s += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= s;
        }
        return p;
    }

    @Test
    void movedLogitsGiveTheSoftmaxOfTheMovedLogitsExactly() {
        double[] z = {2.0, -1.0, 0.5, 3.0, 0.0};
        int[] tracked = {3, 0, 2};
        double[] jv = {-1.5, 0.7, 2.0};
        double t = 0.8;
        double[] moved = z.clone();
        for (int i = 0; i < tracked.length; i++) {
            moved[tracked[i]] += t * jv[i];
        }
        for (Metric m : new Metric[] {Metric.LOGITS, Metric.FISHER}) {
            assertArrayEquals(softmax(moved), Preview.probabilities(m, softmax(z), tracked, jv, t), 1e-12, m.id());
        }
    }

    @Test
    void movedProbabilitiesKeepTheirValuesAndTheRestShareWhatIsLeft() {
        double[] p = {0.5, 0.2, 0.2, 0.1};
        double[] q = Preview.probabilities(Metric.PROBS, p, new int[] {0, 3}, new double[] {-0.1, 0.05}, 2);
        assertEquals(0.3, q[0], 1e-12);
        assertEquals(0.2, q[3], 1e-12);
        assertEquals(0.25, q[1], 1e-12, "the other two share 0.5 in their proportions");
        assertEquals(0.25, q[2], 1e-12);
        double[] over = Preview.probabilities(Metric.PROBS, p, new int[] {0, 3}, new double[] {1, 1}, 1);
        assertEquals(1, over[0] + over[3], 1e-12, "a step past all the mass leaves the others nothing");
    }

    @Test
    void aRepresentationMetricMovesNoClass() {
        double[] p = {0.7, 0.3};
        assertArrayEquals(p, Preview.probabilities(Metric.REPRESENTATION, p, new int[0], new double[] {1, 2, 3}, 1));
    }
}
