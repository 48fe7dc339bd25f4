package org.leafwalk.explore.walk;

/** How long a step is, δ, from η and the spectrum at the current point. */
public enum StepLength implements Names.Named {
    /** The paper: δ = η·√(λ_min,nonzero / λ_max). */
    PAPER,
    /** The authors' released code: δ = η / √(λ_max / (λ_min + 1e-6)), λ_min over all eigenvalues of G. */
    AUTHORS_CODE,
    /** δ = η. */
    FIXED,
    /** δ such that the predicted output change √(δ² vᵀGv) is η per step (floored at τ·λ_max for null directions). */
    OUTPUT_SPEED;

    public static StepLength parse(String s) {
        return Names.parse(values(), s, "step policy");
    }

    /** The same choice in the engine's vocabulary. */
    public org.leafwalk.geometry.StepPolicy engine() {
        return org.leafwalk.geometry.StepPolicy.valueOf(name());
    }
}
