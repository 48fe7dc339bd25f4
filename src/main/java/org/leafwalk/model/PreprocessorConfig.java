package org.leafwalk.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;

/**
 * Reads a model folder's preprocessor_config.json as transformers' image processors read it: which processor
 * ({@link ImageProcessor}) reads it, the normalisation and the background, and the resize, crop and rescale as a
 * {@link Preprocessing}. A value transformers would reject, and a field of another processor that would change the
 * input, is refused by name; what Leafwalk takes for a field left out is the processor class's default.
 */
final class PreprocessorConfig {
    private PreprocessorConfig() {}

    /**
     * How pixels reach the model: the normalisation (divided by the processor's pixel scale, so the walk's pixels
     * stay intensities in [0,1]), the background transparency is composited onto, the resize and crop, and the image
     * size (a DINOv2's the processor's, its position embeddings interpolated to it).
     */
    record Pixels(double[] mean, double[] std, double[] background, Preprocessing preprocessing, int imageSize) {}

    /**
     * Reads a model folder's preprocessor_config.json (or notes its absence: transformers' ViT default) for a model
     * of {@code channels} channels, {@code image} pixels square in config.json, and {@code patch} pixels a patch.
     */
    static Pixels pixels(Path dir, String type, boolean dino, int channels, int image, int patch, List<String> notes) {
        double[] mean = new double[channels];
        double[] std = new double[channels];
        java.util.Arrays.fill(mean, 0.5);
        java.util.Arrays.fill(std, 0.5);
        Path pre = dir.resolve("preprocessor_config.json");
        double[] background = VitConfig.DEFAULT_BACKGROUND.clone();
        Preprocessing preprocessing = Preprocessing.exact(image);
        if (Files.exists(pre)) {
            JsonObject p = JsonFiles.readObject(pre);
            if (p.has("background_color")) {
                // as Pillow fills: 0-255 per channel, one number for grey
                if (p.get("background_color").isJsonArray() && p.getAsJsonArray("background_color").size() != 3) {
                    throw new InvalidInputException(pre + ": background_color must be one number or three (RGB)");
                }
                double[] bg = floats(p, pre, "background_color", 3, background);
                for (int i = 0; i < 3; i++) {
                    if (!(bg[i] >= 0 && bg[i] <= 255)) {
                        throw new InvalidInputException(pre + ": background_color values lie in 0 to 255");
                    }
                    background[i] = bg[i] / 255;
                }
            }
            ImageProcessor kind = processor(p, pre, type);
            boolean normalize = !p.has("do_normalize") || VitConfig.bool(p.get("do_normalize"), pre, "do_normalize");
            if (normalize) {
                mean = present(p, "image_mean") ? floats(p, pre, "image_mean", channels, mean)
                        : kind.defaultNormalisation(true, channels, pre);
                std = present(p, "image_std") ? floats(p, pre, "image_std", channels, std)
                        : kind.defaultNormalisation(false, channels, pre);
            } else {
                java.util.Arrays.fill(mean, 0);
                java.util.Arrays.fill(std, 1);
            }
            for (int i = 0; i < channels; i++) {
                if (!(std[i] > 0)) {
                    throw new InvalidInputException(pre + ": image_std must be positive, got " + std[i]
                            + (channels > 1 ? " (channel " + i + ")" : ""));
                }
            }
            // DINOv2 interpolates its position embeddings to the processor's crop; the other families need the size
            preprocessing = read(p, pre, dino ? 0 : image, kind, notes);
            // the model reads (s·x − mean) / std of an intensity x in [0,1]: (x − mean/s) / (std/s), so the walk's
            // pixels, their bounds [0,1] and the images written stay intensities whatever the processor's scale
            for (int i = 0; i < channels; i++) {
                mean[i] /= preprocessing.pixelScale();
                std[i] /= preprocessing.pixelScale();
            }
            if (dino) {
                int given = preprocessing.givenSize();
                if (given <= 0 || given % patch != 0) {
                    throw new InvalidInputException(pre + ": the image processor gives the model "
                            + (given <= 0 ? "a non-square image" : given + "×" + given + ", not a multiple of patch_size "
                            + patch));
                }
                if (given != image) {
                    notes.add("position embeddings interpolated bicubically from a " + image / patch + "×"
                            + image / patch + " to a " + given / patch + "×" + given / patch
                            + " patch grid (the processor's " + given + "×" + given + " input), as transformers does");
                }
                image = given;
            }
        } else {
            notes.add("no preprocessor_config.json: the pixels are normalised with mean 0.5 and std 0.5, "
                    + "transformers' ViT default");
        }
        return new Pixels(mean, std, background, preprocessing, image);
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

    /**
     * The processor that reads the file: its image_processor_type (or a legacy feature_extractor_type), else the
     * one transformers' AutoImageProcessor takes for the model type. One Leafwalk does not follow is refused.
     */
    static ImageProcessor processor(JsonObject p, Path file, String modelType) {
        String field = present(p, "image_processor_type") ? "image_processor_type"
                : present(p, "feature_extractor_type") ? "feature_extractor_type" : null;
        if (field == null) {
            return ImageProcessor.of(modelType);
        }
        String name = VitConfig.stringField(p, file, field, "");
        String base = name.replace("FeatureExtractor", "ImageProcessor");
        base = base.endsWith("Fast") ? base.substring(0, base.length() - 4) : base;
        for (ImageProcessor k : ImageProcessor.values()) {
            if (k.className.equals(base)) {
                return k;
            }
        }
        StringBuilder known = new StringBuilder();
        for (ImageProcessor k : ImageProcessor.values()) {
            known.append(known.length() == 0 ? "" : ", ").append(k.className);
        }
        throw new InvalidInputException(file + ": " + field + " '" + name + "' is not an image processor Leafwalk "
                + "follows (" + known + ")");
    }

    /**
     * The processor's resize, crop and rescale, with transformers' meaning for each field and the processor class's
     * default for a field left out: size ({height, width}, {shortest_edge} or a number, which is a square or the
     * shortest edge as the class reads it), resample (Pillow's filter number), do_resize, do_center_crop with
     * crop_size, crop_pct (ConvNextImageProcessor), do_rescale with rescale_factor. A value transformers would
     * reject, and a field of another processor that would change the input, is refused by name. What it gives the
     * model must be the config's image_size square ({@code image} 0: any square, DINOv2 interpolating to it).
     */
    static Preprocessing read(JsonObject p, Path file, int image, ImageProcessor kind, List<String> notes) {
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

    /** do_rescale and rescale_factor as the factor on an intensity in [0,1] (see {@link Preprocessing#pixelScale}). */
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
            throw new InvalidInputException(file + ": " + pp.sizeField() + " gives the model "
                    + (given < 0 ? "a non-square image" : given + "×" + given)
                    + ", but image_size in config.json is " + image);
        }
        return pp;
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
    private static int[] sizeOf(JsonElement e, Path file, String field, ImageProcessor kind, List<String> notes) {
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

    private static int[] heightWidth(ImageProcessor kind, Path file, String field, int h, int w) {
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

    private static double[] floats(JsonObject p, Path file, String name, int channels, double[] dflt) {
        if (!p.has(name)) {
            return dflt;
        }
        JsonElement e = p.get(name);
        double[] out = new double[channels];
        if (e.isJsonPrimitive()) {
            java.util.Arrays.fill(out, VitConfig.number(e, file, name));
            return out;
        }
        if (!e.isJsonArray()) {
            throw new InvalidInputException(file + ": " + name + " must be a number or a list of numbers, got " + e);
        }
        var arr = e.getAsJsonArray();
        if (arr.size() != channels) {
            throw new InvalidInputException(file + ": " + name + " has " + arr.size() + " values but the model has "
                    + channels + " channels");
        }
        for (int i = 0; i < channels; i++) {
            out[i] = VitConfig.number(arr.get(i), file, name + "[" + i + "]");
        }
        return out;
    }
}
