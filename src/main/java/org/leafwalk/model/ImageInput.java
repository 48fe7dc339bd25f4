package org.leafwalk.model;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.leafwalk.io.Images;
import org.leafwalk.io.InvalidInputException;

/**
 * An image as the model's pixel point: channel-major (C, H, W) intensities in [0,1], converted to the model's
 * channel count and size. Every conversion is reported in {@code notes} so the user knows what was fed.
 */
public record ImageInput(String source, double[] pixels, int channels, int size, List<String> notes) {

    public static ImageInput load(Path file, VitConfig config) {
        return fromImage(file.toString(), Images.read(file), config);
    }

    public static ImageInput fromImage(String source, BufferedImage img, VitConfig config) {
        int size = config.imageSize();
        int channels = config.numChannels();
        if (channels != 1 && channels != 3) {
            throw new InvalidInputException("the model expects " + channels
                    + " channels; Leafwalk feeds images to 1- or 3-channel models");
        }
        List<String> notes = new ArrayList<>();
        img = toRgb(img);
        boolean sourceGray = isGray(img);
        if (img.getWidth() != size || img.getHeight() != size) {
            notes.add("resized from " + img.getWidth() + "×" + img.getHeight() + " to " + size + "×" + size);
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
                int argb = img.getRGB(x, y);
                double r = ((argb >> 16) & 0xff) / 255.0;
                double g = ((argb >> 8) & 0xff) / 255.0;
                double b = (argb & 0xff) / 255.0;
                int i = y * size + x;
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
     * Single-band images are read from the raster: getRGB on a linear-gray colour model would gamma-map the
     * values, and a digit's 128 must stay 128.
     */
    private static BufferedImage toRgb(BufferedImage img) {
        var raster = img.getRaster();
        if (raster.getNumBands() > 2 || img.getColorModel().getNumColorComponents() != 1
                || img.getColorModel() instanceof java.awt.image.IndexColorModel) {
            return img;
        }
        int bits = img.getColorModel().getComponentSize(0);
        double max = (1 << bits) - 1;
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int v = (int) Math.round(raster.getSample(x, y, 0) / max * 255);
                out.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return out;
    }

    private static boolean isGray(BufferedImage img) {
        int stepX = Math.max(1, img.getWidth() / 64);
        int stepY = Math.max(1, img.getHeight() / 64);
        for (int y = 0; y < img.getHeight(); y += stepY) {
            for (int x = 0; x < img.getWidth(); x += stepX) {
                int argb = img.getRGB(x, y);
                int r = (argb >> 16) & 0xff;
                if (r != ((argb >> 8) & 0xff) || r != (argb & 0xff)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static BufferedImage resize(BufferedImage img, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(img, 0, 0, size, size, null);
        g.dispose();
        return out;
    }
}
