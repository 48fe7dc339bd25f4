package org.leafwalk.io;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Animated GIF with a fixed palette chosen for what Leafwalk draws: a 128-level gray ramp (digits), a 96-step
 * blue-white-red ramp (difference and direction heat maps) and the interface colours, so neither a grayscale digit
 * nor a diverging map is dithered or banded by a per-frame palette.
 */
public final class GifWriter {
    private static final IndexColorModel PALETTE = palette();
    private static final int[] RGB = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            RGB[i] = PALETTE.getRGB(i) & 0xffffff;
        }
    }

    private GifWriter() {}

    /**
     * Writes frames as an animated GIF, atomically.
     *
     * @param delayMillis time each frame is shown (GIF stores hundredths of a second)
     * @param loops 0 for forever, else how many times the animation plays
     */
    public static void write(Path file, List<BufferedImage> frames, int delayMillis, int loops) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("an animation needs at least one frame");
        }
        AtomicFiles.write(file, encode(frames, delayMillis, loops));
    }

    public static byte[] encode(List<BufferedImage> frames, int delayMillis, int loops) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (var bytes = new ByteArrayOutputStream();
                ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int i = 0; i < frames.size(); i++) {
                BufferedImage indexed = toPalette(frames.get(i));
                IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(indexed), null);
                configure(meta, Math.max(1, Math.round(delayMillis / 10f)), i == 0 ? loops : -1);
                writer.writeToSequence(new IIOImage(indexed, null, meta), null);
            }
            writer.endWriteSequence();
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("GIF encoding failed: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
    }

    private static void configure(IIOMetadata meta, int delayCentis, int loops) throws IOException {
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delayCentis));
        gce.setAttribute("transparentColorIndex", "0");
        if (loops >= 0) {
            IIOMetadataNode apps = child(root, "ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, (byte) (loops & 0xff), (byte) ((loops >> 8) & 0xff)});
            apps.appendChild(app);
        }
        meta.setFromTree(format, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }

    /** Maps every pixel to its nearest palette colour (memoised: frames have few distinct colours). */
    static BufferedImage toPalette(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_BYTE_INDEXED,
                PALETTE);
        var raster = out.getRaster();
        java.util.HashMap<Integer, Integer> memo = new java.util.HashMap<>();
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int rgb = src.getRGB(x, y) & 0xffffff;
                raster.setSample(x, y, 0, memo.computeIfAbsent(rgb, GifWriter::nearest));
            }
        }
        return out;
    }

    private static int nearest(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        int best = 0;
        long bestD = Long.MAX_VALUE;
        for (int i = 0; i < 256; i++) {
            int c = RGB[i];
            long dr = r - ((c >> 16) & 0xff);
            long dg = g - ((c >> 8) & 0xff);
            long db = b - (c & 0xff);
            // perceptual-ish weights: green matters most, blue least
            long d = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    private static IndexColorModel palette() {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        int n = 0;
        for (int i = 0; i < 128; i++) { // gray ramp, 0..255 in steps of ~2
            int v = Math.round(i * 255f / 127);
            r[n] = (byte) v;
            g[n] = (byte) v;
            b[n] = (byte) v;
            n++;
        }
        for (int i = 0; i < 96; i++) { // the diverging ramp of the heat maps: blue (-1) .. white (0) .. red (+1)
            double t = -1 + 2.0 * i / 95;
            int argb = diverging(t);
            r[n] = (byte) ((argb >> 16) & 0xff);
            g[n] = (byte) ((argb >> 8) & 0xff);
            b[n] = (byte) (argb & 0xff);
            n++;
        }
        int[] ui = {0xf4f6f8, 0xe6e9ee, 0x7f8c9a, 0x5b6470, 0x1f2933, 0xc9ced6, 0x2166ac, 0xc0392b, 0x8e44ad, 0xe67e22,
            0x6fa8dc, 0x101418, 0xd0d4da, 0x27ae60};
        for (int c : ui) {
            r[n] = (byte) ((c >> 16) & 0xff);
            g[n] = (byte) ((c >> 8) & 0xff);
            b[n] = (byte) (c & 0xff);
            n++;
        }
        while (n < 256) { // spare entries: a coarse colour cube corner set
            int k = n - (128 + 96 + ui.length);
            r[n] = (byte) ((k & 1) * 255);
            g[n] = (byte) (((k >> 1) & 1) * 255);
            b[n] = (byte) (((k >> 2) & 1) * 255);
            n++;
        }
        return new IndexColorModel(8, 256, r, g, b);
    }

    /** The blue-white-red map shared with the window's heat maps (t in [-1, 1]). */
    public static int diverging(double t) {
        double a = Math.min(1, Math.abs(t));
        int r;
        int g;
        int b;
        if (t >= 0) {
            r = (int) Math.round(255 - a * (255 - 178));
            g = (int) Math.round(255 - a * (255 - 24));
            b = (int) Math.round(255 - a * (255 - 43));
        } else {
            r = (int) Math.round(255 - a * (255 - 33));
            g = (int) Math.round(255 - a * (255 - 102));
            b = (int) Math.round(255 - a * (255 - 172));
        }
        return 0xff000000 | (r << 16) | (g << 8) | b;
    }
}
