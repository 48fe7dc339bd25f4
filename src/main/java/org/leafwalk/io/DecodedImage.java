package org.leafwalk.io;

import java.util.List;

/**
 * An image as intensities in [0,1]: one band (grey) or three (sRGB), pixel-interleaved, row-major, after every
 * conversion that was needed to get there (transparency composited, another colour model converted, samples of more
 * than 8 bits scaled by their range), each of which is said in {@code notes}.
 */
public record DecodedImage(int width, int height, int bands, double[] values, List<String> notes) {
    public DecodedImage {
        if (bands != 1 && bands != 3) {
            throw new IllegalArgumentException("1 or 3 bands, got " + bands);
        }
        if (values.length != width * height * bands) {
            throw new IllegalArgumentException("values for " + width + "×" + height + "×" + bands + ", got "
                    + values.length);
        }
        notes = List.copyOf(notes);
    }

    public double value(int x, int y, int band) {
        return values[(y * width + x) * bands + band];
    }

    /** Whether every pixel is grey: one band, or three equal ones. */
    public boolean isGray() {
        if (bands == 1) {
            return true;
        }
        for (int i = 0; i < values.length; i += 3) {
            if (values[i] != values[i + 1] || values[i] != values[i + 2]) {
                return false;
            }
        }
        return true;
    }
}
