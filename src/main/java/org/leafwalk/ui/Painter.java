package org.leafwalk.ui;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import org.leafwalk.explore.export.Frames;

/** Turns plain (C, H, W) arrays into pixels: intensities as they are, signed fields as a diverging heat map. */
final class Painter {
    private Painter() {}

    /**
     * Per-token lengths of a direction as bars from the bottom (one column per token, scaled by the largest), on a
     * 34×34 picture like the image thumbnails.
     */
    static WritableImage tokenBars(double[] lengths) {
        int size = 34;
        WritableImage img = new WritableImage(size, size);
        PixelWriter w = img.getPixelWriter();
        double max = 0;
        for (double v : lengths) {
            max = Math.max(max, v);
        }
        int n = Math.max(1, lengths.length);
        for (int x = 0; x < size; x++) {
            int token = Math.min(n - 1, x * n / size);
            double h = max == 0 || lengths.length == 0 ? 0 : lengths[token] / max;
            int top = size - (int) Math.round(h * (size - 2));
            for (int y = 0; y < size; y++) {
                w.setArgb(x, y, y >= top ? 0xffc0392b : 0xffffffff);
            }
        }
        return img;
    }

    /** Intensities in [0,1] (1 or 3 channels) as an image of native size: the same pixels the exports write. */
    static WritableImage intensities(double[] px, int channels, int size) {
        int plane = size * size;
        int[] argb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int r = byteOf(px[i]);
            int g = channels == 1 ? r : byteOf(px[plane + i]);
            int b = channels == 1 ? r : byteOf(px[2 * plane + i]);
            argb[i] = 0xff000000 | (r << 16) | (g << 8) | b;
        }
        return image(argb, size);
    }

    /** As the exports round a value in [0,1] to 8 bits ({@link org.leafwalk.model.ImageInput#toImage}). */
    private static int byteOf(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    /**
     * Opaque ARGB pixels as an image, written in one call: a WritableImage tells its listeners after every pixel
     * written one at a time, which made a ViT-Base's 224×224 pictures cost the JavaFX thread tens of milliseconds.
     */
    private static WritableImage image(int[] argb, int size) {
        WritableImage img = new WritableImage(size, size);
        img.getPixelWriter().setPixels(0, 0, size, size, javafx.scene.image.PixelFormat.getIntArgbInstance(), argb,
                0, size);
        return img;
    }

    /**
     * A signed field (summed over channels) as blue (negative), white (zero), red (positive), scaled by its largest
     * magnitude, or by {@code scale} when that is positive.
     */
    static WritableImage diverging(double[] v, int channels, int size, double scale) {
        int plane = size * size;
        double[] f = new double[plane];
        double max = 0;
        for (int i = 0; i < plane; i++) {
            double s = 0;
            for (int c = 0; c < channels; c++) {
                s += v[c * plane + i];
            }
            f[i] = s;
            max = Math.max(max, Math.abs(s));
        }
        double m = scale > 0 ? scale : max;
        int[] argb = new int[plane];
        for (int i = 0; i < plane; i++) {
            double t = m == 0 ? 0 : Math.max(-1, Math.min(1, f[i] / m));
            argb[i] = divergingArgb(t);
        }
        return image(argb, size);
    }

    /** Per-patch values (grid × grid) in [0, ∞) as a white-to-purple map over the image size. */
    static WritableImage patches(double[] values, int grid, int size) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        int[] argb = new int[size * size];
        int p = size / grid;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double t = max == 0 ? 0 : values[(y / p) * grid + x / p] / max;
                int r = (int) Math.round(255 - 140 * t);
                int g = (int) Math.round(255 - 215 * t);
                int b = (int) Math.round(255 - 60 * t);
                argb[y * size + x] = 0xff000000 | (r << 16) | (g << 8) | b;
            }
        }
        return image(argb, size);
    }

    /** t in [-1, 1] to a blue-white-red colour (the RdBu scheme's ends), the same map GIF exports use. */
    static int divergingArgb(double t) {
        return org.leafwalk.explore.export.Frames.diverging(t);
    }

    /** Draws an image onto a canvas filling it, with crisp (nearest-neighbour) pixels. */
    static void fill(Canvas canvas, WritableImage img) {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setImageSmoothing(false);
        g.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.drawImage(img, 0, 0, canvas.getWidth(), canvas.getHeight());
    }
}
