package org.leafwalk.explore;

import org.leafwalk.geometry.Algorithm;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.StepPolicy;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.model.InputSpace;

/** The exploration settings a user edits, as one immutable value. */
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
        int nullDirections) {

    public static Settings defaults() {
        return new Settings(InputSpace.PIXELS, OutputMetric.LOGITS, 0, Algorithm.SIMEC, StepPolicy.FIXED, 0.05, 1e-6,
                true, 42, 4);
    }

    public WalkSettings walkSettings() {
        return new WalkSettings(metric, topK, tau, policy, eta, corrected, seed, nullDirections, false, 0);
    }

    public Settings withSpace(InputSpace s) {
        return new Settings(s, metric, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections);
    }

    public Settings withTau(double t) {
        return new Settings(space, metric, topK, algorithm, policy, eta, t, corrected, seed, nullDirections);
    }

    public Settings withAlgorithm(Algorithm a) {
        return new Settings(space, metric, topK, a, policy, eta, tau, corrected, seed, nullDirections);
    }

    public Settings withMetric(OutputMetric m) {
        return new Settings(space, m, topK, algorithm, policy, eta, tau, corrected, seed, nullDirections);
    }

    public Settings withStep(StepPolicy p, double e) {
        return new Settings(space, metric, topK, algorithm, p, e, tau, corrected, seed, nullDirections);
    }

    public Settings withSeed(long s) {
        return new Settings(space, metric, topK, algorithm, policy, eta, tau, corrected, s, nullDirections);
    }
}
