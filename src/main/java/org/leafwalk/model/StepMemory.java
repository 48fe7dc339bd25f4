package org.leafwalk.model;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import org.leafwalk.io.InvalidInputException;

/**
 * What one walk step of an image model holds in memory, estimated from its shape before anything is loaded, so a
 * model that cannot be walked on this machine (a DINOv2 processor asking for a crop of thousands of pixels: tens of
 * thousands of tokens, attention T×T per head) is refused when it is opened, naming the field, instead of failing
 * in PyTorch's allocator after the weights and the position embeddings were made.
 *
 * <p>The estimate follows {@link VitTape}: the forward pass at batch 1 keeps every block's attention weights
 * (H × T × T) and activations for the pullback; the pullback takes a few cotangent rows at once (the Jacobian
 * pulls back at most {@link #PULLBACK_NUMBERS} input numbers' rows per piece, at least one row) and, per block,
 * makes the T × T cotangents of each row; a piece's arrays live until the piece ends, so every block's are counted.
 * The weights count three times their file (the file's copy, the parameters, the fused weights), the Jacobian of
 * the top-10 logits is doubles on the Java heap. Conservative, not exact: a model under it opens.
 */
final class StepMemory {
    private StepMemory() {}

    /**
     * The rows the batched pullback takes at once: the number of input numbers geometry's Linearization passes per
     * piece (its PULLBACK_NUMBERS, package-private there), divided by the input dimension.
     */
    static final long PULLBACK_NUMBERS = 400_000;

    /** The bytes of one walk step's arrays and of the weights, for this shape in {@code bytes}-wide floats. */
    static double estimate(VitConfig c, long weightFileBytes, int bytes) {
        double t = tokens(c);
        double d = c.hiddenSize();
        double h = c.numHeads();
        double layers = c.numLayers();
        double act = c.arch().swiglu() ? 2.0 * c.intermediateSize() : c.intermediateSize();
        double attention = h * t * t;
        double rows = rows(c);
        double tape = layers * (attention + 8 * t * d + 2 * t * act);
        double scores = attention + t * act; // the scores before the softmax, one block at a time
        double pullback = layers * rows * (attention + 10 * t * d + 3 * t * act);
        double jacobian = Math.min(c.numLabels() + c.representationSize(), 10) * inputNumbers(c) * 8.0;
        return (tape + scores + pullback) * bytes + 3.0 * weightFileBytes * bytes / 4 + jacobian;
    }

    private static double tokens(VitConfig c) {
        double grid = Math.floor((double) c.imageSize() / c.patchSize());
        return grid * grid + c.prefixTokens();
    }

    /** The smaller of the two spaces' dimensions, which gives the most rows per piece. */
    private static double inputNumbers(VitConfig c) {
        double pixels = (double) c.numChannels() * c.imageSize() * c.imageSize();
        return Math.min(pixels, tokens(c) * c.hiddenSize());
    }

    private static double rows(VitConfig c) {
        double k = Math.max(1, c.numLabels() + c.representationSize());
        return Math.max(1, Math.min(k, Math.floor(PULLBACK_NUMBERS / inputNumbers(c))));
    }

    /** The physical memory of this machine (or of its container), which PyTorch's native arrays come from. */
    static long physicalMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Refuses a model whose walk step would not fit in this machine's physical memory, naming the field that set its
     * input size (the processor's crop or size for DINOv2, config.json's image_size otherwise).
     */
    static void refuseWhatCannotFit(Path dir, VitConfig c, long weightFileBytes, int bytes) {
        double need = estimate(c, weightFileBytes, bytes);
        long have = physicalMemory();
        if (need <= have) {
            return;
        }
        boolean processor = c.family().startsWith("dinov2") && c.preprocessing().sizeField() != null;
        String where = processor ? dir.resolve("preprocessor_config.json") + ": " + c.preprocessing().sizeField()
                : dir.resolve("config.json") + ": image_size " + c.imageSize();
        String field = processor ? c.preprocessing().sizeField().split(" ")[0] : "image_size";
        long t = (long) tokens(c);
        long grid = c.imageSize() / c.patchSize();
        double attention = (double) c.numLayers() * c.numHeads() * tokens(c) * tokens(c) * bytes;
        throw new InvalidInputException(String.format(Locale.ROOT, "%s gives the model %,d tokens (%d×%d patches of "
                + "%d pixels, %d×%d input): one walk step would need about %s (%d layers × %d heads of %,d × %,d "
                + "attention weights alone are %s, kept for the Jacobian's pullback), more than the %s of physical "
                + "memory this machine has; use a smaller %s", where, t, grid, grid, c.patchSize(),
                c.imageSize(), c.imageSize(), size(need), c.numLayers(), c.numHeads(), t, t, size(attention),
                size(have), field));
    }

    private static String size(double bytes) {
        return bytes >= 1e12 ? String.format(Locale.ROOT, "%.1f TB", bytes / 1e12)
                : bytes >= 1e9 ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }
}
