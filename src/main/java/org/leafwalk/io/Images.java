package org.leafwalk.io;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Image files in and out through ImageIO (PNG, JPEG, BMP, GIF), with errors that name the file. */
public final class Images {
    /** Larger images than this are refused before decoding the pixels: nothing a ViT reads needs them. */
    public static final long MAX_PIXELS = 40_000_000L;

    private Images() {}

    public static BufferedImage read(Path file) {
        InputFiles.requireRegular(file, "image");
        try (var in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new InvalidInputException(file + ": cannot open");
            }
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidInputException(file + ": not an image Leafwalk can read (PNG, JPEG, BMP or GIF)");
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
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": file not found", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException iie) {
                throw iie;
            }
            throw new InvalidInputException(file + ": not a readable image (" + e.getMessage() + ")", e);
        }
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
