package org.leafwalk.geometry;

/**
 * Trust-region steps between linearisations: a step costs one forward pass and keeps the last J while the output
 * measured at the new point is the one J predicts as closely as an exact step's would be. With e = z(x+Δ) − z(x) −
 * JΔ, the error of the linear prediction, a carried step is trusted while
 *
 * <pre>‖e‖ ≤ max(ρ‖JΔ‖, c·κ‖Δ‖², σ·ε·(1 + ‖z(x)‖))</pre>
 *
 * where κ = ‖e₀‖/‖Δ₀‖² is the second-order error the first step after the last exact Jacobian measured (a step
 * taken with an exact J errs by exactly its second-order change, so κ is what an exact step of length ‖Δ‖ errs by
 * here), ε the machine epsilon of the precision the model computes in and σ its multiple that the model's rounding
 * reaches. For SiMEC the test is the one that matters: a corrected SiMEC step is designed to land on the level set,
 * so what it leaves there for the next step to retract is e itself, and the test keeps that no larger than an exact
 * step leaves (ρ‖JΔ‖ is then ρ times the residual the step retracted, far below the second-order term). A step the
 * test refuses is undone and taken again from where it started with J computed there (so it is the exact walk's
 * step). J is also computed again after {@code maxSteps} carried steps and when the walk rests.
 *
 * @param rho the trust ratio ρ: the share of the predicted change a carried step may miss by (SiMExp's steps)
 * @param curvature c: how many times the second-order error of an exact step of the same length a carried step may
 *     err by (1: no more than an exact step; 0: never more than ρ‖JΔ‖ and rounding)
 * @param roundoff σ, in machine epsilons of the model's precision, relative to 1 + ‖z‖
 * @param maxSteps the most steps one J is carried
 * @param secant correct SiMEC's carried J along each accepted step by the secant (Broyden) update, so it agrees
 *     with the output change the step measured ({@link Linearization#carriedTo(double[], double[], OutputSpec,
 *     double[], double[])}): J drifts from the true one as the walk leaves the point where it was computed,
 *     and mostly along the way the walk goes, which is what the update corrects
 */
public record JacobianReuse(double rho, double curvature, double roundoff, int chords, int maxSteps,
        boolean secant) {
    /**
     * ρ 0.1, c 1, σ 16 (float32 rounding measured on the shipped model: 2–5e-6 on outputs of norm 10.7, 2–3.4 ε
     * relative to 1 + ‖z‖), at most 50 steps per Jacobian, with the secant update for SiMEC.
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
