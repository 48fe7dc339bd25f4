package org.leafwalk.explore;

import org.leafwalk.geometry.Algorithm;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.StepPolicy;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.model.InputSpace;

/**
 * The exploration settings a user edits, as one immutable value.
 *
 * @param layer image models: whose [CLS] state the representation metric sees, the state after block
 *     {@code layer} (1 to the number of layers); 0: the model's own representation (after the last block and the
 *     final layer norm)
 */
public record Settings(
        InputSpace space,
        OutputMetric metric,
        int topK,
        Algorithm algorithm,
        StepPolicy policy,
        double eta,
        double tau,
        boolean corrected,
        long seed,
        int nullDirections,
        int layer) {

    /** Settings on the model's own representation (layer 0). */
    public Settings(InputSpace space, OutputMetric metric, int topK, Algorithm algorithm, StepPolicy policy,
            double eta, double tau, boolean corrected, long seed, int nullDirections) {
        this(space, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, 0);
    }

    public static Settings defaults() {
        return new Settings(InputSpace.PIXELS, OutputMetric.LOGITS, 0, Algorithm.SIMEC, StepPolicy.FIXED, 0.05, 1e-6,
                true, 42, 4, 0);
    }

    public WalkSettings walkSettings() {
        return new WalkSettings(metric, topK, tau, policy, eta, corrected, seed, nullDirections, false, 0);
    }

    public Settings withSpace(InputSpace s) {
        return new Settings(s, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer);
    }

    public Settings withTau(double t) {
        return new Settings(space, metric, topK, algorithm, policy, eta, t, corrected, seed, nullDirections, layer);
    }

    public Settings withAlgorithm(Algorithm a) {
        return new Settings(space, metric, topK, a, policy, eta, tau, corrected, seed, nullDirections, layer);
    }

    public Settings withMetric(OutputMetric m) {
        return new Settings(space, m, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer);
    }

    public Settings withStep(StepPolicy p, double e) {
        return new Settings(space, metric, topK, algorithm, p, e, tau, corrected, seed, nullDirections, layer);
    }

    public Settings withSeed(long s) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, s, nullDirections, layer);
    }

    public Settings withTopK(int k) {
        return new Settings(space, metric, k, algorithm, policy, eta, tau, corrected, seed, nullDirections, layer);
    }

    public Settings withCorrected(boolean c) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, c, seed, nullDirections, layer);
    }

    public Settings withNullDirections(int n) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, seed, n, layer);
    }

    public Settings withLayer(int l) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections,
                Math.max(0, l));
    }
}
