package org.leafwalk.explore.export;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.subject.TextSubject;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.io.GifWriter;
import org.leafwalk.io.Images;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.model.InputSpace;
import org.leafwalk.model.TextTask;

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
        /** The longest frame delay a GIF holds: 65,535 hundredths of a second. */
        public static final int MAX_DELAY_MS = 655_350;

        public static GifOptions defaults() {
            return new GifOptions(1, 100, 0, 8, true);
        }

        public void validate() {
            // GIF keeps a frame's delay in hundredths of a second and the loop count in 16 bits each
            if (every < 1) {
                throw new InvalidInputException("--frame-every " + every + ": a frame every N steps needs N ≥ 1");
            }
            if (delayMillis < 10 || delayMillis > MAX_DELAY_MS) {
                throw new InvalidInputException("--gif-delay " + delayMillis + ": a GIF frame shows for 10 to "
                        + MAX_DELAY_MS + " ms");
            }
            if (loops < 0 || loops > 65_535) {
                throw new InvalidInputException("--gif-loop " + loops + ": 0 (forever) to 65535 plays");
            }
            if (scale < 1 || scale > 64) {
                throw new InvalidInputException("--gif-scale " + scale + ": 1 to 64 pixels per input pixel");
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
        if (r.settings().space() == Space.PIXELS) {
            return p -> p;
        }
        if (explorer == null) {
            throw new IllegalArgumentException("an embedding-space walk needs its model to be drawn");
        }
        return p -> explorer.asImage(p, InputSpace.EMBEDDINGS);
    }

    /**
     * Draws the recorded points of a walk on {@code subject}: images through its model, token strips through a text
     * subject's task (which the drawer leaves open). The caller closes the drawer.
     */
    public static Drawer drawer(Subject subject, Recording r) {
        if (subject instanceof TextSubject t) {
            return textDrawer(t.task());
        }
        return drawer(r, subject.model());
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

    /** The animated GIF's bytes, for a caller that writes it only when its run succeeded. */
    public static byte[] gifBytes(Recording r, Drawer drawer, GifOptions o) {
        return GifWriter.encode(frames(r, drawer, o), o.delayMillis(), o.loops());
    }

    /** Saves a picture (a snapshot of the window) as PNG, atomically. */
    public static void savePicture(Path file, BufferedImage image) {
        Images.writePng(file, image);
    }

    /** The input at a step at its native size, and scaled up with crisp pixels beside it as file-x{scale}.png. */
    public static List<Path> png(Path file, Recording r, int step, Drawer drawer, int scale) {
        org.leafwalk.io.FileTransaction t = new org.leafwalk.io.FileTransaction();
        pngBytes(file, r, step, drawer, scale).forEach(t::add);
        return t.commit();
    }

    /** The scaled picture's file beside {@code file}: NAME-x{scale}.png. */
    public static Path scaledPng(Path file, int scale) {
        String name = file.getFileName().toString();
        String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4)
                : name;
        return file.resolveSibling(base + "-x" + scale + ".png");
    }

    /** The two pictures of {@link #png} as bytes, by file, for a caller that writes them when its run succeeded. */
    public static Map<Path, byte[]> pngBytes(Path file, Recording r, int step, Drawer drawer, int scale) {
        if (step < 0 || step >= r.trajectory().size()) {
            throw new InvalidInputException("step " + step + ": the walk has steps 0 to "
                    + (r.trajectory().size() - 1));
        }
        double[] point = r.trajectory().get(step).point();
        Map<Path, byte[]> out = new java.util.LinkedHashMap<>();
        out.put(file, Images.encodePng(drawer.draw(point, 1)));
        out.put(scaledPng(file, scale), Images.encodePng(drawer.draw(point, scale)));
        return out;
    }
}
