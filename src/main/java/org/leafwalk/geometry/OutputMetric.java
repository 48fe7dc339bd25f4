package org.leafwalk.geometry;

import java.util.Locale;

/** The output y and the metric M on it whose pullback G = Jᵀ M J is explored. */
public enum OutputMetric {
    /** Top-k logits fixed at the start, M = I (the first seed paper's released code). */
    LOGITS,
    /** Softmax probabilities of those classes, M = I. */
    PROBS,
    /** Top-k logits with M = diag(p) − p pᵀ: ½ dxᵀ G dx is the local KL divergence. */
    FISHER,
    /** The model's own [CLS] representation, M = I (the second seed paper's setting). */
    REPRESENTATION;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
