package org.leafwalk.model;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.leafwalk.io.DecodedImage;
import org.leafwalk.io.Images;
import org.leafwalk.io.InvalidInputException;

/**
 * An image as the model's pixel point: channel-major (C, H, W) intensities in [0,1], converted to the model's
 * channel count and size. Every conversion is reported in {@code notes} so the user knows what was fed.
 */
public record ImageInput(String source, double[] pixels, int channels, int size, List<String> notes) {

    public static ImageInput load(Path file, VitConfig config) {
        return fromImage(file.toString(), Images.decode(file, config.imageBackground()), config);
    }

    /** An image file's bytes that came without a file (a client of {@code leafwalk serve} sent them). */
    public static ImageInput load(String name, byte[] data, VitConfig config) {
        return fromImage(name, Images.decode(name, data, config.imageBackground()), config);
    }

    public static ImageInput fromImage(String source, BufferedImage img, VitConfig config) {
        return fromImage(source, Images.decode(img, config.imageBackground(), new ArrayList<>()), config);
    }

    public static ImageInput fromImage(String source, DecodedImage img, VitConfig config) {
        int size = config.imageSize();
        int channels = config.numChannels();
        if (channels != 1 && channels != 3) {
            throw new InvalidInputException("the model expects " + channels
                    + " channels; Leafwalk feeds images to 1- or 3-channel models");
        }
        List<String> notes = new ArrayList<>(img.notes());
        boolean sourceGray = img.isGray();
        if (img.width() != size || img.height() != size) {
            img = preprocess(img, config.preprocessing(), size, notes);
        }
        if (channels == 1 && !sourceGray) {
            notes.add("converted colour to grayscale (luma)");
        } else if (channels == 3 && sourceGray) {
            notes.add("replicated grayscale into 3 channels");
        }
        double[] px = new double[channels * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                double r = img.value(x, y, 0);
                double g = img.bands() == 1 ? r : img.value(x, y, 1);
                double b = img.bands() == 1 ? r : img.value(x, y, 2);
                if (channels == 1) {
                    px[i] = sourceGray ? r : 0.299 * r + 0.587 * g + 0.114 * b;
                } else {
                    px[i] = r;
                    px[size * size + i] = g;
                    px[2 * size * size + i] = b;
                }
            }
        }
        return new ImageInput(source, px, channels, size, List.copyOf(notes));
    }

    /** Pixel values (C, H, W) in [0,1] to an image for display or export (clamped). */
    public static BufferedImage toImage(double[] px, int channels, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                int r = byteOf(px[i]);
                int g = channels == 1 ? r : byteOf(px[plane + i]);
                int b = channels == 1 ? r : byteOf(px[2 * plane + i]);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    private static int byteOf(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    /**
     * Resizes and centre-crops an image as the model's image processor does (Pillow's filters), to the model's
     * square input.
     */
    private static DecodedImage preprocess(DecodedImage img, Preprocessing p, int size, List<String> notes) {
        int[] r = p.resized(img.width(), img.height());
        String note = p.describe(img.width(), img.height(), new ArrayList<>());
        double[] v = p.filter().resize(img.values(), img.width(), img.height(), img.bands(), r[0], r[1]);
        int w = r[0];
        int h = r[1];
        if (p.cropHeight() > 0) {
            // transformers' center_crop: top = (h − crop) // 2, and where the crop is larger than the image, the
            // image sits at ceil((crop − h) / 2) in zeros (black before rescaling)
            int top = Math.floorDiv(h - p.cropHeight(), 2);
            int left = Math.floorDiv(w - p.cropWidth(), 2);
            int bands = img.bands();
            double[] c = new double[p.cropWidth() * p.cropHeight() * bands];
            for (int y = 0; y < p.cropHeight(); y++) {
                int sy = y + top;
                if (sy < 0 || sy >= h) {
                    continue;
                }
                int from = Math.max(0, -left);
                int to = Math.min(p.cropWidth(), w - left);
                if (to > from) {
                    System.arraycopy(v, (sy * w + from + left) * bands, c, (y * p.cropWidth() + from) * bands,
                            (to - from) * bands);
                }
            }
            v = c;
            w = p.cropWidth();
            h = p.cropHeight();
        }
        if (w != size || h != size) {
            throw new InvalidInputException("the image processor gives " + w + "×" + h + ", the model reads "
                    + size + "×" + size + " (a shortest-edge resize without a crop keeps the aspect ratio)");
        }
        notes.add(note);
        return new DecodedImage(w, h, img.bands(), v, img.notes());
    }
}
