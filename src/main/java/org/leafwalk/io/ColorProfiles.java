package org.leafwalk.io;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/** The ICC profile an image file carries, applied where ImageIO's reader leaves it out (a PNG's iCCP chunk). */
final class ColorProfiles {
    private ColorProfiles() {}

    /**
     * The image in the colour space of the ICC profile it carries. ImageIO's JPEG reader converts an embedded profile
     * to sRGB itself (and we say so); its PNG reader ignores an iCCP chunk, so the image is relabelled with that
     * profile here and converted like any other colour space.
     */
    static BufferedImage applyEmbedded(BufferedImage img, javax.imageio.ImageReader reader,
            String format, List<String> notes) throws IOException {
        var meta = reader.getImageMetadata(0);
        if (meta == null || meta.getNativeMetadataFormatName() == null) {
            return img;
        }
        org.w3c.dom.Node tree = meta.getAsTree(meta.getNativeMetadataFormatName());
        if (format.equals("jpeg")) {
            if (find(tree, "app2ICC") != null && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_RGB) {
                notes.add("converted to sRGB with the image's embedded ICC colour profile");
            }
            return img;
        }
        if (!format.equals("png")) {
            return img;
        }
        var iccp = (javax.imageio.metadata.IIOMetadataNode) find(tree, "iCCP");
        ColorModel cm = img.getColorModel();
        if (iccp == null || !(iccp.getUserObject() instanceof byte[] data) || cm instanceof IndexColorModel
                || cm.getNumColorComponents() != 3) {
            return img;
        }
        ICC_Profile profile;
        try {
            profile = ICC_Profile.getInstance(inflate(data));
        } catch (IllegalArgumentException | java.util.zip.DataFormatException e) {
            notes.add("its embedded ICC colour profile cannot be read, so it is taken as sRGB");
            return img;
        }
        if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) {
            return img;
        }
        var relabelled = new java.awt.image.ComponentColorModel(new ICC_ColorSpace(profile), cm.hasAlpha(),
                cm.isAlphaPremultiplied(), cm.getTransparency(), cm.getTransferType());
        if (!relabelled.isCompatibleRaster(img.getRaster())) {
            return img;
        }
        return new BufferedImage(relabelled, img.getRaster(), cm.isAlphaPremultiplied(), null);
    }

    private static org.w3c.dom.Node find(org.w3c.dom.Node n, String name) {
        if (n.getNodeName().equals(name)) {
            return n;
        }
        for (var c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            var f = find(c, name);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static byte[] inflate(byte[] data) throws java.util.zip.DataFormatException {
        var inf = new java.util.zip.Inflater();
        try {
            inf.setInput(data);
            var out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int k = inf.inflate(buf);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new java.util.zip.DataFormatException("truncated profile");
                }
                out.write(buf, 0, k);
            }
            return out.toByteArray();
        } finally {
            inf.end();
        }
    }
}
