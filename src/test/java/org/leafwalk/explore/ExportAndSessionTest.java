package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.export.TrajectoryExport;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.session.SessionFiles;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.ImageSubject;
import org.leafwalk.explore.subject.Weights;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.io.Images;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.model.ImageInput;
import org.leafwalk.testing.TinyVit;

/** GIF, CSV and session files: read back as a user's tools would, and replayed. */
class ExportAndSessionTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Settings settings = Settings.defaults().withStep(StepLength.FIXED, 0.05)
            .withSeed(5);

    @BeforeAll
    static void setUp() {
        model = TinyVit.write(tmp, "m", TinyVit.small(), 9);
    }

    /** A real walk, recorded as the window and the command line record it (through a {@link Session}). */
    static Recording walk(Explorer ex, double[] pixels, Settings s, int steps) {
        ImageSubject subject = ImageSubject.open(ex, Path.of("blob.png"),
                new ImageInput("blob", pixels, 1, 12, List.of()), s);
        Session session = new Session("m", model, subject, s);
        for (int i = 0; i < steps; i++) {
            session.step(i % 2 == 0 ? WalkAlgorithm.SIMEC : WalkAlgorithm.SIMEXP, 0, 1, Double.POSITIVE_INFINITY);
        }
        return session.recording();
    }

    @Test
    void gifReadsBackWithTheFramesAndDelaysAsked() throws Exception {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT32)) {
            Recording r = walk(ex, TinyVit.blob(1, 12, 4), settings, 12);
            Path gif = tmp.resolve("walk.gif");
            Exports.gif(gif, r, Exports.drawer(r, ex), new Exports.GifOptions(3, 120, 0, 6, true));
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            try (var in = ImageIO.createImageInputStream(gif.toFile())) {
                reader.setInput(in);
                int frames = reader.getNumImages(true);
                assertEquals(5, frames, "steps 0, 3, 6, 9, 12");
                for (int i = 0; i < frames; i++) {
                    var meta = reader.getImageMetadata(i);
                    var root = (IIOMetadataNode) meta.getAsTree(meta.getNativeMetadataFormatName());
                    var gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
                    assertEquals("12", gce.getAttribute("delayTime"), "frame " + i + " shows 120 ms");
                }
                var first = (IIOMetadataNode) reader.getImageMetadata(0)
                        .getAsTree("javax_imageio_gif_image_1.0").getChildNodes();
                assertTrue(first.getLength() > 0);
                var app = (IIOMetadataNode) ((IIOMetadataNode) reader.getImageMetadata(0)
                        .getAsTree("javax_imageio_gif_image_1.0")).getElementsByTagName("ApplicationExtension")
                        .item(0);
                assertEquals("NETSCAPE", app.getAttribute("applicationID"), "looping extension present");
                assertEquals(0, ((byte[]) app.getUserObject())[1], "loops forever");
                var img = reader.read(0);
                assertTrue(img.getWidth() > 12 * 6, "input beside its bars");
            } finally {
                reader.dispose();
            }
        }
    }

    @Test
    void csvHasTheDocumentedColumnsAndOneRowPerStep() throws Exception {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT32)) {
            Recording r = walk(ex, TinyVit.blob(1, 12, 4), settings, 6);
            Path csv = tmp.resolve("walk.csv");
            TrajectoryExport.writeCsv(csv, r);
            List<String> lines = Files.readAllLines(csv);
            assertEquals(7 + 1, lines.size());
            assertEquals("step,direction,delta,distance,prediction,label,p_0,p_1,p_2,p_3,p_4,"
                    + "lambda_1,lambda_2,lambda_3,lambda_4,lambda_5,lambda_6,lambda_7,lambda_8,lambda_9,lambda_10,"
                    + "kl_from_start", lines.get(0));
            String[] row = lines.get(3).split(",", -1);
            assertEquals(22, row.length);
            assertEquals("2", row[0], "the fourth line is step 2");
            double sum = 0;
            for (int i = 6; i < 11; i++) {
                sum += Double.parseDouble(row[i]);
            }
            assertEquals(1.0, sum, 1e-6, "probabilities of a row sum to one");
        }
    }

    @Test
    void aSavedSessionReopensAndReWalksToTheSamePoints() throws Exception {
        double[] pixels = TinyVit.blob(1, 12, 6);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.round(pixels[i] * 255) / 255.0; // an 8-bit image, as every input file is
        }
        Path file = tmp.resolve("walk.leafwalk.json");
        Recording original;
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT32)) {
            original = walk(ex, pixels, settings, 15);
            SessionFiles.save(file, original);
        }
        SessionFiles.Loaded loaded = SessionFiles.load(file);
        assertFalse(loaded.modelChanged());
        Recording r = loaded.recording();
        assertEquals(original.trajectory().size(), r.trajectory().size());
        assertEquals(original.settings(), r.settings());
        for (int i = 0; i < r.trajectory().size(); i++) {
            assertArrayEquals(toFloat(original.trajectory().get(i).point()), toFloat(r.trajectory().get(i).point()),
                    "stored point " + i);
        }
        // re-walk from the reopened input with the reopened settings and seed
        try (Explorer ex = Explorer.open(Path.of(r.modelPath()), Device.cpu(), DataType.FLOAT32)) {
            double[] again = ImageInput.fromImage("again", Images.decodePng(r.inputPng()), ex.config()).pixels();
            assertArrayEquals(pixels, again, 1e-12, "the input survives as PNG");
            Recording rewalk = walk(ex, again, r.settings(), 15);
            for (int i = 0; i < rewalk.trajectory().size(); i++) {
                assertArrayEquals(toFloat(rewalk.trajectory().get(i).point()),
                        toFloat(r.trajectory().get(i).point()), "re-walked point " + i);
            }
        }
    }

    @Test
    void changedModelsNewerAndMalformedSessionsAreReported() throws Exception {
        Path file = tmp.resolve("s.leafwalk.json");
        Path copy = tmp.resolve("copy");
        TinyVit.write(tmp, "copy", TinyVit.small(), 9);
        try (Explorer ex = Explorer.open(copy, Device.cpu(), DataType.FLOAT32)) {
            Recording r = walk(ex, TinyVit.blob(1, 12, 4), settings, 2);
            SessionFiles.save(file, new Recording(r.modelReference(), copy.toAbsolutePath().toString(),
                    r.weightsSha256(), r.inputName(), r.inputPng(), r.settings(), r.labels(), 1, 12, r.cursor(),
                    r.trajectory()));
        }
        long hashed = Weights.filesHashed();
        String before = Weights.sha256(copy);
        assertEquals(before, Weights.sha256(copy));
        assertEquals(hashed + 1, Weights.filesHashed(), "the second call is answered from the cache");
        TinyVit.write(tmp, "copy", TinyVit.small(), 10); // the weights change under the session (same size)
        assertFalse(before.equals(Weights.sha256(copy)), "a rewritten file is hashed again");
        assertEquals(hashed + 2, Weights.filesHashed(), "the rewritten file was read again, not the cache");
        assertTrue(SessionFiles.load(file).modelChanged());

        String text = Files.readString(file);
        Path newer = tmp.resolve("newer.leafwalk.json");
        Files.writeString(newer, text.replace("\"format_version\": 1", "\"format_version\": 7"));
        var e = assertThrows(InvalidInputException.class, () -> SessionFiles.load(newer));
        assertTrue(e.getMessage().contains("newer Leafwalk") && e.getMessage().contains("7"), e.getMessage());

        Path broken = tmp.resolve("broken.leafwalk.json");
        Files.writeString(broken, text.replace("\"count\":", "\"count_\":"));
        e = assertThrows(InvalidInputException.class, () -> SessionFiles.load(broken));
        assertTrue(e.getMessage().contains("malformed session"), e.getMessage());
    }

    @Test
    void anUnwritablePathIsNamedAndNothingIsLost() throws Exception {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT32)) {
            Recording r = walk(ex, TinyVit.blob(1, 12, 4), settings, 3);
            // a folder that cannot be created (a file stands where it should be): fails for root too
            Path blocker = Files.writeString(tmp.resolve("not-a-folder"), "x");
            Path target = blocker.resolve("walk.csv");
            var err = assertThrows(InvalidInputException.class, () -> TrajectoryExport.writeCsv(target, r));
            assertTrue(err.getMessage().contains("walk.csv"), err.getMessage());
            assertEquals(4, r.trajectory().size(), "the recording is untouched");
            assertFalse(Files.exists(target));
        }
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
