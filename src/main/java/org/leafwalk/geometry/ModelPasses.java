package org.leafwalk.geometry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * The passes through the model that a linearisation makes: one forward pass at batch 1 for the output, and the
 * forward and backward that give the Jacobian of the selected outputs, by the map's batched vector-Jacobian product
 * (image-sized inputs a few rows at a time) or by DJL's autograd on a replicated batch (in chunks). Every NDArray
 * lives in a sub-manager closed before they return: what they give back are plain arrays.
 */
final class ModelPasses {
    private ModelPasses() {}

    /** The full output row at a point and the Jacobian (k × n, row-major) of its selected outputs. */
    record Measured(double[] output, double[] jacobian) {}

    /**
     * The output at x and J from ONE forward+backward at batch k: x replicated k times, the loss the sum over i of
     * z[i, i], so batch row i's gradient is row i of J; or one forward pass whose k cotangent rows are pulled back
     * together where the map offers a batched vector-Jacobian product (unless {@code autograd}).
     *
     * @param autogradNumbers how many input numbers the autograd path replicates at once
     * @param pullbackNumbers how many input numbers' rows the batched pullback takes at once
     */
    static Measured jacobian(DifferentiableMap f, OutputSpec spec, double[] x, boolean autograd, long autogradNumbers,
            long pullbackNumbers) {
        int n = f.inputDimension();
        int k = spec.size();
        double[] output;
        double[] jac;
        try (NDManager m = f.manager().newSubManager()) {
            NDArray x1 = m.create(x).reshape(1, n).toType(f.dataType(), false);
            Computation.report("forward pass");
            DifferentiableMap.Vjp vjp = autograd ? null : f.vjp(x1);
            if (vjp != null) {
                output = vjp.output().toType(DataType.FLOAT64, false).toDoubleArray();
                NDArray cot = m.create(spec.cotangents(output)).reshape(k, output.length).toType(f.dataType(), false);
                // image-sized inputs pull their rows back a few at a time, so a long Jacobian reports how far it
                // is and can be stopped between pieces; small inputs take every row in one batch
                int rowsAtOnce = (int) Math.max(1, Math.min(k, pullbackNumbers / n));
                jac = new double[k * n];
                for (int from = 0; from < k; from += rowsAtOnce) {
                    int to = Math.min(k, from + rowsAtOnce);
                    Computation.report("Jacobian rows", from, k);
                    try (NDManager piece = m.newSubManager()) {
                        NDArray c = rowsAtOnce == k ? cot : cot.get(from + ":" + to);
                        c.attach(piece);
                        double[] rows = vjp.pullback(c).toType(DataType.FLOAT64, false).toDoubleArray();
                        System.arraycopy(rows, 0, jac, from * n, rows.length);
                    }
                }
                Computation.report("Jacobian rows", k, k);
                return new Measured(output, jac);
            }
            // the replicated batch in chunks: k copies of an image-sized input through every layer's activations
            // would not fit in memory (768 rows of a ViT-B), so at most autogradNumbers input numbers at a time
            int chunk = (int) Math.max(1, Math.min(k, autogradNumbers / n));
            jac = new double[k * n];
            output = null;
            NDArray eye = m.eye(k).toType(f.dataType(), false);
            for (int from = 0; from < k; from += chunk) {
                int to = Math.min(k, from + chunk);
                Computation.report("Jacobian rows", from, k);
                try (NDManager step = m.newSubManager()) {
                    NDArray xb = x1.repeat(0, to - from);
                    xb.attach(step);
                    xb.setRequiresGradient(true);
                    try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                        NDArray y = f.apply(xb);
                        NDArray z = select(step, y, spec, f);
                        gc.backward(z.mul(eye.get(from + ":" + to)).sum());
                        if (output == null) {
                            output = y.get(0).toType(DataType.FLOAT64, false).toDoubleArray();
                        }
                        double[] rows = xb.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
                        System.arraycopy(rows, 0, jac, from * n, rows.length);
                    }
                }
            }
        }
        return new Measured(output, jac);
    }

    /** One forward pass at batch 1, outside autograd: the full output row at x. */
    static double[] evaluate(DifferentiableMap f, double[] x) {
        Computation.report("forward pass");
        try (NDManager m = f.manager().newSubManager()) {
            NDArray x1 = m.create(x).reshape(1, x.length).toType(f.dataType(), false);
            double[] y = f.apply(x1).toType(DataType.FLOAT64, false).toDoubleArray();
            if (!Vectors.allFinite(y)) {
                throw new GeometryException.NonFinite("the model's output is NaN or Inf at this point", x);
            }
            return y;
        }
    }

    private static NDArray select(NDManager m, NDArray y, OutputSpec spec, DifferentiableMap f) {
        int k = spec.size();
        int cols = spec.metric() == OutputMetric.PROBS ? spec.logitCount() : f.outputDimension();
        double[] s = new double[cols * k];
        for (int i = 0; i < k; i++) {
            s[spec.columns()[i] * k + i] = 1;
        }
        NDArray sel = m.create(s).reshape(cols, k).toType(f.dataType(), false);
        NDArray src = spec.metric() == OutputMetric.PROBS
                ? y.get(":, 0:" + spec.logitCount()).softmax(1)
                : y;
        return src.matMul(sel);
    }
}
