package org.leafwalk.geometry;

/**
 * Walks input space along eigendirections of the pullback metric: SiMEC along null directions (stay in the
 * equivalence class, optionally retracted back onto the level set), SiMExp along non-null ones (leave it).
 * Not thread-safe: one compute thread owns a walker.
 */
public final class Walker {
    private final DifferentiableMap f;
    private final WalkSettings settings;
    private final Bounds bounds;
    private final WalkRandom rng;
    private final OutputSpec spec;
    private final double[] start;
    private final DirectionTracker tracker;
    private Linearization current;
    private double[] anchor;
    private Algorithm last;
    private int steps;
    private double maxDelta = Double.POSITIVE_INFINITY;
    private JacobianReuse reuse; // null: every step linearises exactly
    private int carried; // steps since J was last computed
    private int refreshes; // exact linearisations after the start
    private int refusedTrust; // carried steps the trust test refused
    private int refusedInARow; // ... since the last step it accepted
    private int trusted; // carried steps the trust test accepted
    private int chordCorrections; // forward passes spent bringing carried SiMEC steps back onto the level set
    private double kappa = Double.NaN; // ‖e‖/‖Δ‖² of the first step after the last exact J (its second-order error)
    private Algorithm kappaAlgorithm; // the algorithm of that step

    public Walker(DifferentiableMap f, WalkSettings settings, double[] start, Bounds bounds) {
        this(f, settings, start, bounds, null);
    }

    /** @param spec the output coordinates to keep (null: chosen at the start point) */
    public Walker(DifferentiableMap f, WalkSettings settings, double[] start, Bounds bounds, OutputSpec spec) {
        settings.validate();
        this.f = f;
        this.settings = settings;
        this.bounds = bounds;
        this.rng = new WalkRandom(settings.seed());
        double[] x0 = start.clone();
        if (bounds != null) {
            bounds.clamp(x0);
        }
        this.start = x0;
        this.spec = spec != null ? spec
                : OutputSpec.choose(settings.metric(), Linearization.evaluate(f, x0), f.logitCount(), settings.topK());
        this.current = Linearization.at(f, this.spec, x0, settings.tau());
        this.tracker = new DirectionTracker(x0.length, settings.nullDirections(), rng);
        tracker.update(current.spectrum());
        this.anchor = current.selected();
    }

    /** The same walk going on from where {@code from} stands, with its new step rule, η, τ or correction. */
    private Walker(Walker from, WalkSettings next) {
        next.validate();
        WalkSettings had = from.settings;
        if (next.metric() != had.metric() || next.topK() != had.topK() || next.seed() != had.seed()
                || next.nullDirections() != had.nullDirections() || next.randomChoice() != had.randomChoice()
                || (next.tokenBlock() == 0) != (had.tokenBlock() == 0)) {
            throw new IllegalArgumentException("only the step rule, η, τ and the correction change a walk in place");
        }
        this.f = from.f;
        this.settings = next.withTokenBlock(had.tokenBlock());
        this.bounds = from.bounds;
        this.rng = from.rng;
        this.spec = from.spec;
        this.start = from.start;
        this.tracker = from.tracker;
        this.current = next.tau() == had.tau() ? from.current : from.current.withTau(next.tau());
        if (current != from.current) {
            tracker.update(current.spectrum());
        }
        this.anchor = from.anchor;
        // switching the correction on in an uncorrected stretch starts a new stretch where the walk stands (else the
        // next step would pull back everything the uncorrected steps drifted)
        this.last = next.corrected() && !had.corrected() ? null : from.last;
        this.steps = from.steps;
        this.reuse = from.reuse;
        this.carried = from.carried;
        this.refreshes = from.refreshes;
        this.refusedTrust = from.refusedTrust;
        this.refusedInARow = from.refusedInARow;
        this.trusted = from.trusted;
        this.chordCorrections = from.chordCorrections;
        this.kappa = from.kappa;
        this.kappaAlgorithm = from.kappaAlgorithm;
    }

    /**
     * This walk with a new step rule, η, τ or correction, going on from where it stands: its point, its tracked
     * directions, its random stream and the SiMEC stretch it is in (whose outputs the stretch keeps) stay; a new τ
     * re-reads the spectrum of the same J. This walker is not to be stepped again.
     */
    public Walker continueWith(WalkSettings next) {
        return new Walker(this, next);
    }

    public Linearization current() {
        return current;
    }

    public double[] start() {
        return start.clone();
    }

    public OutputSpec spec() {
        return spec;
    }

    public WalkSettings settings() {
        return settings;
    }

    public DirectionTracker tracker() {
        return tracker;
    }

    public int steps() {
        return steps;
    }

    /** Trust-region steps that carry J between linearisations (null: exact steps, the default). */
    public void reuseJacobian(JacobianReuse policy) {
        this.reuse = policy;
        if (policy == null && !current.fresh()) {
            refresh(); // exact steps from here: none is taken with the J carried so far
        }
    }

    public JacobianReuse jacobianReuse() {
        return reuse;
    }

    /** Exact linearisations since the start (every step's in exact mode). */
    public int jacobianRefreshes() {
        return refreshes;
    }

    /** Carried steps whose trust test failed, so that J was computed where they started and they were redone. */
    public int trustRefusals() {
        return refusedTrust;
    }

    /**
     * Chord corrections of carried SiMEC steps: each a retraction with the carried J and one forward pass, taken
     * when a step landed farther from its level set than an exact step would have.
     */
    public int chordCorrections() {
        return chordCorrections;
    }

    /** Steps taken with a carried J that the trust test accepted. */
    public int trustedSteps() {
        return trusted;
    }

    /**
     * How many carried steps in a row the trust test refused (each was then redone with an exact J): a walk whose
     * output never follows J closely enough takes exact steps only, and its display should say so.
     */
    public int trustRefusalsInARow() {
        return refusedInARow;
    }

    /** The corrected SiMEC walk keeps the selected outputs at their value here from now on. */
    public void anchorHere() {
        anchor = current.selected();
    }

    /**
     * One step. {@code direction} picks the tracked direction (the null direction for SiMEC, the eigendirection for
     * SiMExp; negative: the first); {@code sign} is +1 or −1 (walking back along it). On any failure the walker
     * stays where it was.
     */
    public StepOutcome step(Algorithm algorithm, int direction, double sign) {
        return step(algorithm, direction, sign, Double.POSITIVE_INFINITY);
    }

    /** As {@link #step(Algorithm, int, double)}, with the step length capped at {@code maxDelta}. */
    public StepOutcome step(Algorithm algorithm, int direction, double sign, double maxDelta) {
        // a SiMEC stretch keeps the outputs of the point where it began: after other steps, and after the walk was
        // moved (undo, scrubbing, a reopened session), that is the point it stands on now
        if (algorithm == Algorithm.SIMEC && last != Algorithm.SIMEC) {
            anchorHere();
        }
        this.maxDelta = maxDelta;
        if (reuse != null && !current.fresh() && (carried >= reuse.maxSteps() || kappaAlgorithm != algorithm)) {
            // J carried as far as it may be, or its κ measured along the other algorithm's direction: this step
            // starts from an exact J, and measures κ for what follows
            refresh();
        }
        // a step the trust test refuses is undone and taken again with J computed where it starts, with the same
        // random draws (the random stream is put back to where it was before the refused step)
        WalkRandom.State draws = current.fresh() || reuse == null ? null : rng.state();
        StepOutcome out;
        try {
            out = move(algorithm, direction, sign);
        } catch (Distrusted d) {
            rng.restore(draws);
            refresh();
            out = move(algorithm, direction, sign);
        }
        last = algorithm;
        return out;
    }

    private StepOutcome move(Algorithm algorithm, int direction, double sign) {
        return settings.tokenBlock() > 0 ? blockStep(algorithm, sign)
                : globalStep(algorithm, Math.max(direction, 0), sign);
    }

    /** The carried J failed the trust test on the step being taken: it is taken again with an exact J. */
    private static final class Distrusted extends RuntimeException {
        Distrusted() {
            super(null, null, false, false);
        }
    }

    /**
     * Continues the walk from another point (undo, scrubbing the trajectory, a reopened session): linearises there
     * and re-aligns the tracked directions. A SiMEC stretch walked from here keeps this point's outputs.
     */
    public Linearization moveTo(double[] point) {
        double[] x = point.clone();
        if (bounds != null) {
            bounds.clamp(x);
        }
        Linearization next = Linearization.at(f, spec, x, settings.tau());
        tracker.update(next.spectrum());
        current = next;
        carried = 0;
        last = null;
        return current;
    }

    /** Re-sorts the tracked eigendirections by eigenvalue (call between drags, never during one). */
    public void resortEigendirections() {
        tracker.resortEigendirections(current.spectrum());
    }

    /** Draws new null directions (seeded by the walk's random stream). */
    public void redrawNullDirections() {
        tracker.redrawNulls(current.spectrum());
    }

    private StepOutcome globalStep(Algorithm algorithm, int direction, double sign) {
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
            blocked = holdAtBounds(x, v, sign);
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
        return finish(algorithm, label, delta, xn, blocked);
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
    private int holdAtBounds(double[] x, double[] v, double sign) {
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
    private StepOutcome blockStep(Algorithm algorithm, double sign) {
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
        return finish(algorithm, label, moved == 0 ? 0 : deltaSum / moved, xn, 0);
    }

    private StepOutcome finish(Algorithm algorithm, String label, double delta, double[] xn, int blocked) {
        if (!Vectors.allFinite(xn)) {
            throw new GeometryException("the step produced NaN or Inf (δ = " + delta + "); step refused");
        }
        requireInRange(xn, delta);
        double correction = 0;
        if (algorithm == Algorithm.SIMEC && settings.corrected()) {
            // Gauss-Newton retraction of the current point onto the level set z = z(anchor), with the Jacobian
            // already computed here: x ← x − J⁺ (z(x) − z_anchor). Doing it as part of the next move instead of
            // after it saves a forward pass per step; the output then carries only one step's second-order drift,
            // which never accumulates (settle() removes it when the walk stops).
            double[] dx = retraction(residual(current.selected()), xn);
            correction = Vectors.norm(dx);
            for (int i = 0; i < xn.length; i++) {
                xn[i] -= dx[i];
            }
        }
        if (bounds != null) {
            bounds.clamp(xn);
        }
        if (!Vectors.allFinite(xn)) {
            throw new GeometryException("the level-set correction produced NaN or Inf; step refused");
        }
        Carried c = carried(xn, algorithm);
        Linearization next = c == null ? null : c.state();
        if (c != null && c.chord() > 0) {
            xn = next.point();
            correction += c.chord();
        }
        if (next == null) {
            next = Linearization.at(f, spec, xn, settings.tau());
            tracker.update(next.spectrum());
            carried = 0;
            refreshes++;
        } else if (next.spectrum() != current.spectrum()) {
            tracker.update(next.spectrum()); // the secant update's J has its own spectrum
        }
        current = next;
        steps++;
        return new StepOutcome(steps, algorithm, label, delta, next, Vectors.distance(xn, start), blocked, correction);
    }

    /** A point the model computes in float32 must hold float32 numbers: past ±3.4e38 it would read infinities. */
    private void requireInRange(double[] xn, double delta) {
        if (f.dataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            return;
        }
        for (double v : xn) {
            if (Math.abs(v) > Float.MAX_VALUE) {
                throw new GeometryException("the step would leave the float32 range the model computes in (δ = "
                        + delta + ", a coordinate of " + v + "); step refused");
            }
        }
    }

    /**
     * The state at {@code xn} with the last J carried there, when the reuse policy allows it and one forward pass
     * measures that the step erred no more than the trust test allows; null when J must be computed at {@code xn}.
     * A step from a just-computed J is an exact step: it is taken, and its error (its second-order change) is what
     * the next carried steps are measured against.
     *
     * @throws Distrusted when the step, taken with a carried J, erred more: it is to be taken again with an exact J
     */
    private Carried carried(double[] xn, Algorithm algorithm) {
        if (reuse == null) {
            return null;
        }
        boolean fresh = current.fresh();
        double[] y;
        try {
            y = Linearization.evaluate(f, xn);
        } catch (GeometryException.NonFinite e) {
            if (fresh) {
                throw e; // the exact walk's step lands there too
            }
            throw distrusted(); // taken again with an exact J, which may step elsewhere
        }
        double[] x = current.point();
        double[] dx = Vectors.difference(xn, x);
        double[] predicted = current.predictedChange(dx);
        double[] z = spec.select(y);
        double err = JacobianReuse.error(current.selected(), predicted, z);
        double len = Vectors.norm(dx);
        double chord = 0;
        boolean retracted = algorithm == Algorithm.SIMEC && settings.corrected();
        double epsilon = f.dataType() == ai.djl.ndarray.types.DataType.FLOAT64 ? Math.ulp(1.0) : Math.ulp(1f);
        double size = Vectors.norm(current.selected());
        if (fresh) {
            // the exact step's second-order change, less the model's rounding (a short step in float32 errs by its
            // rounding alone, which is no curvature); measured per algorithm, since SiMExp's direction curves the
            // output otherwise than a null direction does
            double rounding = reuse.roundoff() * epsilon * (1 + size);
            kappa = len > 0 ? Math.max(err - rounding, 0) / (len * len) : 0;
            kappaAlgorithm = algorithm;
        } else if (retracted) {
            // what counts for SiMEC is where the step lands: within c times what an exact step of this length
            // leaves off the level set (its second-order change, κ‖Δ‖²); when it landed farther, chord corrections
            // with the same J (a retraction and one forward pass each) bring it there, as Gauss-Newton with a
            // slightly stale J converges, only more slowly; a step they cannot bring there is refused. A step from
            // an exact J is the exact walk's step and is taken as it is.
            double tol = reuse.levelSetTolerance(len, kappa, epsilon, size);
            double[] r = residual(z);
            for (int pass = 0; pass < reuse.chords() && Vectors.norm(r) > tol; pass++) {
                double[] c = retraction(r, xn);
                double[] moved = xn.clone();
                for (int i = 0; i < moved.length; i++) {
                    moved[i] -= c[i];
                }
                if (bounds != null) {
                    bounds.clamp(moved);
                }
                chordCorrections++;
                double[] ym;
                try {
                    ym = Linearization.evaluate(f, moved);
                } catch (GeometryException.NonFinite e) {
                    break;
                }
                double[] zm = spec.select(ym);
                double[] rm = residual(zm);
                if (!(Vectors.norm(rm) < Vectors.norm(r))) {
                    break;
                }
                chord += Vectors.distance(moved, xn);
                xn = moved;
                y = ym;
                z = zm;
                r = rm;
            }
            if (!(Vectors.norm(r) <= tol)) {
                throw distrusted();
            }
            dx = Vectors.difference(xn, x);
            predicted = current.predictedChange(dx);
        } else if (!(err <= reuse.tolerance(current.selected(), predicted, len, kappa, epsilon))) {
            throw distrusted();
        }
        if (!fresh) {
            refusedInARow = 0;
            trusted++;
        }
        carried++;
        // the secant update serves SiMEC, whose J retracts onto the level set and which a J that agrees with the
        // measured change retracts better; SiMExp's J gives its direction, the current top eigendirection, so it
        // is carried plain and computed again as soon as the output stops following it
        Linearization state = reuse.secant() && algorithm == Algorithm.SIMEC
                ? current.carriedTo(xn, y, spec, dx, predicted) : current.carriedTo(xn, y, spec);
        return new Carried(state, chord);
    }

    /** A carried state, and how far chord corrections moved it onto the level set (0: none were needed). */
    private record Carried(Linearization state, double chord) {}

    private Distrusted distrusted() {
        refusedTrust++;
        refusedInARow++;
        return new Distrusted();
    }

    /** Computes J at the current point if it was carried there (when the walk rests, or before settling). */
    public Linearization refresh() {
        if (current.fresh()) {
            return current;
        }
        Linearization next = Linearization.at(f, spec, current.point(), settings.tau());
        tracker.update(next.spectrum());
        current = next;
        carried = 0;
        refreshes++;
        return current;
    }

    private double[] retraction() {
        return retraction(residual(current.selected()), null);
    }

    /** How far the outputs {@code z} are from the level set a SiMEC stretch keeps. */
    private double[] residual(double[] z) {
        double[] r = new double[z.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = z[i] - anchor[i];
        }
        return r;
    }

    /**
     * The Gauss-Newton correction J⁺r onto the level set, with the current J; with bounds, coordinates that the
     * correction (applied at {@code from}, the point it will be subtracted from; null: the current point) would push
     * past a bound are held and the others carry it, so clamping does not undo the correction.
     */
    private double[] retraction(double[] r, double[] from) {
        double[] dx = current.solveMinimumNorm(r);
        if (bounds == null) {
            return dx;
        }
        double[] x = from == null ? current.point() : from;
        boolean[] held = new boolean[x.length];
        for (int pass = 0; pass < 4; pass++) {
            boolean more = false;
            for (int i = 0; i < x.length; i++) {
                double y = x[i] - dx[i];
                if (!held[i] && (y < bounds.lower()[i] || y > bounds.upper()[i])) {
                    held[i] = true;
                    more = true;
                }
            }
            if (!more) {
                break;
            }
            dx = current.solveMinimumNorm(r, held);
        }
        return dx;
    }

    /**
     * Removes the drift a corrected SiMEC walk carries from its last step (one retraction and one new
     * linearisation); call when the walk stops. Returns the state, unchanged when there is nothing to settle.
     */
    public Linearization settle() {
        refresh(); // the walk rests: J at the point, exactly
        if (last != Algorithm.SIMEC || !settings.corrected()) {
            return current;
        }
        double[] dx = retraction();
        if (Vectors.norm(dx) == 0) {
            return current;
        }
        double[] xn = current.point().clone();
        for (int i = 0; i < xn.length; i++) {
            xn[i] -= dx[i];
        }
        if (bounds != null) {
            bounds.clamp(xn);
        }
        Linearization next = Linearization.at(f, spec, xn, settings.tau());
        tracker.update(next.spectrum());
        current = next;
        return current;
    }
}
