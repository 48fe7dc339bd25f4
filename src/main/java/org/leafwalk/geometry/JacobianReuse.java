package org.leafwalk.geometry;

/**
 * Steps between linearisations: a step costs one forward pass and keeps the last J while the output measured at the
 * new point is as close to what J predicts as an exact step's would be. κ = ‖e₀‖/‖Δ₀‖², with e = z(x+Δ) − z(x) − JΔ
 * the error of the linear prediction, is measured on the first step after each exact Jacobian (a step taken with an
 * exact J errs by exactly its second-order change, so κ‖Δ‖² is what an exact step of length ‖Δ‖ errs by here); ε is
 * the machine epsilon of the precision the model computes in, σ the multiple of it that the model's rounding reaches.
 *
 * <ul>
 *   <li>A corrected SiMEC step is designed to land on the level set z = z(anchor), so what matters is where it lands:
 *       it is accepted when ‖z(x+Δ) − z(anchor)‖ ≤ max(c·κ‖Δ‖², σε(1 + ‖z‖)), with up to {@code chords} chord
 *       corrections (a retraction with the same J and one forward pass each) to bring it there; an exact step leaves
 *       κ‖Δ‖² for the next step to retract, so with c ≤ 1 a carried walk stays at least as close to its level set as
 *       an exact walk (c = 1/4 by default: a quarter of it). The first step after an exact J is corrected the same
 *       way.</li>
 *   <li>Every other step (SiMExp, uncorrected SiMEC) is accepted when ‖e‖ ≤ max(ρ‖JΔ‖, c·κ‖Δ‖², σε(1 + ‖z‖)):
 *       within ρ of the predicted change, or no more than an exact step's second-order error.</li>
 * </ul>
 *
 * A step the test refuses is undone and taken again from where it began, with J computed there and the same random
 * draws: the exact walk's step. J is also computed again before the step that would carry it past
 * {@code maxSteps}, and when the walk rests.
 *
 * @param rho the trust ratio ρ: the share of the predicted change a step other than corrected SiMEC may miss by
 * @param curvature c: the share of an exact step's second-order error a carried step may err by
 * @param roundoff σ, in machine epsilons of the model's precision, relative to 1 + ‖z‖
 * @param chords the most chord corrections a corrected SiMEC step takes to land within its tolerance
 * @param maxSteps the most steps one J is carried
 * @param secant correct SiMEC's carried J along each accepted step by the secant (Broyden) update, so it agrees
 *     with the output change the step measured ({@link Linearization#carriedTo(double[], double[], OutputSpec,
 *     double[], double[])}): J drifts from the true one as the walk leaves the point where it was computed,
 *     and mostly along the way the walk goes, which is what the update corrects
 */
public record JacobianReuse(double rho, double curvature, double roundoff, int chords, int maxSteps,
        boolean secant) {
    /**
     * ρ 0.1, c 1/4, σ 16 (float32 rounding measured on the shipped model: 2–5e-6 on outputs of norm 10.7, that is
     * 2–3.4 ε relative to 1 + ‖z‖), two chord corrections, at most 50 steps per Jacobian, the secant update for SiMEC.
     */
    public static final JacobianReuse DEFAULT = new JacobianReuse(0.1, 0.25, 16, 2, 50, true);

    /** The plain carried J, without the secant update. */
    public JacobianReuse(double rho, double curvature, double roundoff, int chords, int maxSteps) {
        this(rho, curvature, roundoff, chords, maxSteps, false);
    }

    public JacobianReuse {
        if (!(rho >= 0) || !(curvature >= 0) || !(roundoff >= 0) || chords < 0 || maxSteps < 1) {
            throw new IllegalArgumentException("Jacobian reuse needs ρ, c, σ ≥ 0, chords ≥ 0 and at least one step");
        }
    }

    /**
     * How far from its level set a corrected SiMEC step with a carried J may land: as far as an exact step of its
     * length lands (c·κ‖Δ‖²), or the model's rounding.
     */
    double levelSetTolerance(double stepNorm, double kappa, double epsilon, double outputNorm) {
        return Math.max(curvature * kappa * stepNorm * stepNorm, roundoff * epsilon * (1 + outputNorm));
    }

    /** The error ‖z(x+Δ) − z(x) − JΔ‖ of the linear prediction of a step (NaN when the outputs are not finite). */
    static double error(double[] before, double[] predictedChange, double[] measured) {
        double err = 0;
        for (int i = 0; i < before.length; i++) {
            double e = measured[i] - before[i] - predictedChange[i];
            err += e * e;
        }
        return Math.sqrt(err);
    }

    /**
     * The most a carried step of length {@code stepNorm} may err by.
     *
     * @param kappa the second-order error per squared step length that the first step after the last exact J
     *     measured
     * @param epsilon the machine epsilon of the model's precision
     */
    double tolerance(double[] before, double[] predictedChange, double stepNorm, double kappa, double epsilon) {
        double lin = 0;
        double size = 0;
        for (int i = 0; i < before.length; i++) {
            lin += predictedChange[i] * predictedChange[i];
            size += before[i] * before[i];
        }
        return Math.max(rho * Math.sqrt(lin), Math.max(curvature * kappa * stepNorm * stepNorm,
                roundoff * epsilon * (1 + Math.sqrt(size))));
    }
}
