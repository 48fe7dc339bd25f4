package org.leafwalk.explore;

import java.util.Locale;

/** The output y and the metric M on it whose pullback G = Jᵀ M J is explored. */
public enum Metric {
    /** Top-k logits fixed at the start, M = I (the first seed paper's released code). */
    LOGITS,
    /** Softmax probabilities of those classes, M = I. */
    PROBS,
    /** Top-k logits with M = diag(p) − p pᵀ: ½ dxᵀ G dx is the local KL divergence. */
    FISHER,
    /** The model's own [CLS] representation, M = I (the second seed paper's setting). */
    REPRESENTATION;

    /** The name the command line, the files and the window use. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Metric parse(String s) {
        for (Metric v : values()) {
            if (v.id().equalsIgnoreCase(s.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + s + "' (logits, probs, fisher, representation)");
    }

    /** The same choice in the engine's vocabulary. */
    org.leafwalk.geometry.OutputMetric engine() {
        return org.leafwalk.geometry.OutputMetric.valueOf(name());
    }

    static Metric of(org.leafwalk.geometry.OutputMetric v) {
        return valueOf(v.name());
    }
}
