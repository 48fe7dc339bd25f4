package org.leafwalk.explore.subject;

import java.nio.file.Path;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.model.VitCheckpoints;

/** ViTs with random, seeded weights in the Hugging Face layout, for benchmarks and tests (never a default). */
public final class RandomModels {
    private RandomModels() {}

    /** The families and variants {@link #write} writes. */
    public static java.util.List<String> families() {
        return org.leafwalk.model.VisionArch.VARIANTS;
    }

    /** Whether a family's checkpoint has a classifier whose classes {@link #write}'s {@code labels} counts. */
    public static boolean sizedClassifier(String family) {
        org.leafwalk.model.VisionArch a = org.leafwalk.model.VisionArch.variant(family, 1, 1);
        return a.hasClassifier() && !a.zeroShot();
    }

    /** Whether a family's classes are zero-shot label prompts (a whole CLIPModel), given when it is walked. */
    public static boolean zeroShot(String family) {
        return org.leafwalk.model.VisionArch.variant(family, 1, 1).zeroShot();
    }

    /** Writes a ViT of this shape into {@code out}; returns its number of tokens (patches and [CLS]). */
    public static int writeVit(Path out, int imageSize, int patchSize, int channels, int hidden, int layers, int heads,
            int mlp, int labels, long seed) {
        return write(out, "vit", imageSize, patchSize, channels, hidden, layers, heads, mlp, labels, seed);
    }

    /**
     * Writes a random model into the folder {@code out} as a whole (init-vit): its files and nothing else, put in
     * place only when all are written; {@code force} replaces the model folder already there.
     */
    public static int create(Path out, boolean force, String family, int imageSize, int patchSize, int channels,
            int hidden, int layers, int heads, int mlp, int labels, long seed) {
        try (org.leafwalk.io.StagedFolder folder = org.leafwalk.io.StagedFolder.begin(out, "--out", force)) {
            int tokens = write(folder.path(), family, imageSize, patchSize, channels, hidden, layers, heads, mlp,
                    labels, seed);
            folder.commit();
            return tokens;
        }
    }

    /**
     * Writes a random model of {@code family} (one of {@link #families()}) and this shape into {@code out}, in the
     * family's own checkpoint layout; returns its number of tokens.
     */
    public static int write(Path out, String family, int imageSize, int patchSize, int channels, int hidden,
            int layers, int heads, int mlp, int labels, long seed) {
        if (imageSize % patchSize != 0 || hidden % heads != 0) {
            throw new InvalidInputException("image size must be a multiple of patch size and hidden of heads");
        }
        org.leafwalk.model.VisionArch a = org.leafwalk.model.VisionArch.variant(family, imageSize / patchSize, hidden);
        VitCheckpoints.writeRandom(out, new VitCheckpoints.Shape(imageSize, patchSize, channels, hidden, layers,
                heads, mlp, labels), family, seed);
        return (imageSize / patchSize) * (imageSize / patchSize) + a.prefixTokens();
    }
}
