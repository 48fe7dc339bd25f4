package org.leafwalk.geometry;

/**
 * The step a walker proposes from its linearisation, before the level-set correction and the trust test: a direction
 * of the pullback metric (a tracked or random null direction for SiMEC, an eigendirection for SiMExp; or the
 * authors' per-token blocks), kept from crossing the bounds, times the step length the step rule gives.
 */
final class TangentSteps {
    private final WalkSettings settings;
    private final Bounds bounds;
    private final WalkRandom rng;
    private final DirectionTracker tracker;
    private final OutputSpec spec;

    TangentSteps(WalkSettings settings, Bounds bounds, WalkRandom rng, DirectionTracker tracker, OutputSpec spec) {
        this.settings = settings;
        this.bounds = bounds;
        this.rng = rng;
        this.tracker = tracker;
        this.spec = spec;
    }

    /**
     * A proposed step: its direction's label, its length δ, the point it reaches and how many coordinates the
     * bounds held.
     */
    record Proposal(String label, double delta, double[] point, int blocked) {}

    /**
     * The step along one tracked direction (or a random one): {@code direction} ≥ 0 picks the null direction for
     * SiMEC, the eigendirection for SiMExp; with bounds, a direction the bounds would cut is bent so they do not.
     */
    Proposal global(Linearization current, Algorithm algorithm, int direction, double sign, double maxDelta) {
        Spectrum s = current.spectrum();
        double[] x = current.point();
        int n = x.length;
        double[] v;
        String label;
        if (s.rank() == 0) {
            // a zero metric makes every direction null: SiMEC would keep nothing and walk anywhere
            throw new GeometryException("the pullback metric G is zero here: no direction changes the outputs the "
                    + "metric measures (" + spec.metric().name().toLowerCase(java.util.Locale.ROOT) + "), so there is no "
                    + "class to keep or leave; the walk does not step (with the Fisher metric this happens once one "
                    + "class holds all the probability; with zero-shot labels, when the labels' prompts are the same)");
        }
        if (algorithm == Algorithm.SIMEC) {
            if (settings.randomChoice()) {
                v = Vectors.gaussian(n, rng);
                Vectors.projectOut(v, s.eigenvectors(), s.rank());
                Vectors.normalize(v);
                label = "null:random";
            } else {
                if (direction >= tracker.nullCount()) {
                    throw new GeometryException("null direction " + direction + " of " + tracker.nullCount());
                }
                v = tracker.nullDirection(direction).clone();
                label = "null:" + direction;
            }
        } else {
            if (settings.randomChoice()) {
                int j = rng.nextInt(s.rank());
                v = s.eigenvector(j);
                label = "eigen:" + j;
            } else {
                if (direction >= tracker.eigendirectionCount()) {
                    throw new GeometryException("eigendirection " + direction + " of " + tracker.eigendirectionCount());
                }
                double[] t = tracker.eigendirection(direction);
                if (t == null) {
                    // its direction left the spectrum (the rank dropped, as with the Fisher metric once one class
                    // dominates): the tracked directions start again in eigenvalue order rather than stop the walk
                    tracker.resortEigendirections(s);
                    t = direction < tracker.eigendirectionCount() ? tracker.eigendirection(direction) : null;
                }
                if (t == null) {
                    throw new GeometryException("eigendirection " + direction + " left the spectrum (rank dropped to "
                            + s.rank() + ")");
                }
                v = t.clone();
                label = "eigen:" + direction;
            }
        }
        int blocked = 0;
        if (bounds != null && algorithm == Algorithm.SIMEC) {
            blocked = holdAtBounds(current, x, v, sign, maxDelta);
        } else if (bounds != null) {
            for (int pass = 0; pass < 3; pass++) {
                int b = bounds.blockOutward(x, v, sign);
                blocked = Math.max(blocked, b);
                if (b == 0) {
                    break;
                }
            }
        }
        if (!Vectors.normalize(v)) {
            throw new GeometryException("this direction only moves coordinates held at their bounds");
        }
        double delta = Math.min(maxDelta, settings.policy().delta(settings.eta(), s, current.rayleigh(v)));
        double[] xn = x.clone();
        for (int i = 0; i < n; i++) {
            xn[i] += sign * delta * v[i];
        }
        return new Proposal(label, delta, xn, blocked);
    }

    /**
     * Makes a SiMEC direction one that the bounds let the step take whole: the coordinates the step would push past
     * a bound (those on a bound pushed outward among them) are held, and the direction is projected onto the null
     * space of G with those coordinates fixed (A v = 0 over the others), exactly, so that clamping cuts nothing
     * and the step changes the metric's outputs only to second order. (Zeroing them and projecting out the
     * spectrum's eigendirections brings outward components back, which the clamp then cut: a first-order leak off
     * the level set, 2e-3 in the logits per step on the shipped model, 400 times its second-order drift.) Returns
     * how many coordinates are held; leaves {@code v} normalised (or zero when no direction is left).
     */
    private int holdAtBounds(Linearization current, double[] x, double[] v, double sign, double maxDelta) {
        Spectrum s = current.spectrum();
        boolean[] held = new boolean[x.length];
        int count = 0;
        for (int pass = 0; pass < 64; pass++) {
            if (!Vectors.normalize(v)) {
                return count;
            }
            double delta = Math.min(maxDelta, settings.policy().delta(settings.eta(), s, current.rayleigh(v)));
            int more = bounds.holdCrossing(x, v, sign * delta, held);
            if (more == 0) {
                return count;
            }
            count += more;
            double[] c = current.nullOnFree(v, held);
            System.arraycopy(c, 0, v, 0, v.length);
        }
        return count;
    }

    /** The authors' variant: one d×d block per token, every token moved along its own eigendirection. */
    Proposal blocks(Linearization current, Algorithm algorithm, double sign, double maxDelta) {
        int d = settings.tokenBlock();
        double[] x = current.point();
        int n = x.length;
        if (n % d != 0) {
            throw new IllegalArgumentException("token blocks of " + d + " do not divide the input dimension " + n);
        }
        int tokens = n / d;
        double[] a = current.weightedJacobian();
        int rows = current.weightedRows();
        double[] xn = x.clone();
        double deltaSum = 0;
        int moved = 0;
        double[] at = new double[rows * d];
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(a, r * n + t * d, at, r * d, d);
            }
            // τ is absolute within a block, as in the authors' code: |λ| < τ counts as zero
            Spectrum bs = Factor.spectrum(at, rows, d, Linearization.gram(at, rows, d), settings.tau(), true);
            int rank = bs.rank();
            double[] vecs = bs.eigenvectors();
            double[] v;
            if (algorithm == Algorithm.SIMEC) {
                v = Vectors.gaussian(d, rng);
                Vectors.projectOut(v, vecs, rank);
                if (!Vectors.normalize(v)) {
                    continue;
                }
            } else {
                if (rank == 0) {
                    continue;
                }
                v = bs.eigenvector(settings.randomChoice() ? rng.nextInt(rank) : 0);
            }
            double delta = Math.min(maxDelta,
                    settings.policy().delta(settings.eta(), bs, bs.rank() == 0 ? 0 : Factor.rayleigh(at, rows, v)));
            for (int j = 0; j < d; j++) {
                xn[t * d + j] += sign * delta * v[j];
            }
            deltaSum += delta;
            moved++;
        }
        String label = "blocks:" + (algorithm == Algorithm.SIMEC ? "null" : settings.randomChoice() ? "random" : "top");
        return new Proposal(label, moved == 0 ? 0 : deltaSum / moved, xn, 0);
    }
}
