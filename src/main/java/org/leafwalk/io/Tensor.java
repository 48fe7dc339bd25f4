package org.leafwalk.io;

import java.util.Arrays;

/** A named dense tensor held as float32 values in row-major order, the exchange form of weight files. */
public record Tensor(String name, long[] shape, float[] data) {
    public Tensor {
        long count = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            count *= s;
        }
        if (count != data.length) {
            throw new IllegalArgumentException(
                    name + ": shape " + Arrays.toString(shape) + " needs " + count + " values, got " + data.length);
        }
    }

    public long size(int axis) {
        return shape[axis];
    }

    public int rank() {
        return shape.length;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
