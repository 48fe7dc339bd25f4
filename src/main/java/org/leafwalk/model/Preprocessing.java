package org.leafwalk.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.leafwalk.io.InvalidInputException;

/**
 * How an image processor brings an image to the model's input, as transformers' processors do: resize (to an exact
 * size, or the shortest edge to a length keeping the aspect ratio) with a Pillow filter, then an optional centre
 * crop (padded with zeros where the image is smaller), then rescaling and normalising.
 *
 * @param resizeHeight the exact height (with {@code resizeWidth}); 0 when the shortest edge is given instead
 * @param shortestEdge the shortest edge's length; 0 when an exact size is given
 * @param cropHeight the centre crop (with {@code cropWidth}); 0: no crop
 * @param pixelScale what the processor multiplies an intensity in [0,1] by before normalising: 255 ×
 *     rescale_factor (1 for transformers' default 1/255), or 255 without do_rescale (the model reads 0 to 255)
 * @param sizeField the processor's field (and value) that sets the size the model is given, for messages; null when
 *     it is config.json's image_size
 */
public record Preprocessing(boolean resize, int resizeHeight, int resizeWidth, int shortestEdge, Resample filter,
        int cropHeight, int cropWidth, double pixelScale, String sizeField) {

    /** ViTImageProcessor's default: resize to the model's size with a bilinear filter, no crop, rescale by 1/255. */
    public static Preprocessing exact(int size) {
        return new Preprocessing(true, size, size, 0, Resample.BILINEAR, 0, 0, 1, null);
    }

    private static final double[] STANDARD_MEAN = {0.5, 0.5, 0.5};
    private static final double[] STANDARD_STD = {0.5, 0.5, 0.5};
    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    /**
     * The transformers image processors Leafwalk follows, with what each does with a field and takes for one left
     * out (their slow, Pillow-based classes; a Fast class is read as its slow one).
     */
    enum Kind {
        VIT("ViTImageProcessor", true, false, 224, Resample.BILINEAR, false, false, 0, STANDARD_MEAN, STANDARD_STD,
                "IMAGENET_STANDARD", false),
        DEIT("DeiTImageProcessor", true, false, 256, Resample.BICUBIC, true, true, 224, STANDARD_MEAN, STANDARD_STD,
                "IMAGENET_STANDARD", false),
        BEIT("BeitImageProcessor", true, false, 256, Resample.BICUBIC, true, true, 224, STANDARD_MEAN, STANDARD_STD,
                "IMAGENET_STANDARD", false),
        BIT("BitImageProcessor", true, true, 224, Resample.BICUBIC, true, true, 224, CLIP_MEAN, CLIP_STD,
                "OPENAI_CLIP", false),
        CLIP("CLIPImageProcessor", true, true, 224, Resample.BICUBIC, true, true, 224, CLIP_MEAN, CLIP_STD,
                "OPENAI_CLIP", false),
        CONVNEXT("ConvNextImageProcessor", false, true, 384, Resample.BILINEAR, false, false, 0, IMAGENET_MEAN,
                IMAGENET_STD, "IMAGENET_DEFAULT", true);

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

        Kind(String className, boolean heightWidth, boolean shortest, int defaultSize, Resample defaultFilter,
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
        static Kind of(String modelType) {
            return switch (modelType) {
                case "deit" -> DEIT;
                case "beit" -> BEIT;
                case "dinov2", "dinov2_with_registers" -> BIT;
                case "clip", "clip_vision_model" -> CLIP;
                default -> VIT;
            };
        }
    }

    /**
     * Fields of other image processors that would change what the model is fed, which none of the processors
     * Leafwalk follows reads: refused when they would act rather than dropped.
     */
    private static final List<String> FOREIGN_SWITCHES = List.of("do_pad", "do_flip_channel_order", "rescale_offset",
            "do_color_quantize", "keep_aspect_ratio", "do_thumbnail", "do_align_long_axis", "do_crop_margin",
            "crop_to_patches", "do_split_image", "do_image_splitting");
    private static final List<String> FOREIGN_VALUES = List.of("pad_size", "size_divisor", "size_divisibility",
            "ensure_multiple_of", "max_size", "patch_size", "pad_to_multiple_of");

    /** The size the processor gives the model (the crop, else the resize). */
    public int outputSize(int width, int height) {
        if (cropHeight > 0) {
            return cropHeight == cropWidth ? cropHeight : -1;
        }
        int[] r = resized(width, height);
        return r[0] == r[1] ? r[0] : -1;
    }

    /** {width, height} after the resize, as transformers' get_resize_output_image_size computes it. */
    int[] resized(int width, int height) {
        if (!resize) {
            return new int[] {width, height};
        }
        if (shortestEdge == 0) {
            return new int[] {resizeWidth, resizeHeight};
        }
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        int newLong = (int) ((long) shortestEdge * longSide / shortSide);
        return width <= height ? new int[] {shortestEdge, newLong} : new int[] {newLong, shortestEdge};
    }

    /** What the processor does, for the notes. */
    String describe(int width, int height, List<String> notes) {
        int[] r = resized(width, height);
        StringBuilder s = new StringBuilder();
        if (r[0] != width || r[1] != height) {
            s.append("resized from ").append(width).append('×').append(height).append(" to ").append(r[0]).append('×')
                    .append(r[1]).append(" (").append(filter.id()).append(shortestEdge > 0 ? ", shortest edge" : "")
                    .append(", as the image processor does)");
        }
        if (cropHeight > 0 && (cropWidth != r[0] || cropHeight != r[1])) {
            s.append(s.length() == 0 ? "" : "; ").append("centre-cropped to ").append(cropWidth).append('×')
                    .append(cropHeight);
            if (cropWidth > r[0] || cropHeight > r[1]) {
                s.append(" (padded with zeros where the image is smaller, as transformers' center_crop does)");
            }
        }
        if (s.length() > 0) {
            notes.add(s.toString());
        }
        return s.toString();
    }

    /**
     * The processor that reads the file: its image_processor_type (or a legacy feature_extractor_type), else the
     * one transformers' AutoImageProcessor takes for the model type. One Leafwalk does not follow is refused.
     */
    static Kind kind(JsonObject p, Path file, String modelType) {
        String field = present(p, "image_processor_type") ? "image_processor_type"
                : present(p, "feature_extractor_type") ? "feature_extractor_type" : null;
        if (field == null) {
            return Kind.of(modelType);
        }
        String name = VitConfig.stringField(p, file, field, "");
        String base = name.replace("FeatureExtractor", "ImageProcessor");
        base = base.endsWith("Fast") ? base.substring(0, base.length() - 4) : base;
        for (Kind k : Kind.values()) {
            if (k.className.equals(base)) {
                return k;
            }
        }
        StringBuilder known = new StringBuilder();
        for (Kind k : Kind.values()) {
            known.append(known.length() == 0 ? "" : ", ").append(k.className);
        }
        throw new InvalidInputException(file + ": " + field + " '" + name + "' is not an image processor Leafwalk "
                + "follows (" + known + ")");
    }

    /**
     * The normalisation mean or std the processor takes when the file gives none: its default (three values), or
     * that value for every channel when all three are the same.
     */
    static double[] defaultNormalisation(Kind kind, boolean mean, int channels, Path file) {
        double[] d = mean ? kind.mean : kind.std;
        if (channels == d.length) {
            return d.clone();
        }
        if (d[0] == d[1] && d[1] == d[2]) {
            double[] out = new double[channels];
            Arrays.fill(out, d[0]);
            return out;
        }
        String field = mean ? "image_mean" : "image_std";
        throw new InvalidInputException(file + ": no " + field + ": " + kind.className + "'s default ("
                + kind.meanName + "_" + (mean ? "MEAN" : "STD") + ") has 3 values, the model has " + channels
                + " channel" + (channels == 1 ? "" : "s") + "; give " + field);
    }

    /**
     * The processor's resize, crop and rescale, with transformers' meaning for each field and the processor class's
     * default for a field left out: size ({height, width}, {shortest_edge} or a number, which is a square or the
     * shortest edge as the class reads it), resample (Pillow's filter number), do_resize, do_center_crop with
     * crop_size, crop_pct (ConvNextImageProcessor), do_rescale with rescale_factor. A value transformers would
     * reject, and a field of another processor that would change the input, is refused by name. What it gives the
     * model must be the config's image_size square ({@code image} 0: any square, DINOv2 interpolating to it).
     */
    static Preprocessing read(JsonObject p, Path file, int image, Kind kind, List<String> notes) {
        for (String f : FOREIGN_SWITCHES) {
            if (present(p, f) && VitConfig.bool(p.get(f), file, f)) {
                throw new InvalidInputException(file + ": " + f + " true is a field of another image processor: "
                        + kind.className + " does not read it, and Leafwalk does not do it (remove it or set it "
                        + "false)");
            }
        }
        for (String f : FOREIGN_VALUES) {
            if (present(p, f)) {
                throw new InvalidInputException(file + ": " + f + " is a field of another image processor: "
                        + kind.className + " does not read it, and Leafwalk does not do it (remove it)");
            }
        }
        for (String f : List.of("do_convert_rgb", "do_reduce_labels")) {
            // harmless here: Leafwalk converts every image to the model's channels; labels maps are segmentation's
            if (present(p, f)) {
                VitConfig.bool(p.get(f), file, f);
            }
        }
        boolean resize = !p.has("do_resize") || VitConfig.bool(p.get("do_resize"), file, "do_resize");
        int[] size = present(p, "size") ? sizeOf(p.get("size"), file, "size", kind, notes)
                : kind.shortest ? new int[] {0, 0, kind.defaultSize}
                : new int[] {kind.defaultSize, kind.defaultSize, 0};
        String sizeField = present(p, "size") ? "size " + sizeText(size) : "size " + sizeText(size) + " ("
                + kind.className + "'s default)";
        Resample filter = kind.defaultFilter;
        if (present(p, "resample")) {
            int id = VitConfig.whole(p.get("resample"), file, "resample", 0);
            filter = Resample.ofPillow(id);
            if (filter == null) {
                throw new InvalidInputException(file + ": resample " + id + " is not one of Pillow's filters (0 "
                        + "nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming)");
            }
        }
        int ch = 0;
        int cw = 0;
        String cropField = null;
        if (kind.crops) {
            int[] crop = present(p, "crop_size") ? cropOf(p.get("crop_size"), file)
                    : new int[] {kind.defaultCrop, kind.defaultCrop};
            boolean crops = p.has("do_center_crop") ? VitConfig.bool(p.get("do_center_crop"), file, "do_center_crop")
                    : kind.cropsByDefault;
            if (crops) {
                ch = crop[0];
                cw = crop[1];
                cropField = "crop_size " + (ch == cw ? Integer.toString(ch) : ch + "×" + cw)
                        + (present(p, "crop_size") ? "" : " (" + kind.className + "'s default)");
            }
        } else if (present(p, "do_center_crop") && VitConfig.bool(p.get("do_center_crop"), file, "do_center_crop")) {
            notes.add(file.getFileName() + ": do_center_crop is not a field of " + kind.className
                    + ", which does not crop (transformers ignores it, and so does Leafwalk)");
        }
        double scale = rescale(p, file, notes);
        if (kind.cropPct) {
            // as ConvNextImageProcessor: below 384, the shortest edge to size / crop_pct, then the centre size²
            double pct = present(p, "crop_pct") ? VitConfig.number(p.get("crop_pct"), file, "crop_pct") : 224 / 256.0;
            if (!(pct > 0)) {
                throw new InvalidInputException(file + ": crop_pct must be positive, got " + pct);
            }
            int shortest = size[2];
            if (shortest < 384) {
                long edge = (long) (shortest / pct);
                if (edge < 1 || edge > Integer.MAX_VALUE) {
                    throw new InvalidInputException(file + ": crop_pct " + pct + " resizes the shortest edge "
                            + shortest + " to " + edge + " pixels");
                }
                return checked(new Preprocessing(resize, 0, 0, (int) edge, filter, shortest, shortest, scale,
                        sizeField), file, image);
            }
            return checked(new Preprocessing(resize, shortest, shortest, 0, filter, 0, 0, scale, sizeField), file,
                    image);
        } else if (present(p, "crop_pct")) {
            VitConfig.number(p.get("crop_pct"), file, "crop_pct");
            notes.add(file.getFileName() + ": crop_pct is ConvNextImageProcessor's; " + kind.className
                    + " does not read it (transformers ignores it, and so does Leafwalk)");
        }
        return checked(new Preprocessing(resize, size[0], size[1], size[2], filter, ch, cw, scale,
                ch > 0 ? cropField : sizeField), file, image);
    }

    /** do_rescale and rescale_factor as the factor on an intensity in [0,1] (see {@link #pixelScale}). */
    private static double rescale(JsonObject p, Path file, List<String> notes) {
        boolean rescale = !p.has("do_rescale") || VitConfig.bool(p.get("do_rescale"), file, "do_rescale");
        double factor = 1 / 255.0;
        if (p.has("rescale_factor") && rescale) {
            factor = VitConfig.number(p.get("rescale_factor"), file, "rescale_factor");
            if (!(factor > 0)) {
                throw new InvalidInputException(file + ": rescale_factor must be positive, got " + p.get(
                        "rescale_factor"));
            }
        }
        double scale = rescale ? 255 * factor : 255;
        if (Math.abs(scale - 1) < 1e-9) {
            return 1; // 1/255 as a file writes it to 17 digits
        }
        notes.add(file.getFileName() + ": " + (rescale ? "rescale_factor " + factor + ": the model reads pixel "
                + "values from 0 to " + (float) (255 * factor) : "do_rescale false: the model reads pixel values "
                + "from 0 to 255") + " before normalising, as transformers feeds them (the walk's pixels stay "
                + "intensities in [0,1]; the factor is part of the normalisation)");
        return scale;
    }

    private static Preprocessing checked(Preprocessing pp, Path file, int image) {
        int given = pp.givenSize();
        if (image > 0 && given != image) {
            throw new InvalidInputException(file + ": " + pp.sizeField + " gives the model "
                    + (given < 0 ? "a non-square image" : given + "×" + given)
                    + ", but image_size in config.json is " + image);
        }
        return pp;
    }

    /** The square side the processor gives the model (the crop, else the resize), or -1 when not square. */
    int givenSize() {
        return cropHeight > 0 ? (cropHeight == cropWidth ? cropHeight : -1)
                : shortestEdge > 0 ? shortestEdge : (resizeHeight == resizeWidth ? resizeHeight : -1);
    }

    private static String sizeText(int[] size) {
        return size[2] > 0 ? "{shortest_edge " + size[2] + "}"
                : size[0] == size[1] ? Integer.toString(size[0]) : size[0] + "×" + size[1];
    }

    /**
     * {height, width, shortest edge} of size as transformers' get_size_dict reads it and the processor class
     * resizes by it: a number (a square or the shortest edge, as the class says), [height, width], or an object
     * with exactly the keys {height, width}, {shortest_edge} or {shortest_edge, longest_edge}.
     */
    private static int[] sizeOf(JsonElement e, Path file, String field, Kind kind, List<String> notes) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            int n = VitConfig.whole(e, file, field, 1);
            return kind.squareSize() ? new int[] {n, n, 0} : new int[] {0, 0, n};
        }
        if (e.isJsonArray()) {
            if (e.getAsJsonArray().size() != 2) {
                throw new InvalidInputException(file + ": " + field + " as a list is [height, width], got " + e);
            }
            return heightWidth(kind, file, field, VitConfig.whole(e.getAsJsonArray().get(0), file, field + "[0]", 1),
                    VitConfig.whole(e.getAsJsonArray().get(1), file, field + "[1]", 1));
        }
        if (!e.isJsonObject()) {
            throw new InvalidInputException(file + ": " + field + " must be a number, [height, width] or an object "
                    + "{height, width} or {shortest_edge}, got " + e);
        }
        JsonObject o = e.getAsJsonObject();
        Set<String> keys = new TreeSet<>(o.keySet());
        if (keys.equals(Set.of("height", "width"))) {
            return heightWidth(kind, file, field, VitConfig.whole(o.get("height"), file, field + ".height", 1),
                    VitConfig.whole(o.get("width"), file, field + ".width", 1));
        }
        if (keys.equals(Set.of("shortest_edge")) || keys.equals(Set.of("shortest_edge", "longest_edge"))) {
            int s = VitConfig.whole(o.get("shortest_edge"), file, field + ".shortest_edge", 1);
            if (!kind.shortest) {
                throw new InvalidInputException(file + ": " + field + " {shortest_edge} is not read by "
                        + kind.className + ", which resizes to {height, width} (transformers refuses it too); "
                        + "a shortest-edge resize is CLIPImageProcessor's or BitImageProcessor's");
            }
            if (keys.contains("longest_edge")) {
                int l = VitConfig.whole(o.get("longest_edge"), file, field + ".longest_edge", 1);
                notes.add(file.getFileName() + ": size.longest_edge " + l + " is not read by " + kind.className
                        + " (transformers resizes by the shortest edge alone, and so does Leafwalk)");
            }
            return new int[] {0, 0, s};
        }
        throw new InvalidInputException(file + ": " + field + " must have the keys {height, width} or "
                + "{shortest_edge} (as transformers' get_size_dict reads them), got " + keys);
    }

    private static int[] heightWidth(Kind kind, Path file, String field, int h, int w) {
        if (!kind.heightWidth) {
            throw new InvalidInputException(file + ": " + field + " {height, width} is not read by "
                    + kind.className + ", which needs {shortest_edge} (transformers refuses it too)");
        }
        return new int[] {h, w, 0};
    }

    /** {height, width} of crop_size: a number (a square), [height, width] or {height, width}. */
    private static int[] cropOf(JsonElement e, Path file) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            int n = VitConfig.whole(e, file, "crop_size", 1);
            return new int[] {n, n};
        }
        if (e.isJsonArray() && e.getAsJsonArray().size() == 2) {
            return new int[] {VitConfig.whole(e.getAsJsonArray().get(0), file, "crop_size[0]", 1),
                VitConfig.whole(e.getAsJsonArray().get(1), file, "crop_size[1]", 1)};
        }
        if (e.isJsonObject() && e.getAsJsonObject().keySet().equals(Set.of("height", "width"))) {
            JsonObject o = e.getAsJsonObject();
            return new int[] {VitConfig.whole(o.get("height"), file, "crop_size.height", 1),
                VitConfig.whole(o.get("width"), file, "crop_size.width", 1)};
        }
        throw new InvalidInputException(file + ": crop_size must be a number, [height, width] or {height, width} "
                + "(transformers' center_crop reads those), got " + e);
    }

    /** Whether a field is given: present and not null (transformers takes null for its default). */
    static boolean present(JsonObject p, String name) {
        return p.has(name) && !p.get(name).isJsonNull();
    }
}
