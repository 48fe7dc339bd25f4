package org.leafwalk.geometry;

import java.util.Locale;

/** How long a step is, δ, from η and the spectrum at the current point. */
public enum StepPolicy {
    /** The paper: δ = η·√(λ_min,nonzero / λ_max). */
    PAPER,
    /** The authors' released code: δ = η / √(λ_max / (λ_min + 1e-6)), λ_min over all eigenvalues of G. */
    AUTHORS_CODE,
    /** δ = η. */
    FIXED,
    /** δ such that the predicted output change √(δ² vᵀGv) is η per step (floored at τ·λ_max for null directions). */
    OUTPUT_SPEED;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param lambdaDirection vᵀGv for the chosen unit direction
     */
    public double delta(double eta, Spectrum s, double lambdaDirection) {
        double lmax = s.lambdaMax();
        if (!(lmax > 0)) {
            return eta; // a flat map: every direction is null, no scale to take from the spectrum
        }
        return switch (this) {
            case PAPER -> eta * Math.sqrt(s.lambdaMinNonzero() / lmax);
            case AUTHORS_CODE -> eta / Math.sqrt(lmax / (s.lambdaMinAll() + 1e-6));
            case FIXED -> eta;
            case OUTPUT_SPEED -> eta / Math.sqrt(Math.max(lambdaDirection, Math.max(s.tau(), 1e-12) * lmax));
        };
    }
}
