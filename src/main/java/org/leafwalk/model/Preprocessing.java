package org.leafwalk.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.leafwalk.io.InvalidInputException;

/**
 * How an image processor brings an image to the model's input, as transformers' processors do: resize (to an exact
 * size, or the shortest edge to a length keeping the aspect ratio) with a Pillow filter, then an optional centre
 * crop; rescaling to [0,1] and normalising follow.
 *
 * @param resizeHeight the exact height (with {@code resizeWidth}); 0 when the shortest edge is given instead
 * @param shortestEdge the shortest edge's length; 0 when an exact size is given
 * @param cropHeight the centre crop (with {@code cropWidth}); 0: no crop
 */
public record Preprocessing(boolean resize, int resizeHeight, int resizeWidth, int shortestEdge, Resample filter,
        int cropHeight, int cropWidth) {

    /** ViTImageProcessor's default: resize to the model's size with a bilinear filter, no crop. */
    public static Preprocessing exact(int size) {
        return new Preprocessing(true, size, size, 0, Resample.BILINEAR, 0, 0);
    }

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
        }
        if (s.length() > 0) {
            notes.add(s.toString());
        }
        return s.toString();
    }

    /**
     * The processor's resize and crop: size ({height, width}, {shortest_edge} or a number), resample (Pillow's filter
     * number; bilinear by default, as ViTImageProcessor), do_resize, do_center_crop with crop_size. What it gives the
     * model must be the config's image_size square.
     */
    static Preprocessing read(JsonObject p, Path file, int image) {
        boolean resize = !p.has("do_resize") || VitConfig.bool(p.get("do_resize"), file, "do_resize");
        int h = image;
        int w = image;
        int shortest = 0;
        if (p.has("size")) {
            JsonElement s = p.get("size");
            int[] box = heightWidth(s, file, "size");
            if (box != null) {
                h = box[0];
                w = box[1];
            } else if (s.isJsonObject() && s.getAsJsonObject().has("shortest_edge")) {
                shortest = (int) VitConfig.number(s.getAsJsonObject().get("shortest_edge"), file, "size.shortest_edge");
                h = w = 0;
            } else {
                throw new InvalidInputException(file + ": size must be a number, {height, width} or {shortest_edge}, "
                        + "got " + s);
            }
        }
        Resample filter = Resample.BILINEAR;
        if (p.has("resample")) {
            int id = (int) VitConfig.number(p.get("resample"), file, "resample");
            filter = Resample.ofPillow(id);
            if (filter == null) {
                throw new InvalidInputException(file + ": resample " + id + " is not one of Pillow's filters (0 "
                        + "nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming)");
            }
        }
        int ch = 0;
        int cw = 0;
        if (p.has("do_center_crop") && VitConfig.bool(p.get("do_center_crop"), file, "do_center_crop")) {
            JsonElement c = p.get("crop_size");
            if (c == null) {
                throw new InvalidInputException(file + ": do_center_crop is true but crop_size is missing");
            }
            int[] box = heightWidth(c, file, "crop_size");
            if (box == null) {
                throw new InvalidInputException(file + ": crop_size must be a number or {height, width}, got " + c);
            }
            ch = box[0];
            cw = box[1];
        }
        if (p.has("crop_pct") && !p.get("crop_pct").isJsonNull()) {
            // as ConvNextImageProcessor: below 384, the shortest edge to size / crop_pct, then the centre size²
            double pct = VitConfig.number(p.get("crop_pct"), file, "crop_pct");
            if (!(pct > 0 && pct <= 1)) {
                throw new InvalidInputException(file + ": crop_pct must lie in (0, 1], got " + pct);
            }
            if (shortest == 0 || ch > 0) {
                throw new InvalidInputException(file + ": crop_pct is read as ConvNextImageProcessor does, with size "
                        + "{shortest_edge} and no crop_size");
            }
            if (shortest < 384) {
                return checked(new Preprocessing(resize, 0, 0, (int) (shortest / pct), filter, shortest, shortest),
                        file, image, "size");
            }
            return checked(new Preprocessing(resize, shortest, shortest, 0, filter, 0, 0), file, image, "size");
        }
        return checked(new Preprocessing(resize, h, w, shortest, filter, ch, cw), file, image,
                ch > 0 ? "crop_size" : "size");
    }

    private static Preprocessing checked(Preprocessing pp, Path file, int image, String field) {
        int given = pp.givenSize();
        if (image > 0 && given != image) {
            throw new InvalidInputException(file + ": " + field + " gives the model "
                    + (given < 0 ? "a non-square image" : given + "×" + given) + ", but image_size in config.json is "
                    + image);
        }
        return pp;
    }

    /** The square side the processor gives the model (the crop, else the resize), or -1 when not square. */
    int givenSize() {
        return cropHeight > 0 ? (cropHeight == cropWidth ? cropHeight : -1)
                : shortestEdge > 0 ? shortestEdge : (resizeHeight == resizeWidth ? resizeHeight : -1);
    }

    /** {height, width} of a processor field given as one number or as {height, width}; null when it is neither. */
    private static int[] heightWidth(JsonElement e, Path file, String field) {
        if (e.isJsonPrimitive()) {
            int n = (int) VitConfig.number(e, file, field);
            return new int[] {n, n};
        }
        if (!e.isJsonObject() || !e.getAsJsonObject().has("height")) {
            return null;
        }
        JsonObject o = e.getAsJsonObject();
        int h = (int) VitConfig.number(o.get("height"), file, field + ".height");
        return new int[] {h, o.has("width") ? (int) VitConfig.number(o.get("width"), file, field + ".width") : h};
    }
}
