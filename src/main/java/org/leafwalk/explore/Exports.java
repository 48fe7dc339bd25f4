package org.leafwalk.explore;

import org.leafwalk.model.TextTask;

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

    /** Draws a recorded point as a picture; {@code scale} enlarges it (pixels per input pixel for images). */
    public interface Drawer extends AutoCloseable {
        BufferedImage draw(double[] point, int scale);

        @Override
        default void close() {}
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

    /**
     * How a recording's points are drawn: as images (decoded through the model in embedding space), or for a text
     * walk as token strips decoded by its model (the caller closes the drawer, which frees the sentence's task).
     */
    public static Drawer drawer(Recording r, Explorer explorer) {
        if (r.isText()) {
            if (explorer == null || !explorer.isText()) {
                throw new IllegalArgumentException("a text walk needs its text model to be drawn");
            }
            TextTask task = explorer.textTask(r.text(), r.settings().topK());
            Drawer strips = textDrawer(task);
            return new Drawer() {
                @Override
                public BufferedImage draw(double[] point, int scale) {
                    return strips.draw(point, scale);
                }

                @Override
                public void close() {
                    task.close();
                }
            };
        }
        Function<double[], double[]> toImage = imageOf(r, explorer);
        return (p, scale) -> Frames.input(toImage.apply(p), r.channels(), r.size(), scale);
    }

    /** Token strips of an open text task (the drawer does not own it). */
    public static Drawer textDrawer(TextTask task) {
        return (p, scale) -> Frames.tokens(task.decode(p), selectedMask(task), scale);
    }

    private static boolean[] selectedMask(TextTask task) {
        boolean[] m = new boolean[task.input().length()];
        for (int i : task.selected()) {
            m[i] = true;
        }
        return m;
    }

    public static List<BufferedImage> frames(Recording r, Drawer drawer, GifOptions o) {
        o.validate();
        List<BufferedImage> frames = new ArrayList<>();
        int last = r.trajectory().size() - 1;
        for (int i = 0; i <= last; i++) {
            if (i % o.every() == 0 || i == last) {
                frames.add(frame(r, i, drawer, o.scale(), o.withBars()));
            }
        }
        return frames;
    }

    public static BufferedImage frame(Recording r, int step, Drawer drawer, int scale, boolean withBars) {
        TrajectoryEntry e = r.trajectory().get(step);
        BufferedImage input = drawer.draw(e.point(), scale);
        if (!withBars) {
            return input;
        }
        return Frames.withBars(input, r.labels(), e.probabilities(), e.prediction(),
                r.trajectory().get(0).prediction(), e.step(), r.trajectory().size() - 1);
    }

    public static void gif(Path file, Recording r, Drawer drawer, GifOptions o) {
        GifWriter.write(file, frames(r, drawer, o), o.delayMillis(), o.loops());
    }

    /** Saves a picture (a snapshot of the window) as PNG, atomically. */
    public static void savePicture(Path file, BufferedImage image) {
        Images.writePng(file, image);
    }

    /** The input at a step at its native size, and scaled up with crisp pixels beside it as file-x{scale}.png. */
    public static List<Path> png(Path file, Recording r, int step, Drawer drawer, int scale) {
        double[] point = r.trajectory().get(step).point();
        Images.writePng(file, drawer.draw(point, 1));
        String name = file.getFileName().toString();
        String base = name.toLowerCase().endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        Path scaled = file.resolveSibling(base + "-x" + scale + ".png");
        Images.writePng(scaled, drawer.draw(point, scale));
        return List.of(file, scaled);
    }
}
