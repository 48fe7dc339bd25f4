package org.leafwalk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.leafwalk.model.VitCheckpoints;

/** Tiny real ViT checkpoints with random weights, written to disk in the Hugging Face layout for tests. */
public final class TinyVit {
    private TinyVit() {}

    /** 1 channel, 12×12, patch 3 (17 tokens), hidden 16, 2 heads, 2 layers, 5 classes. */
    public static VitCheckpoints.Shape small() {
        return new VitCheckpoints.Shape(12, 3, 1, 16, 2, 2, 32, 5);
    }

    public static Path write(Path parent, String name, VitCheckpoints.Shape shape, long seed) {
        try {
            Path dir = Files.createDirectories(parent.resolve(name));
            VitCheckpoints.writeRandom(dir, shape, seed, true, true);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A blob image in [0,1] with a zero background, like a digit: many pixels sit on the lower bound. */
    /** A one-channel 12×12 {@link #blob} written as PNG to {@code file} (the inputs the command-line tests read). */
    public static java.nio.file.Path blobPng(java.nio.file.Path file, long seed) {
        org.leafwalk.io.Images.writePng(file, org.leafwalk.model.ImageInput.toImage(blob(1, 12, seed), 1, 12));
        return file;
    }

    public static double[] blob(int channels, int size, long seed) {
        java.util.Random rng = new java.util.Random(seed);
        double[] px = new double[channels * size * size];
        double cx = size / 2.0 + rng.nextGaussian();
        double cy = size / 2.0 + rng.nextGaussian();
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double r2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (size * size / 10.0);
                    double v = Math.exp(-r2) * (0.8 + 0.2 * rng.nextDouble());
                    px[c * size * size + y * size + x] = v < 0.15 ? 0 : Math.min(1, v);
                }
            }
        }
        return px;
    }
}
