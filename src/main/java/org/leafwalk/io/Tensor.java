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

    /** Index of the first NaN or infinite value, or -1: weights with one are refused where they are read. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    /** This tensor, or a message naming the file, the tensor and the first value that is not a number. */
    public Tensor requireFinite(String file) {
        int i = firstNonFinite();
        if (i >= 0) {
            throw new InvalidInputException(file + ": tensor '" + name + "' holds " + data[i] + " at index " + i
                    + " (of " + data.length + "): the weights are corrupt or diverged in training");
        }
        return this;
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

    /** How many numbers the tensors hold together. */
    public static long count(java.util.Map<String, Tensor> tensors) {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += t.data().length;
        }
        return n;
    }
}
