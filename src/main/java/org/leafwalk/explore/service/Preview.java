package org.leafwalk.explore.service;

import org.leafwalk.explore.subject.InputView;
import org.leafwalk.explore.walk.Metric;

/**
 * The first-order preview a display shows while a slider is dragged ahead of the computed walk: from the last
 * computed state, the input at x + t·v and the outputs y + t·Jv, with v the dragged direction, Jv known from the last
 * linearisation, and t the way still ahead (the drag's target less the distance the state has walked). Pure
 * arithmetic on a {@link Snapshot}'s numbers, for the display's thread: a few multiply-adds per input number.
 *
 * <p>The outputs become probabilities as the metric says: moved logits (the logits and Fisher metrics) shift their
 * classes' probabilities through the softmax, the others keeping their logits; moved probabilities (the probability
 * metric) are taken as they are and the rest share what is left in their proportions; a representation metric moves
 * no class, so the probabilities stay as computed.
 */
public final class Preview {
    private Preview() {}

    /**
     * The preview of drag {@code dragId} of slider ({@code kind}, {@code index}) at {@code target}, from state
     * {@code s}; null when there is nothing to preview (no way ahead, or the state lacks the direction's J·v).
     */
    public static Snapshot of(Snapshot s, SliderKind kind, int index, long dragId, double target) {
        if (s == null || s.preview()) {
            return null;
        }
        double ahead = target - (s.walk().dragId() == dragId ? s.walk().dragWalked() : 0);
        if (!(Math.abs(ahead) > 1e-12)) {
            return null;
        }
        Snapshot.Directions d = s.directions();
        double[][] pictures = kind == SliderKind.EIGEN ? d.eigenPictures() : d.nullPictures();
        double[][] changes = kind == SliderKind.EIGEN ? d.eigenChanges() : d.nullChanges();
        if (index < 0 || index >= pictures.length || changes[index] == null) {
            return null;
        }
        Snapshot.Input in = s.input();
        InputView view = in.view();
        if (view instanceof InputView.Image im && pictures[index] != null
                && pictures[index].length == im.pixels().length) {
            double[] v = pictures[index];
            double[] p = new double[v.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = Math.max(0, Math.min(1, im.pixels()[i] + ahead * v[i]));
            }
            view = new InputView.Image(p, im.channels(), im.size(), im.patchResidual(), im.relativeResidual());
        }
        Snapshot.Outputs out = s.outputs();
        double[] probabilities = probabilities(s.source().metric(), out.probabilities(), out.tracked(), changes[index],
                ahead);
        int prediction = out.hasClasses() ? argmax(probabilities) : out.prediction();
        return new Snapshot(s.version(), s.source(), new Snapshot.Input(in.dimension(), view, in.start()),
                new Snapshot.Outputs(out.labels(), probabilities, out.startProbabilities(), prediction,
                        out.startPrediction(), out.tracked()),
                s.spectrum(), d, s.walk(), s.timing(), s.settings(), s.busy(), true);
    }

    /**
     * The probabilities after the metric's outputs moved by {@code t·jv} (one entry per tracked class, in that
     * order), as the class documentation says.
     */
    static double[] probabilities(Metric metric, double[] p, int[] tracked, double[] jv, double t) {
        double[] q = p.clone();
        if (tracked.length == 0 || jv.length < tracked.length || metric == Metric.REPRESENTATION) {
            return q;
        }
        if (metric == Metric.PROBS) {
            double before = 0;
            double after = 0;
            for (int i = 0; i < tracked.length; i++) {
                int c = tracked[i];
                before += p[c];
                q[c] = Math.max(0, Math.min(1, p[c] + t * jv[i]));
                after += q[c];
            }
            if (after > 1) { // more than all: the moved classes share it, the others get nothing
                for (int c = 0; c < q.length; c++) {
                    q[c] = isTracked(tracked, c) ? q[c] / after : 0;
                }
                return q;
            }
            double rest = 1 - before;
            double scale = rest > 0 ? (1 - after) / rest : 0;
            for (int c = 0; c < q.length; c++) {
                if (!isTracked(tracked, c)) {
                    q[c] = p[c] * scale;
                }
            }
            return q;
        }
        // logits (and Fisher's, whose outputs are logits): p_c ∝ p_c · exp(t · Jv_c) for the moved classes
        double[] shift = new double[tracked.length];
        double top = 0;
        for (int i = 0; i < tracked.length; i++) {
            shift[i] = t * jv[i];
            top = Math.max(top, shift[i]);
        }
        double sum = 0;
        for (int c = 0; c < q.length; c++) {
            q[c] = p[c] * Math.exp(-top);
        }
        for (int i = 0; i < tracked.length; i++) {
            q[tracked[i]] = p[tracked[i]] * Math.exp(shift[i] - top);
        }
        for (double v : q) {
            sum += v;
        }
        if (!(sum > 0) || !Double.isFinite(sum)) {
            return p.clone();
        }
        for (int c = 0; c < q.length; c++) {
            q[c] /= sum;
        }
        return q;
    }

    private static boolean isTracked(int[] tracked, int c) {
        for (int t : tracked) {
            if (t == c) {
                return true;
            }
        }
        return false;
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
