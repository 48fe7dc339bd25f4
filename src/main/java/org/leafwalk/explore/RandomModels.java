package org.leafwalk.explore;

import java.nio.file.Path;
import org.leafwalk.model.VitCheckpoints;

/** ViTs with random, seeded weights in the Hugging Face layout, for benchmarks and tests (never a default). */
public final class RandomModels {
    private RandomModels() {}

    /** Writes a ViT of this shape into {@code out}; returns its number of tokens (patches and [CLS]). */
    public static int writeVit(Path out, int imageSize, int patchSize, int channels, int hidden, int layers, int heads,
            int mlp, int labels, long seed) {
        if (imageSize % patchSize != 0 || hidden % heads != 0) {
            throw new IllegalArgumentException("image size must be a multiple of patch size and hidden of heads");
        }
        VitCheckpoints.writeRandom(out, new VitCheckpoints.Shape(imageSize, patchSize, channels, hidden, layers,
                heads, mlp, labels), seed, true, true);
        return (imageSize / patchSize) * (imageSize / patchSize) + 1;
    }
}
