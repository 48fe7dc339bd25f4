package org.leafwalk.explore.remote;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.remote.wire.Reply;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.io.InvalidInputException;

/**
 * The files a client of a server writes: what an export sent back, through the checks of every export (never over
 * the input image, all or nothing), and only the names that export makes; pictures the window made.
 */
final class ClientFiles {
    /** The most files one export may send back. */
    private static final int MAX_EXPORT_FILES = 64;

    private final Consumer<Notice> notices;

    ClientFiles(Consumer<Notice> notices) {
        this.notices = notices;
    }

    /**
     * The names an export to {@code file} makes: its own, and a PNG's scaled picture, NAME-xSCALE.png (as
     * {@link org.leafwalk.explore.export.Exports#scaledPng} names it).
     */
    static Predicate<String> madeFor(Path file) {
        String f = file.getFileName().toString();
        String base = f.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? f.substring(0, f.length() - 4) : f;
        return n -> n.equals(f) || n.matches(java.util.regex.Pattern.quote(base) + "-x[0-9]{1,3}\\.png");
    }

    /** The names the window's plots have. */
    static Predicate<String> plots() {
        return n -> n.matches("[a-z0-9][a-z0-9-]*\\.(png|svg)");
    }

    /**
     * Writes what an export sent back ({@code r}; {@code e}: why it did not come), each file where {@code at} puts
     * its name, and says so (or why not) in a notice.
     */
    void write(Reply r, Throwable e, Path input, String what, Path target, Function<String, Path> at,
            Predicate<String> expected, String saved) {
        if (e != null || !r.getError().isEmpty()) {
            if (e != null) {
                notices.accept(Notice.error("could not save " + what + ": " + e.getMessage()));
            }
            return; // the server said why in a notice
        }
        try {
            Map<Path, byte[]> files = new LinkedHashMap<>();
            if (r.getFilesCount() > MAX_EXPORT_FILES) {
                throw new InvalidInputException("the server sent " + r.getFilesCount() + " files for one export");
            }
            for (var f : r.getFilesList()) {
                if (!expected.test(f.getName())) {
                    throw new InvalidInputException("the server sent a file named '" + f.getName()
                            + "', which this export does not make");
                }
                files.put(at.apply(f.getName()), f.getData().toByteArray());
            }
            new OutputPlan().input("input image", input).stageChecked("the export", files).commit();
            notices.accept(Notice.info(saved != null ? saved : "saved " + files.size() / 2 + " plots as PNG and SVG in "
                    + target));
        } catch (RuntimeException ex) {
            notices.accept(Notice.error("could not save " + what + ": " + ex.getMessage()));
        }
    }

    /**
     * What a client sends for an input named here: {@code sample:N} (the server's samples; none: its default), a
     * sentence ({@code text:...}, or a .txt file read here), or an image file read here, as its bytes.
     */
    record Input(String sample, String sentence, org.leafwalk.explore.remote.wire.ImageData image) {
        static Input of(String ref) {
            if (ref == null || ref.isBlank()) {
                return new Input("", null, null);
            }
            if (ref.startsWith("sample:")) {
                return new Input(ref, null, null);
            }
            if (isSentence(ref)) {
                return new Input(null, org.leafwalk.explore.subject.References.text(ref), null);
            }
            return new Input(null, null, ClientFiles.image(Path.of(ref)));
        }

        static boolean isSentence(String ref) {
            return ref.startsWith("text:") || ref.toLowerCase(java.util.Locale.ROOT).endsWith(".txt");
        }

        /** The image file a reference names here, which exports must not replace (null: none). */
        static Path file(String ref) {
            return ref == null || ref.isBlank() || ref.startsWith("sample:") || isSentence(ref) ? null : Path.of(ref);
        }
    }

    /** An image file read here, to be sent as its bytes. */
    static org.leafwalk.explore.remote.wire.ImageData image(Path file) {
        byte[] data = org.leafwalk.io.InputFiles.readBytes(file, "image", 32L << 20);
        return org.leafwalk.explore.remote.wire.ImageData.newBuilder().setName(file.getFileName().toString())
                .setData(com.google.protobuf.ByteString.copyFrom(data)).build();
    }

    /**
     * Writes an export from the walk kept here (the server is gone): the files that need only the walk; a GIF or a
     * PNG needs the model to draw, and a notice says so.
     */
    void saveKept(org.leafwalk.explore.service.ExportKind kind, Path file,
            org.leafwalk.explore.walk.Recording walk, Path input) {
        byte[] made = walk == null ? null : org.leafwalk.explore.export.TrajectoryExport.recordedFile(
                kind.name().toLowerCase(java.util.Locale.ROOT), walk, null);
        if (made == null) {
            notices.accept(Notice.error("could not save " + file.getFileName() + ": the server is gone, and "
                    + (walk == null ? "nothing was walked" : "a " + kind.name() + " needs the model to draw it")
                    + "; save the session, or reconnect"));
            return;
        }
        try {
            new OutputPlan().input("input image", input).stageChecked("the export", Map.of(file, made)).commit();
            notices.accept(Notice.info("saved " + file + " from the walk kept here"));
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save " + file.getFileName() + ": " + e.getMessage()));
        }
    }

    /** Saves a picture the window made, under the same rules. */
    void savePicture(Path file, java.awt.image.BufferedImage image, Path input) {
        try {
            new OutputPlan().input("input image", input).stageChecked("the picture",
                    Map.of(file, org.leafwalk.io.Images.encodePng(image))).commit();
            notices.accept(Notice.info("saved " + file));
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save " + file.getFileName() + ": " + e.getMessage()));
        }
    }
}
