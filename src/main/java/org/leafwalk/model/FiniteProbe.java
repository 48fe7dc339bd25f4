package org.leafwalk.model;

import ai.djl.ndarray.NDArray;

/**
 * Where a forward pass first leaves the finite numbers: the stages' arrays checked in order, the first one holding a
 * NaN or an Inf remembered. Only a diagnosis uses one (after a pass whose output was not finite): each check reads
 * the array back, which a normal pass must not pay for.
 */
final class FiniteProbe {
    private String first;

    /** {@code a}, noted as the first non-finite stage when it is the first to hold a NaN or an Inf. */
    NDArray check(String stage, NDArray a) {
        if (first == null && !finite(a)) {
            NDArray nan = a.isNaN();
            first = stage + " (" + (nan.any().getBoolean() ? "NaN" : "Inf") + ")";
        }
        return a;
    }

    static boolean finite(NDArray a) {
        return !a.isNaN().any().getBoolean() && !a.isInfinite().any().getBoolean();
    }

    /** The first stage that held a NaN or an Inf, with which; null when every stage was finite. */
    String first() {
        return first;
    }
}
