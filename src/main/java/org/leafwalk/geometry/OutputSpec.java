package org.leafwalk.geometry;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Which output coordinates the metric sees: column indices into the map's output, chosen once at the start
 * point and kept for the whole walk, so the explored function does not change under the user's hand.
 */
public record OutputSpec(OutputMetric metric, int[] columns, int logitCount) {

    public int size() {
        return columns.length;
    }

    /**
     * Top-k classes by logit at the start point for the class metrics (k ≤ 0 means all classes up to 10);
     * the whole representation for {@code representation}.
     */
    public static OutputSpec choose(OutputMetric metric, double[] startOutput, int logitCount, int topK) {
        if (metric == OutputMetric.REPRESENTATION) {
            int[] cols = IntStream.range(logitCount, startOutput.length).toArray();
            if (cols.length == 0) {
                throw new GeometryException("this model exposes no representation output");
            }
            return new OutputSpec(metric, cols, logitCount);
        }
        if (logitCount <= 0) {
            throw new GeometryException("the model has no class outputs for the " + metric.id()
                    + " metric: use the representation metric");
        }
        int k = topK <= 0 ? Math.min(10, logitCount) : Math.min(topK, logitCount);
        int[] cols = IntStream.range(0, logitCount).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -startOutput[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
        return new OutputSpec(metric, cols, logitCount);
    }

    /** The selected outputs z (what the metric measures) from a full output row. */
    public double[] select(double[] output) {
        double[] src = metric == OutputMetric.PROBS ? softmax(output, logitCount) : output;
        double[] z = new double[columns.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = src[columns[i]];
        }
        return z;
    }

    /**
     * Row i is ∂z_i/∂y, the cotangent on the full output row whose pullback is row i of J (k × width, row-major).
     */
    public double[] cotangents(double[] output) {
        int k = columns.length;
        int width = output.length;
        double[] c = new double[k * width];
        if (metric == OutputMetric.PROBS) {
            double[] p = softmax(output, logitCount);
            for (int i = 0; i < k; i++) {
                double pi = p[columns[i]];
                for (int j = 0; j < logitCount; j++) {
                    c[i * width + j] = -pi * p[j];
                }
                c[i * width + columns[i]] += pi;
            }
        } else {
            for (int i = 0; i < k; i++) {
                c[i * width + columns[i]] = 1;
            }
        }
        return c;
    }

    /** The output metric M (k×k, row-major) at an output row. */
    public double[] metricMatrix(double[] output) {
        int k = columns.length;
        double[] m = new double[k * k];
        if (metric == OutputMetric.FISHER) {
            double[] p = softmax(output, logitCount);
            for (int i = 0; i < k; i++) {
                double pi = p[columns[i]];
                for (int j = 0; j < k; j++) {
                    m[i * k + j] = -pi * p[columns[j]];
                }
                m[i * k + i] += pi;
            }
        } else {
            for (int i = 0; i < k; i++) {
                m[i * k + i] = 1;
            }
        }
        return m;
    }

    public static double[] softmax(double[] output, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, output[i]);
        }
        double[] p = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(output[i] - max);
            s += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= s;
        }
        return p;
    }

    @Override
    public String toString() {
        return metric.id() + Arrays.toString(columns);
    }
}
