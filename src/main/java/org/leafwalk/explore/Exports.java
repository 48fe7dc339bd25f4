package org.leafwalk.explore;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.leafwalk.io.GifWriter;
import org.leafwalk.io.Images;
import org.leafwalk.model.InputSpace;

/** Pictures of a recorded walk: PNG of one step, animated GIF of the trajectory. */
public final class Exports {
    private Exports() {}

    /**
     * @param every a frame every this many recorded steps (the last step always gets one)
     * @param delayMillis how long each frame shows
     * @param loops 0: forever
     * @param scale each input pixel becomes a scale×scale block
     * @param withBars the input beside its output bars and step counter, else the input alone
     */
    public record GifOptions(int every, int delayMillis, int loops, int scale, boolean withBars) {
        public static GifOptions defaults() {
            return new GifOptions(1, 100, 0, 8, true);
        }

        public void validate() {
            if (every < 1 || delayMillis < 10 || loops < 0 || scale < 1 || scale > 64) {
                throw new IllegalArgumentException("GIF options out of range: a frame every " + every + " steps, "
                        + delayMillis + " ms, " + loops + " loops, scale " + scale
                        + " (need every ≥ 1, delay ≥ 10 ms, loops ≥ 0, 1 ≤ scale ≤ 64)");
            }
        }
    }

    /**
     * The point of each step as an image: the point itself in pixel space; in embedding space a decoder (the
     * model's pseudo-inverse) is needed.
     */
    public static Function<double[], double[]> imageOf(Recording r, Explorer explorer) {
        if (r.settings().space() == InputSpace.PIXELS) {
            return p -> p;
        }
        if (explorer == null) {
            throw new IllegalArgumentException("an embedding-space walk needs its model to be drawn");
        }
        return p -> explorer.asImage(p, InputSpace.EMBEDDINGS);
    }

    public static List<BufferedImage> frames(Recording r, Function<double[], double[]> toImage, GifOptions o) {
        o.validate();
        List<BufferedImage> frames = new ArrayList<>();
        int last = r.trajectory().size() - 1;
        for (int i = 0; i <= last; i++) {
            if (i % o.every() == 0 || i == last) {
                frames.add(frame(r, i, toImage, o.scale(), o.withBars()));
            }
        }
        return frames;
    }

    public static BufferedImage frame(Recording r, int step, Function<double[], double[]> toImage, int scale,
            boolean withBars) {
        TrajectoryEntry e = r.trajectory().get(step);
        BufferedImage input = Frames.input(toImage.apply(e.point()), r.channels(), r.size(), scale);
        if (!withBars) {
            return input;
        }
        return Frames.withBars(input, r.labels(), e.probabilities(), e.prediction(),
                r.trajectory().get(0).prediction(), e.step(), r.trajectory().size() - 1);
    }

    public static void gif(Path file, Recording r, Function<double[], double[]> toImage, GifOptions o) {
        GifWriter.write(file, frames(r, toImage, o), o.delayMillis(), o.loops());
    }

    /** Saves a picture (a snapshot of the window) as PNG, atomically. */
    public static void savePicture(Path file, BufferedImage image) {
        Images.writePng(file, image);
    }

    /** The input at a step at its native size, and scaled up with crisp pixels beside it as file-x{scale}.png. */
    public static List<Path> png(Path file, Recording r, int step, Function<double[], double[]> toImage, int scale) {
        double[] img = toImage.apply(r.trajectory().get(step).point());
        Images.writePng(file, Frames.input(img, r.channels(), r.size(), 1));
        String name = file.getFileName().toString();
        String base = name.toLowerCase().endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        Path scaled = file.resolveSibling(base + "-x" + scale + ".png");
        Images.writePng(scaled, Frames.input(img, r.channels(), r.size(), scale));
        return List.of(file, scaled);
    }
}
