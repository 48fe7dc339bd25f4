package org.leafwalk.explore;

import java.util.Locale;

/** How long a step is, δ, from η and the spectrum at the current point. */
public enum StepLength {
    /** The paper: δ = η·√(λ_min,nonzero / λ_max). */
    PAPER,
    /** The authors' released code: δ = η / √(λ_max / (λ_min + 1e-6)), λ_min over all eigenvalues of G. */
    AUTHORS_CODE,
    /** δ = η. */
    FIXED,
    /** δ such that the predicted output change √(δ² vᵀGv) is η per step (floored at τ·λ_max for null directions). */
    OUTPUT_SPEED;

    /** The name the command line, the files and the window use. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static StepLength parse(String s) {
        for (StepLength v : values()) {
            if (v.id().equalsIgnoreCase(s.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown step policy '" + s + "' (paper, authors-code, fixed, output-speed)");
    }

    /** The same choice in the engine's vocabulary. */
    org.leafwalk.geometry.StepPolicy engine() {
        return org.leafwalk.geometry.StepPolicy.valueOf(name());
    }

    static StepLength of(org.leafwalk.geometry.StepPolicy v) {
        return valueOf(v.name());
    }
}
