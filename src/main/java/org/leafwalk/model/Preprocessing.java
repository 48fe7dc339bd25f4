package org.leafwalk.model;

import java.util.List;

/**
 * How an image processor brings an image to the model's input, as transformers' processors do: resize (to an exact
 * size, or the shortest edge to a length keeping the aspect ratio) with a Pillow filter, then an optional centre
 * crop (padded with zeros where the image is smaller), then rescaling and normalising. {@link PreprocessorConfig}
 * reads it from a model folder's preprocessor_config.json.
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

    /** The square side the processor gives the model (the crop, else the resize), or -1 when not square. */
    int givenSize() {
        return cropHeight > 0 ? (cropHeight == cropWidth ? cropHeight : -1)
                : shortestEdge > 0 ? shortestEdge : (resizeHeight == resizeWidth ? resizeHeight : -1);
    }
}
