package org.leafwalk.geometry;

import java.util.Arrays;

/**
 * Walks in input space to a target representation, or keeps a representation while the input is pulled toward
 * another one, with the Jacobian recomputed at every step.
 * <ul>
 *   <li>{@link #toRepresentation}: minimises ½‖z(x) − z*‖² by Levenberg–Marquardt (Gauss-Newton damped by μ,
 *       solved through the k×k Gram matrix J Jᵀ: dx = −Jᵀ (J Jᵀ + μI)⁻¹ e) with a backtracking line search, inside
 *       the bounds (coordinates held on a bound drop out of J for the step).
 *   <li>{@link #keepingRepresentation}: a corrected SiMEC walk in the representation metric whose direction is the
 *       pull toward a target input, projected onto the null space of J; each step also retracts the representation
 *       back to its start value (x ← x − J⁺ (z(x) − z₀)).
 * </ul>
 */
public final class RepresentationMatch {
    /** One step's result: where it is and how far the representation (and, pulling, the input) still is. */
    public record Progress(int step, Linearization state, double distance, double initialDistance,
            double inputDistance, boolean done, String reason) {}

    private final DifferentiableMap f;
    private final OutputSpec spec;
    private final Bounds bounds;
    private final double tau;
    private final double[] targetRepresentation; // z* (match) or z₀ (keep)
    private final double[] lookLike; // keep mode: the input pulled toward; null when matching
    private final double stepSize;
    private Linearization current;
    private double mu = -1;
    private int steps;
    private final double initialDistance;
    private double lastInputDistance = Double.POSITIVE_INFINITY;

    private RepresentationMatch(DifferentiableMap f, double[] start, double[] targetRepresentation, double[] lookLike,
            Bounds bounds, double stepSize, double tau) {
        this.f = f;
        this.bounds = bounds;
        this.tau = tau;
        this.lookLike = lookLike;
        this.stepSize = stepSize;
        double[] out = Linearization.evaluate(f, start);
        this.spec = OutputSpec.choose(OutputMetric.REPRESENTATION, out, f.logitCount(), 0);
        double[] x = start.clone();
        if (bounds != null) {
            bounds.clamp(x);
        }
        this.current = Linearization.at(f, spec, x, tau);
        this.targetRepresentation = targetRepresentation != null ? targetRepresentation.clone()
                : current.selected().clone();
        if (this.targetRepresentation.length != spec.size()) {
            throw new IllegalArgumentException("the target representation has " + this.targetRepresentation.length
                    + " values, the model's has " + spec.size());
        }
        this.initialDistance = distance(current.selected());
    }

    /** Walks from {@code start} until its representation is that of {@code target} (an input of the same map). */
    public static RepresentationMatch toRepresentation(DifferentiableMap f, double[] start, double[] target,
            Bounds bounds) {
        double[] out = Linearization.evaluate(f, target);
        OutputSpec s = OutputSpec.choose(OutputMetric.REPRESENTATION, out, f.logitCount(), 0);
        return new RepresentationMatch(f, start, s.select(out), null, bounds, 0, 1e-6);
    }

    /**
     * Keeps {@code start}'s representation while pulling the input toward {@code lookLike}, at most
     * {@code stepSize} per step.
     */
    public static RepresentationMatch keepingRepresentation(DifferentiableMap f, double[] start, double[] lookLike,
            Bounds bounds, double stepSize) {
        if (lookLike.length != start.length) {
            throw new IllegalArgumentException("the input to look like has " + lookLike.length + " values, not "
                    + start.length);
        }
        return new RepresentationMatch(f, start, null, lookLike.clone(), bounds, stepSize, 1e-6);
    }

    public Linearization current() {
        return current;
    }

    public double[] targetRepresentation() {
        return targetRepresentation.clone();
    }

    public int steps() {
        return steps;
    }

    public double initialDistance() {
        return initialDistance;
    }

    /** ‖z − z*‖ of a representation. */
    public double distance(double[] z) {
        return Vectors.distance(z, targetRepresentation);
    }

    /** One step; {@code tolerance}: stop when the representation distance is below it (matching). */
    public Progress step(double tolerance) {
        return lookLike == null ? matchStep(tolerance) : keepStep();
    }

    private Progress matchStep(double tolerance) {
        double before = distance(current.selected());
        if (before <= tolerance) {
            return progress(before, true, "reached the tolerance");
        }
        if (!lmIteration()) {
            return progress(before, true, "no step lowers the distance any more (a local minimum or the bounds)");
        }
        steps++;
        double now = distance(current.selected());
        return progress(now, now <= tolerance, now <= tolerance ? "reached the tolerance" : "");
    }

    /** One accepted Levenberg–Marquardt step toward the target representation; false when none lowers it. */
    private boolean lmIteration() {
        double[] z = current.selected();
        double[] e = new double[z.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = z[i] - targetRepresentation[i];
        }
        double dist = Vectors.norm(e);
        double[] x = current.point();
        int n = x.length;
        int k = e.length;
        MinimumNorm solver = MinimumNorm.of(current.jacobian(), k, n, Linearization.gram(current.jacobian(), k, n));
        // coordinates on a bound that the barely damped step would push further out are held for this step
        if (bounds != null) {
            double[] trial = negated(solver.solve(e, 1e-9 * Math.max(solver.largest(), 1e-300)));
            double[] dir = trial.clone();
            if (bounds.blockOutward(x, dir, 1) > 0) {
                boolean[] held = new boolean[n];
                for (int i = 0; i < n; i++) {
                    held[i] = dir[i] == 0 && trial[i] != 0;
                }
                solver = MinimumNorm.holding(current.jacobian(), k, n, held);
            }
        }
        if (mu < 0) {
            mu = 1e-3 * Math.max(solver.largest(), 1e-12);
        }
        for (int attempt = 0; attempt < 12; attempt++) {
            double[] dx = negated(solver.solve(e, mu));
            for (double alpha = 1; alpha >= 1.0 / 16; alpha /= 2) {
                double[] xn = x.clone();
                for (int i = 0; i < n; i++) {
                    xn[i] += alpha * dx[i];
                }
                if (bounds != null) {
                    bounds.clamp(xn);
                }
                double[] zn = spec.select(Linearization.evaluate(f, xn));
                double dn = distance(zn);
                if (Double.isFinite(dn) && dn < dist * (1 - 1e-4 * alpha)) {
                    current = Linearization.at(f, spec, xn, tau);
                    mu = Math.max(mu / 3, 1e-12 * Math.max(solver.largest(), 1e-300));
                    return true;
                }
            }
            mu *= 8;
        }
        return false;
    }

    private static double[] negated(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
        return v;
    }

    private Progress keepStep() {
        double[] x = current.point();
        int n = x.length;
        int k = spec.size();
        double[] jac = current.jacobian();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lookLike[i] - x[i];
        }
        double gap = Vectors.norm(v);
        if (gap < 1e-9) {
            return progress(distance(current.selected()), true, "reached the input");
        }
        for (int pass = 0; pass < 3; pass++) {
            // v ← v − J⁺ J v: the part of the pull the representation does not feel
            double[] jv = new double[k];
            for (int r = 0; r < k; r++) {
                jv[r] = Vectors.dotRow(jac, r, v);
            }
            double[] back = current.solveMinimumNorm(jv);
            for (int i = 0; i < n; i++) {
                v[i] -= back[i];
            }
            if (bounds == null || bounds.blockOutward(x, v, 1) == 0) {
                break;
            }
        }
        double len = Vectors.norm(v);
        if (len < 1e-12) {
            return progress(distance(current.selected()), true, "the pull has no part the representation ignores");
        }
        double delta = Math.min(stepSize, len);
        double[] xn = x.clone();
        for (int i = 0; i < n; i++) {
            xn[i] += delta * v[i] / len;
        }
        if (bounds != null) {
            bounds.clamp(xn);
        }
        if (!Vectors.allFinite(xn)) {
            throw new GeometryException("the step produced NaN or Inf; step refused");
        }
        current = Linearization.at(f, spec, xn, tau);
        // back onto the level set: damped Gauss-Newton steps until the drift is below 1e-4 of the representation
        double keep = 1e-4 * Math.max(Vectors.norm(targetRepresentation), 1e-12);
        for (int c = 0; c < 4 && distance(current.selected()) > keep; c++) {
            if (!lmIteration()) {
                break;
            }
        }
        steps++;
        double inputGap = Vectors.distance(current.point(), lookLike);
        boolean stalled = inputGap > lastInputDistance - 1e-6 * Math.max(1, lastInputDistance);
        lastInputDistance = inputGap;
        return progress(distance(current.selected()), stalled, stalled ? "the input stopped approaching the target"
                : "");
    }

    private Progress progress(double dist, boolean done, String reason) {
        double inputDistance = lookLike == null ? 0 : Vectors.distance(current.point(), lookLike);
        return new Progress(steps, current, dist, initialDistance, inputDistance, done, reason);
    }

    @Override
    public String toString() {
        return "RepresentationMatch[" + (lookLike == null ? "match" : "keep") + ", steps " + steps + ", distance "
                + distance(current.selected()) + " of " + initialDistance + ", μ " + mu + ", " + Arrays.toString(
                        new int[] {spec.size()}) + "]";
    }
}
