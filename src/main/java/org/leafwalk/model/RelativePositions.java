package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** BEiT's relative position bias (BeitRelativePositionBias): the index into the table and the bias it gives. */
final class RelativePositions {
    private RelativePositions() {}

    /** BEiT's index of each (query, key) pair into the relative position table, for a g×g grid after [CLS]. */
    static double[] index(int g) {
        int n = g * g;
        int t = n + 1;
        int distances = (2 * g - 1) * (2 * g - 1) + 3;
        double[] index = new double[t * t];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dy = i / g - j / g + g - 1;
                int dx = i % g - j % g + g - 1;
                index[(i + 1) * t + j + 1] = dy * (2 * g - 1) + dx;
            }
        }
        for (int j = 0; j < t; j++) {
            index[j] = distances - 3; // [CLS] to a token
            index[j * t] = distances - 2; // a token to [CLS]
        }
        index[0] = distances - 1;
        return index;
    }

    /** The (H, T, T) bias a relative position table (distances, H) gives. */
    static NDArray bias(NDArray table, double[] index, int t, int heads) {
        double[] tab = table.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] bias = new double[heads * t * t];
        for (int h = 0; h < heads; h++) {
            for (int ij = 0; ij < t * t; ij++) {
                bias[h * t * t + ij] = tab[(int) index[ij] * heads + h];
            }
        }
        return table.getManager().create(bias, new Shape(heads, t, t)).toType(table.getDataType(), false);
    }

}
