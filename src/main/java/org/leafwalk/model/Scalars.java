package org.leafwalk.model;

import ai.djl.ndarray.NDArray;

/**
 * Numbers as tensors the engine owns, for every product that autograd differentiates. DJL's {@code x.mul(number)}
 * makes the number's tensor over a Java direct buffer and closes it as soon as the product is made; autograd keeps
 * that tensor for the backward pass, so once the garbage collector frees the buffer the backward pass reads freed
 * memory: a Jacobian through {@code mul(0.3)} came out as if the constant were 0 about once in 3,000 linearisations,
 * and once in 30 with the collector busy. A copy in the engine's own memory lives as long as autograd needs it.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code v} as a 0-dimensional tensor of {@code like}'s type, in the engine's memory, on its manager. */
    public static NDArray of(NDArray like, double v) {
        try (NDArray javaBacked = like.getManager().create(v)) {
            // duplicate() is the engine's clone, in its own memory (toType keeps the buffer when the type is the same)
            return javaBacked.toType(like.getDataType(), false).duplicate();
        }
    }

    /** {@code x · v}, differentiable safely. */
    public static NDArray times(NDArray x, double v) {
        return x.mul(of(x, v));
    }
}
