package org.leafwalk.explore.walk;

/** The output y and the metric M on it whose pullback G = Jᵀ M J is explored. */
public enum Metric implements Names.Named {
    /** Top-k logits fixed at the start, M = I (the first seed paper's released code). */
    LOGITS,
    /** Softmax probabilities of those classes, M = I. */
    PROBS,
    /** Top-k logits with M = diag(p) − p pᵀ: ½ dxᵀ G dx is the local KL divergence. */
    FISHER,
    /** The model's own [CLS] representation, M = I (the second seed paper's setting). */
    REPRESENTATION;

    public static Metric parse(String s) {
        return Names.parse(values(), s, "metric");
    }

    /** The same choice in the engine's vocabulary. */
    public org.leafwalk.geometry.OutputMetric engine() {
        return org.leafwalk.geometry.OutputMetric.valueOf(name());
    }
}
