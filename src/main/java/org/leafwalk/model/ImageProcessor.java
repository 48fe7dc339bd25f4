package org.leafwalk.model;

import java.nio.file.Path;
import java.util.Arrays;
import org.leafwalk.io.InvalidInputException;

/**
 * The transformers image processors Leafwalk follows, with what each does with a field and takes for one left
 * out (their slow, Pillow-based classes; a Fast class is read as its slow one).
 */
enum ImageProcessor {
    VIT("ViTImageProcessor", true, false, 224, Resample.BILINEAR, false, false, 0, Defaults.STANDARD_MEAN,
            Defaults.STANDARD_STD, "IMAGENET_STANDARD", false),
    DEIT("DeiTImageProcessor", true, false, 256, Resample.BICUBIC, true, true, 224, Defaults.STANDARD_MEAN,
            Defaults.STANDARD_STD, "IMAGENET_STANDARD", false),
    BEIT("BeitImageProcessor", true, false, 256, Resample.BICUBIC, true, true, 224, Defaults.STANDARD_MEAN,
            Defaults.STANDARD_STD, "IMAGENET_STANDARD", false),
    BIT("BitImageProcessor", true, true, 224, Resample.BICUBIC, true, true, 224, Defaults.CLIP_MEAN,
            Defaults.CLIP_STD, "OPENAI_CLIP", false),
    CLIP("CLIPImageProcessor", true, true, 224, Resample.BICUBIC, true, true, 224, Defaults.CLIP_MEAN,
            Defaults.CLIP_STD, "OPENAI_CLIP", false),
    CONVNEXT("ConvNextImageProcessor", false, true, 384, Resample.BILINEAR, false, false, 0, Defaults.IMAGENET_MEAN,
            Defaults.IMAGENET_STD, "IMAGENET_DEFAULT", true);

    final String className;
    /** size {height, width} is read; a bare number is a square (else it is the shortest edge). */
    final boolean heightWidth;
    final boolean shortest;
    final int defaultSize;
    final Resample defaultFilter;
    final boolean crops;
    final boolean cropsByDefault;
    final int defaultCrop;
    final double[] mean;
    final double[] std;
    final String meanName;
    final boolean cropPct;

    ImageProcessor(String className, boolean heightWidth, boolean shortest, int defaultSize, Resample defaultFilter,
            boolean crops, boolean cropsByDefault, int defaultCrop, double[] mean, double[] std, String meanName,
            boolean cropPct) {
        this.className = className;
        this.heightWidth = heightWidth;
        this.shortest = shortest;
        this.defaultSize = defaultSize;
        this.defaultFilter = defaultFilter;
        this.crops = crops;
        this.cropsByDefault = cropsByDefault;
        this.defaultCrop = defaultCrop;
        this.mean = mean;
        this.std = std;
        this.meanName = meanName;
        this.cropPct = cropPct;
    }

    /** A bare number as size: a square for the processors that resize to {height, width}. */
    boolean squareSize() {
        return !shortest;
    }

    /** The processor AutoImageProcessor takes for a model type whose file names none. */
    static ImageProcessor of(String modelType) {
        return switch (modelType) {
            case "deit" -> DEIT;
            case "beit" -> BEIT;
            case "dinov2", "dinov2_with_registers" -> BIT;
            case "clip", "clip_vision_model" -> CLIP;
            default -> VIT;
        };
    }

    /**
     * The normalisation mean or std the processor takes when the file gives none: its default (three values), or
     * that value for every channel when all three are the same.
     */
    double[] defaultNormalisation(boolean mean, int channels, Path file) {
        double[] d = mean ? this.mean : this.std;
        if (channels == d.length) {
            return d.clone();
        }
        if (d[0] == d[1] && d[1] == d[2]) {
            double[] out = new double[channels];
            Arrays.fill(out, d[0]);
            return out;
        }
        String field = mean ? "image_mean" : "image_std";
        throw new InvalidInputException(file + ": no " + field + ": " + className + "'s default ("
                + meanName + "_" + (mean ? "MEAN" : "STD") + ") has 3 values, the model has " + channels
                + " channel" + (channels == 1 ? "" : "s") + "; give " + field);
    }

    /** The processors' default normalisations (a holder: enum constants cannot read the enum's own statics). */
    private static final class Defaults {
        static final double[] STANDARD_MEAN = {0.5, 0.5, 0.5};
        static final double[] STANDARD_STD = {0.5, 0.5, 0.5};
        static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
        static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
        static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
        static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};
    }
}
