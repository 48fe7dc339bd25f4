package org.leafwalk.io;

/** A set of same-sized 8-bit grayscale images with integer labels, as the MNIST family stores them. */
public record LabeledImages(int count, int rows, int cols, byte[] pixels, byte[] labels) {

    public int pixelsPerImage() {
        return rows * cols;
    }

    public int label(int i) {
        return labels[i] & 0xff;
    }

    /** Image i as intensities in [0,1], row-major. */
    public double[] image(int i) {
        int n = pixelsPerImage();
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            out[j] = (pixels[i * n + j] & 0xff) / 255.0;
        }
        return out;
    }

    public int maxLabel() {
        int m = 0;
        for (byte b : labels) {
            m = Math.max(m, b & 0xff);
        }
        return m;
    }
}
