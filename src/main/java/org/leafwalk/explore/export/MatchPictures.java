package org.leafwalk.explore.export;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.leafwalk.explore.analysis.Match;
import org.leafwalk.io.Images;

/** The pictures of a representation match: the image reached, and source, result and target side by side. */
public final class MatchPictures {
    private MatchPictures() {}

    /** The image reached as PNG, {@code scale} pixels per input pixel. */
    public static byte[] result(Match m, int scale) {
        var cfg = m.model().config();
        return Images.encodePng(Frames.input(m.current(), cfg.numChannels(), cfg.imageSize(), scale));
    }

    /** Source, result and target side by side, as PNG. */
    public static byte[] comparison(Match m) {
        var cfg = m.model().config();
        int s = 8;
        List<BufferedImage> parts = new ArrayList<>();
        for (double[] px : new double[][] {m.source(), m.current(), m.target()}) {
            parts.add(Frames.input(px, cfg.numChannels(), cfg.imageSize(), s));
        }
        int w = parts.get(0).getWidth();
        BufferedImage img = new BufferedImage(3 * w + 16, w, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < 3; i++) {
            g.drawImage(parts.get(i), i * (w + 8), 0, null);
        }
        g.dispose();
        return Images.encodePng(img);
    }
}
