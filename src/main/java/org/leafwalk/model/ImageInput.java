package org.leafwalk.model;

import java.awt.RenderingHints;
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
            notes.add("resized from " + img.width() + "×" + img.height() + " to " + size + "×" + size);
            img = resize(img, size);
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

    /** Java2D's bilinear resize, on the image at 8 bits per channel. */
    private static DecodedImage resize(DecodedImage img, int size) {
        BufferedImage in = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int r = byteOf(img.value(x, y, 0));
                int g = img.bands() == 1 ? r : byteOf(img.value(x, y, 1));
                int b = img.bands() == 1 ? r : byteOf(img.value(x, y, 2));
                in.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(in, 0, 0, size, size, null);
        g.dispose();
        return Images.decode(out, VitConfig.DEFAULT_BACKGROUND, new ArrayList<>());
    }
}
