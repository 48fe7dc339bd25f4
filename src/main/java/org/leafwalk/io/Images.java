package org.leafwalk.io;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Image files in and out through ImageIO (PNG, JPEG, BMP, GIF, TIFF), with errors that name the file. */
public final class Images {
    /** Larger images than this are refused before decoding the pixels: nothing a ViT reads needs them. */
    public static final long MAX_PIXELS = 40_000_000L;

    private Images() {}

    /**
     * Reads an image file as intensities in [0,1], transparency composited onto {@code background} (sRGB, each in
     * [0,1]); every conversion is said in the result's notes.
     */
    public static DecodedImage decode(Path file, double[] background) {
        List<String> notes = new ArrayList<>();
        BufferedImage img = readFirstFrame(file, notes);
        return decode(img, background, notes);
    }

    /**
     * An image file's bytes received from elsewhere (a client of {@code leafwalk serve}), read as {@link
     * #decode(Path, double[])} reads a file; {@code name} names it in messages.
     */
    public static DecodedImage decode(String name, byte[] data, double[] background) {
        List<String> notes = new ArrayList<>();
        try (var in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(data))) {
            return decode(readFirstFrame(name, in, notes), background, notes);
        } catch (IOException e) {
            throw new InvalidInputException(name + ": not a readable image (" + e.getMessage() + ")", e);
        }
    }

    private static BufferedImage readFirstFrame(Path file, List<String> notes) {
        InputFiles.requireRegular(file, "image");
        try (var in = ImageIO.createImageInputStream(file.toFile())) {
            return readFirstFrame(file.toString(), in, notes);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": file not found", e);
        } catch (IOException e) {
            throw new InvalidInputException(file + ": not a readable image (" + e.getMessage() + ")", e);
        }
    }

    private static BufferedImage readFirstFrame(String file, javax.imageio.stream.ImageInputStream in,
            List<String> notes) {
        try {
            if (in == null) {
                throw new InvalidInputException(file + ": cannot open");
            }
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidInputException(file + ": not an image Leafwalk can read (PNG, JPEG, BMP, GIF, "
                        + "TIFF or WBMP)");
            }
            var reader = readers.next();
            try {
                reader.setInput(in);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new InvalidInputException(file + ": the image is empty (" + w + "×" + h + ")");
                }
                if (w * h > MAX_PIXELS) {
                    throw new InvalidInputException(file + ": the image is " + w + "×" + h
                            + ", larger than Leafwalk accepts (" + MAX_PIXELS / 1_000_000 + " megapixels)");
                }
                String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
                if (format.equals("gif") || format.startsWith("tif")) {
                    int frames = reader.getNumImages(true);
                    if (frames > 1) {
                        notes.add((format.equals("gif") ? "an animated GIF of " : "a TIFF of ") + frames
                                + (format.equals("gif") ? " frames" : " pages") + ": the first is used");
                    }
                }
                BufferedImage img = reader.read(0);
                return ColorProfiles.applyEmbedded(img, reader, format, notes);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException iie) {
                throw iie;
            }
            throw new InvalidInputException(file + ": not a readable image (" + e.getMessage() + ")", e);
        }
    }

    /** An image in memory as intensities in [0,1] (see {@link #decode(Path, double[])}). */
    public static DecodedImage decode(BufferedImage img, double[] background, List<String> notes) {
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        ColorSpace cs = cm.getColorSpace();
        int w = img.getWidth();
        int h = img.getHeight();
        int n = w * h;
        double[] rgb = new double[3 * n];
        double[] alpha = cm.hasAlpha() ? new double[n] : null;
        if (cm instanceof IndexColorModel icm) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    int idx = r.getSample(x, y, 0);
                    rgb[3 * i] = icm.getRed(idx) / 255.0;
                    rgb[3 * i + 1] = icm.getGreen(idx) / 255.0;
                    rgb[3 * i + 2] = icm.getBlue(idx) / 255.0;
                    if (alpha != null) {
                        alpha[i] = icm.getAlpha(idx) / 255.0;
                    }
                }
            }
        } else if (cs.getType() == ColorSpace.TYPE_CMYK) {
            cmykToRgb(img, rgb, notes);
            if (alpha != null) {
                readBand(r, cm, 4, alpha, notes, false);
            }
        } else if (cm.getNumColorComponents() == 1 && cs.getType() == ColorSpace.TYPE_GRAY) {
            // from the raster: getRGB would map a linear-grey colour model through a gamma curve
            double[] g = new double[n];
            readBand(r, cm, 0, g, notes, true);
            for (int i = 0; i < n; i++) {
                rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = g[i];
            }
            if (alpha != null) {
                readBand(r, cm, 1, alpha, notes, false);
            }
        } else if (cm.getNumColorComponents() == 3 && cs.isCS_sRGB()) {
            double[] band = new double[n];
            for (int b = 0; b < 3; b++) {
                readBand(r, cm, b, band, notes, b == 0);
                for (int i = 0; i < n; i++) {
                    rgb[3 * i + b] = band[i];
                }
            }
            if (alpha != null) {
                readBand(r, cm, 3, alpha, notes, false);
            }
        } else {
            // another colour space (an embedded ICC profile: Adobe RGB, ...): Java's colour management to sRGB
            notes.add("converted from " + describe(cs) + " to sRGB with its ICC colour profile");
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    int argb = img.getRGB(x, y);
                    rgb[3 * i] = ((argb >> 16) & 0xff) / 255.0;
                    rgb[3 * i + 1] = ((argb >> 8) & 0xff) / 255.0;
                    rgb[3 * i + 2] = (argb & 0xff) / 255.0;
                    if (alpha != null) {
                        alpha[i] = (argb >>> 24) / 255.0;
                    }
                }
            }
        }
        if (alpha != null) {
            composite(rgb, alpha, cm.isAlphaPremultiplied() && !(cm instanceof IndexColorModel), background, notes);
        }
        boolean gray = true;
        for (int i = 0; i < n && gray; i++) {
            gray = rgb[3 * i] == rgb[3 * i + 1] && rgb[3 * i] == rgb[3 * i + 2];
        }
        if (!gray) {
            return new DecodedImage(w, h, 3, rgb, notes);
        }
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = rgb[3 * i];
        }
        return new DecodedImage(w, h, 1, g, notes);
    }

    /**
     * One band's samples scaled to [0,1]: integer samples by their bit depth (16-bit by 65,535, not 255), float
     * samples as they are when they lie in [0,1], else by the range they span.
     */
    private static void readBand(Raster r, ColorModel cm, int band, double[] out, List<String> notes, boolean say) {
        int w = r.getWidth();
        int h = r.getHeight();
        int type = r.getTransferType();
        if (type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = r.getSampleDouble(x, y, band);
                    if (!Double.isFinite(v)) {
                        throw new InvalidInputException("the image holds a sample that is not a number (" + v
                                + ") at (" + x + ", " + y + ")");
                    }
                    out[y * w + x] = v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            if (min >= 0 && max <= 1) {
                if (say) {
                    notes.add("floating-point samples, read as intensities in [0,1]");
                }
                return;
            }
            double span = max - min;
            for (int i = 0; i < out.length; i++) {
                out[i] = span > 0 ? (out[i] - min) / span : 0;
            }
            if (say) {
                notes.add(String.format(java.util.Locale.ROOT, "floating-point samples from %.4g to %.4g, scaled "
                        + "to [0,1] by that range", min, max));
            }
            return;
        }
        int bits = cm.getComponentSize(Math.min(band, cm.getNumComponents() - 1));
        double full = (1L << bits) - 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = r.getSample(x, y, band) / full;
            }
        }
        if (say && bits > 8) {
            notes.add(bits + "-bit samples, scaled to [0,1] by " + (long) full);
        }
    }

    /**
     * CMYK to sRGB: through the image's ICC profile when it has one, else the standard conversion
     * R = (1 − C)(1 − K) (as Pillow converts, to the same 8-bit rounding).
     */
    private static void cmykToRgb(BufferedImage img, double[] rgb, List<String> notes) {
        ColorSpace cs = img.getColorModel().getColorSpace();
        Raster r = img.getRaster();
        int w = img.getWidth();
        int h = img.getHeight();
        if (cs instanceof ICC_ColorSpace) {
            WritableRaster src = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int b = 0; b < 4; b++) {
                        src.setSample(x, y, b, r.getSample(x, y, b) * 255 / ((1 << img.getColorModel()
                                .getComponentSize(b)) - 1));
                    }
                }
            }
            WritableRaster dst = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 3, null);
            new ColorConvertOp(cs, ColorSpace.getInstance(ColorSpace.CS_sRGB), null).filter(src, dst);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int b = 0; b < 3; b++) {
                        rgb[3 * (y * w + x) + b] = dst.getSample(x, y, b) / 255.0;
                    }
                }
            }
            notes.add("converted CMYK to sRGB with the image's ICC colour profile");
            return;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = 255 - byteSample(r, img.getColorModel(), x, y, 3);
                for (int b = 0; b < 3; b++) {
                    int c = byteSample(r, img.getColorModel(), x, y, b);
                    rgb[3 * (y * w + x) + b] = Math.max(0, Math.min(255, k - muldiv255(c, k))) / 255.0;
                }
            }
        }
        notes.add("converted CMYK to RGB without a colour profile (the standard conversion R = (1 − C)(1 − K), "
                + "as Pillow converts)");
    }

    private static int byteSample(Raster r, ColorModel cm, int x, int y, int band) {
        int bits = cm.getComponentSize(band);
        int v = r.getSample(x, y, band);
        return bits == 8 ? v : (int) Math.round(v * 255.0 / ((1L << bits) - 1));
    }

    /** a·b/255 rounded as Pillow's MULDIV255 rounds it. */
    private static int muldiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    /** Transparency onto the background the model expects: v = a·c + (1 − a)·bg (premultiplied: c + (1 − a)·bg). */
    private static void composite(double[] rgb, double[] alpha, boolean premultiplied, double[] bg,
            List<String> notes) {
        boolean any = false;
        for (int i = 0; i < alpha.length; i++) {
            double a = alpha[i];
            if (a >= 1) {
                continue;
            }
            any = true;
            for (int b = 0; b < 3; b++) {
                double c = rgb[3 * i + b];
                rgb[3 * i + b] = (premultiplied ? c : a * c) + (1 - a) * bg[b];
            }
        }
        if (any) {
            notes.add("transparency composited onto " + describeBackground(bg));
        }
    }

    static String describeBackground(double[] bg) {
        if (bg[0] == 0 && bg[1] == 0 && bg[2] == 0) {
            return "black";
        }
        if (bg[0] == 1 && bg[1] == 1 && bg[2] == 1) {
            return "white";
        }
        return String.format(java.util.Locale.ROOT, "the background (%.0f, %.0f, %.0f)", 255 * bg[0], 255 * bg[1],
                255 * bg[2]);
    }

    private static String describe(ColorSpace cs) {
        return switch (cs.getType()) {
            case ColorSpace.TYPE_RGB -> "an RGB colour space other than sRGB";
            case ColorSpace.TYPE_GRAY -> "a grey colour space with its own curve";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            case ColorSpace.TYPE_Lab -> "CIE Lab";
            default -> "its colour space (" + cs.getNumComponents() + " components)";
        };
    }

    public static BufferedImage decodePng(byte[] png) {
        try (var in = new java.io.ByteArrayInputStream(png)) {
            BufferedImage img = ImageIO.read(in);
            if (img == null) {
                throw new InvalidInputException("the embedded image is not a PNG");
            }
            return img;
        } catch (IOException e) {
            throw new InvalidInputException("the embedded image cannot be read (" + e.getMessage() + ")", e);
        }
    }

    public static byte[] encodePng(BufferedImage image) {
        try (var out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding failed", e);
        }
    }

    public static void writePng(Path file, BufferedImage image) {
        AtomicFiles.write(file, encodePng(image));
    }
}
