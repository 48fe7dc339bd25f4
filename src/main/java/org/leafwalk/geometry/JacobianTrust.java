package org.leafwalk.geometry;

/**
 * The trust test of a carried Jacobian ({@link JacobianReuse}): whether a step taken with the last J, measured by one
 * forward pass where it lands, erred no more than an exact step would have, and the walk's count of what the test
 * decided. It keeps κ, the second-order error per squared step length that the first step after each exact J
 * measured, and how many steps the current J has been carried. Not thread-safe: it belongs to one walker.
 */
final class JacobianTrust {
    private final DifferentiableMap f;
    private final OutputSpec spec;
    private final Bounds bounds;
    private JacobianReuse reuse; // null: every step linearises exactly
    private int carried; // steps since J was last computed
    private int refusedTrust; // carried steps the trust test refused
    private int refusedInARow; // ... since the last step it accepted
    private int trusted; // carried steps the trust test accepted
    private int chordCorrections; // forward passes spent bringing carried SiMEC steps back onto the level set
    private double kappa = Double.NaN; // ‖e‖/‖Δ‖² of the first step after the last exact J (its second-order error)
    private Algorithm kappaAlgorithm; // the algorithm of that step

    JacobianTrust(DifferentiableMap f, OutputSpec spec, Bounds bounds) {
        this.f = f;
        this.spec = spec;
        this.bounds = bounds;
    }

    /** The same test and counts, for a walk that goes on from where {@code from}'s stands. */
    JacobianTrust(JacobianTrust from) {
        this.f = from.f;
        this.spec = from.spec;
        this.bounds = from.bounds;
        this.reuse = from.reuse;
        this.carried = from.carried;
        this.refusedTrust = from.refusedTrust;
        this.refusedInARow = from.refusedInARow;
        this.trusted = from.trusted;
        this.chordCorrections = from.chordCorrections;
        this.kappa = from.kappa;
        this.kappaAlgorithm = from.kappaAlgorithm;
    }

    /** The reuse policy (null: exact steps). */
    JacobianReuse policy() {
        return reuse;
    }

    void policy(JacobianReuse policy) {
        this.reuse = policy;
    }

    /**
     * Whether the J carried so far may not take a step of {@code algorithm}: it was carried as far as it may be, or
     * its κ was measured along the other algorithm's direction (reuse on only).
     */
    boolean spent(Algorithm algorithm) {
        return carried >= reuse.maxSteps() || kappaAlgorithm != algorithm;
    }

    /** J was computed where the walk stands: nothing is carried. */
    void linearised() {
        carried = 0;
    }

    int refusals() {
        return refusedTrust;
    }

    int refusalsInARow() {
        return refusedInARow;
    }

    int trustedSteps() {
        return trusted;
    }

    int chordCorrections() {
        return chordCorrections;
    }

    /**
     * The state at {@code xn} with the J of {@code current} carried there, when the reuse policy allows it and one
     * forward pass measures that the step erred no more than the trust test allows; null when J must be computed at
     * {@code xn}. A step from a just-computed J is an exact step: it is taken, and its error (its second-order
     * change) is what the next carried steps are measured against.
     *
     * @param corrected whether SiMEC steps are corrected onto {@code levelSet}
     * @throws Distrusted when the step, taken with a carried J, erred more: it is to be taken again with an exact J
     */
    Carried carry(Linearization current, double[] xn, Algorithm algorithm, boolean corrected, LevelSet levelSet) {
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
        boolean retracted = algorithm == Algorithm.SIMEC && corrected;
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
            double[] r = levelSet.residual(z);
            for (int pass = 0; pass < reuse.chords() && Vectors.norm(r) > tol; pass++) {
                double[] c = levelSet.retraction(current, r, xn);
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
                double[] rm = levelSet.residual(zm);
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
    record Carried(Linearization state, double chord) {}

    private Distrusted distrusted() {
        refusedTrust++;
        refusedInARow++;
        return new Distrusted();
    }

    /** The carried J failed the trust test on the step being taken: it is taken again with an exact J. */
    static final class Distrusted extends RuntimeException {
        Distrusted() {
            super(null, null, false, false);
        }
    }
}
