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
    private final TangentSteps tangent;
    private final LevelSet levelSet;
    private final JacobianTrust trust;
    private Linearization current;
    private Algorithm last;
    private int steps;
    private int refreshes; // exact linearisations after the start

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
        this.tangent = new TangentSteps(settings, bounds, rng, tracker, this.spec);
        this.levelSet = new LevelSet(bounds);
        this.trust = new JacobianTrust(f, this.spec, bounds);
        levelSet.anchorAt(current.selected());
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
        this.tangent = new TangentSteps(settings, bounds, rng, tracker, spec);
        this.current = next.tau() == had.tau() ? from.current : from.current.withTau(next.tau());
        if (current != from.current) {
            tracker.update(current.spectrum());
        }
        this.levelSet = new LevelSet(from.levelSet);
        // switching the correction on in an uncorrected stretch starts a new stretch where the walk stands (else the
        // next step would pull back everything the uncorrected steps drifted)
        this.last = next.corrected() && !had.corrected() ? null : from.last;
        this.steps = from.steps;
        this.refreshes = from.refreshes;
        this.trust = new JacobianTrust(from.trust);
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
        trust.policy(policy);
        if (policy == null && !current.fresh()) {
            refresh(); // exact steps from here: none is taken with the J carried so far
        }
    }

    public JacobianReuse jacobianReuse() {
        return trust.policy();
    }

    /** Exact linearisations since the start (every step's in exact mode). */
    public int jacobianRefreshes() {
        return refreshes;
    }

    /** Carried steps whose trust test failed, so that J was computed where they started and they were redone. */
    public int trustRefusals() {
        return trust.refusals();
    }

    /**
     * Chord corrections of carried SiMEC steps: each a retraction with the carried J and one forward pass, taken
     * when a step landed farther from its level set than an exact step would have.
     */
    public int chordCorrections() {
        return trust.chordCorrections();
    }

    /** Steps taken with a carried J that the trust test accepted. */
    public int trustedSteps() {
        return trust.trustedSteps();
    }

    /**
     * How many carried steps in a row the trust test refused (each was then redone with an exact J): a walk whose
     * output never follows J closely enough takes exact steps only, and its display should say so.
     */
    public int trustRefusalsInARow() {
        return trust.refusalsInARow();
    }

    /** The corrected SiMEC walk keeps the selected outputs at their value here from now on. */
    public void anchorHere() {
        levelSet.anchorAt(current.selected());
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
        if (trust.policy() != null && !current.fresh() && trust.spent(algorithm)) {
            // J carried as far as it may be, or its κ measured along the other algorithm's direction: this step
            // starts from an exact J, and measures κ for what follows
            refresh();
        }
        // a step the trust test refuses is undone and taken again with J computed where it starts, with the same
        // random draws (the random stream is put back to where it was before the refused step)
        WalkRandom.State draws = current.fresh() || trust.policy() == null ? null : rng.state();
        StepOutcome out;
        try {
            out = move(algorithm, direction, sign, maxDelta);
        } catch (JacobianTrust.Distrusted d) {
            rng.restore(draws);
            refresh();
            out = move(algorithm, direction, sign, maxDelta);
        }
        last = algorithm;
        return out;
    }

    private StepOutcome move(Algorithm algorithm, int direction, double sign, double maxDelta) {
        TangentSteps.Proposal p = settings.tokenBlock() > 0 ? tangent.blocks(current, algorithm, sign, maxDelta)
                : tangent.global(current, algorithm, Math.max(direction, 0), sign, maxDelta);
        return finish(algorithm, p.label(), p.delta(), p.point(), p.blocked());
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
        trust.linearised();
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
            double[] dx = levelSet.retraction(current, levelSet.residual(current.selected()), xn);
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
        JacobianTrust.Carried c = trust.carry(current, xn, algorithm, settings.corrected(), levelSet);
        Linearization next = c == null ? null : c.state();
        if (c != null && c.chord() > 0) {
            xn = next.point();
            correction += c.chord();
        }
        if (next == null) {
            next = Linearization.at(f, spec, xn, settings.tau());
            tracker.update(next.spectrum());
            trust.linearised();
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

    /** Computes J at the current point if it was carried there (when the walk rests, or before settling). */
    public Linearization refresh() {
        if (current.fresh()) {
            return current;
        }
        Linearization next = Linearization.at(f, spec, current.point(), settings.tau());
        tracker.update(next.spectrum());
        current = next;
        trust.linearised();
        refreshes++;
        return current;
    }

    private double[] retraction() {
        return levelSet.retraction(current, levelSet.residual(current.selected()), null);
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
