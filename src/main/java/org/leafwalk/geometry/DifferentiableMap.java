package org.leafwalk.geometry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * A model seen as a smooth map of a flattened input point: (B, n) to (B, m), built from NDArray operations so
 * autograd differentiates it. The first {@link #logitCount()} output columns are class logits (softmax applies
 * to them); any columns after are a representation vector. Every array the map creates must be attached to the
 * input's manager, so the caller frees a whole step by closing one sub-manager.
 */
public interface DifferentiableMap {
    NDArray apply(NDArray x);

    int inputDimension();

    int outputDimension();

    int logitCount();

    DataType dataType();

    /** The manager whose sub-managers hold each step's arrays (the model's device). */
    NDManager manager();

    /**
     * Optional fast path: one forward pass at batch 1 whose vector-Jacobian products can be taken for many
     * cotangents at once. Null when the map has none; autograd on a replicated batch is used then.
     */
    default Vjp vjp(NDArray x1) {
        return null;
    }

    /**
     * A map from its parts: the forward function, the sizes, the element type, the manager, and an optional
     * batched vector-Jacobian product (null: autograd).
     */
    static DifferentiableMap of(java.util.function.UnaryOperator<NDArray> apply, int inputDimension,
            int outputDimension, int logitCount, DataType dataType, NDManager manager,
            java.util.function.Function<NDArray, Vjp> vjp) {
        return new DifferentiableMap() {
            @Override
            public NDArray apply(NDArray x) {
                return apply.apply(x);
            }

            @Override
            public int inputDimension() {
                return inputDimension;
            }

            @Override
            public int outputDimension() {
                return outputDimension;
            }

            @Override
            public int logitCount() {
                return logitCount;
            }

            @Override
            public DataType dataType() {
                return dataType;
            }

            @Override
            public NDManager manager() {
                return manager;
            }

            @Override
            public Vjp vjp(NDArray x1) {
                return vjp == null ? null : vjp.apply(x1);
            }
        };
    }

    /** A forward pass kept for pulling cotangents back. */
    interface Vjp {
        /** The output at the point, (1, m). */
        NDArray output();

        /** Cotangent rows (k, m) to rows cᵀJ (k, n). */
        NDArray pullback(NDArray cotangents);

        /** A forward pass's output and its batched pullback (a model's tape). */
        static Vjp of(NDArray output, java.util.function.UnaryOperator<NDArray> pullback) {
            return new Vjp() {
                @Override
                public NDArray output() {
                    return output;
                }

                @Override
                public NDArray pullback(NDArray cotangents) {
                    return pullback.apply(cotangents);
                }
            };
        }
    }
}
