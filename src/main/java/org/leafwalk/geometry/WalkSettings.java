package org.leafwalk.geometry;

/**
 * Everything that decides a walk besides the model and the start point, in the engine's terms. Its defaults are
 * those of the settings users edit ({@code org.leafwalk.explore.walk.Settings.DEFAULTS}); it has none of its own.
 *
 * @param topK how many classes the class metrics see (≤ 0: all up to 10)
 * @param tau relative null threshold: λ ≤ τ·λ_max counts as zero
 * @param corrected SiMEC retracts onto the level set after each step (Gauss-Newton)
 * @param nullDirections how many null directions are tracked
 * @param randomChoice the papers' choice: a uniformly random null / non-null eigendirection at every step,
 *     instead of a tracked one
 * @param tokenBlock 0 for the exact global metric; the token width d for the authors' per-token block variant
 */
public record WalkSettings(
        OutputMetric metric,
        int topK,
        double tau,
        StepPolicy policy,
        double eta,
        boolean corrected,
        long seed,
        int nullDirections,
        boolean randomChoice,
        int tokenBlock) {

    public WalkSettings withMetric(OutputMetric m) {
        return new WalkSettings(m, topK, tau, policy, eta, corrected, seed, nullDirections, randomChoice, tokenBlock);
    }

    public WalkSettings withPolicy(StepPolicy p, double e) {
        return new WalkSettings(metric, topK, tau, p, e, corrected, seed, nullDirections, randomChoice, tokenBlock);
    }

    public WalkSettings withCorrected(boolean c) {
        return new WalkSettings(metric, topK, tau, policy, eta, c, seed, nullDirections, randomChoice, tokenBlock);
    }

    public WalkSettings withSeed(long s) {
        return new WalkSettings(metric, topK, tau, policy, eta, corrected, s, nullDirections, randomChoice, tokenBlock);
    }

    public WalkSettings withTopK(int k) {
        return new WalkSettings(metric, k, tau, policy, eta, corrected, seed, nullDirections, randomChoice, tokenBlock);
    }

    public WalkSettings withTau(double t) {
        return new WalkSettings(metric, topK, t, policy, eta, corrected, seed, nullDirections, randomChoice, tokenBlock);
    }

    public WalkSettings withRandomChoice(boolean r) {
        return new WalkSettings(metric, topK, tau, policy, eta, corrected, seed, nullDirections, r, tokenBlock);
    }

    public WalkSettings withTokenBlock(int d) {
        return new WalkSettings(metric, topK, tau, policy, eta, corrected, seed, nullDirections, randomChoice, d);
    }

    public void validate() {
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new IllegalArgumentException("η must be a positive number, got " + eta);
        }
        if (!(tau >= 0) || tau >= 1) {
            throw new IllegalArgumentException("τ must be in [0, 1), got " + tau);
        }
        if (nullDirections < 1) {
            throw new IllegalArgumentException("at least one null direction is needed, got " + nullDirections);
        }
    }
}
