package org.leafwalk.model;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.io.JsonFiles;

/**
 * Every kind of image a user may give, against the grey values Pillow computes for it (src/test/python): transparency,
 * a palette with a transparent entry, CMYK, 16-bit and float samples, an animated GIF, an RGB JPEG with an ICC
 * profile. Pillow (python3-pil) and the ICC profile (icc-profiles-free) are installed by prepare-tests.sh.
 */
class ImageConversionTest {
    @TempDir
    static Path dir;

    static JsonObject reference;
    static VitConfig config;

    static final Path ICC = Path.of("/usr/share/color/icc/compatibleWithAdobeRGB1998.icc");

    @BeforeAll
    static void pillowWritesTheImages() throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        var cmd = new java.util.ArrayList<>(List.of(python, "src/test/python/pillow_images.py", dir.toString()));
        assertTrue(Files.isRegularFile(ICC), ICC + " is missing: bash src/scripts/prepare-tests.sh installs "
                + "icc-profiles-free");
        cmd.add(ICC.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS), "pillow_images.py did not finish");
        assertEquals(0, p.exitValue(), "pillow_images.py failed (python3-pil is installed by "
                + "src/scripts/prepare-tests.sh): " + out);
        reference = JsonFiles.readObject(dir.resolve("reference.json"));
        config = VitConfig.of(new VitCheckpoints.Shape(12, 4, 1, 8, 1, 2, 16, 2), List.of("a", "b"),
                new double[] {0.5}, new double[] {0.5});
    }

    /** Leafwalk's grey values for the image agree with Pillow's, and the notes say what was converted. */
    private static void agrees(String name, double tolerance) {
        JsonObject r = reference.getAsJsonObject(name);
        ImageInput in = ImageInput.load(dir.resolve(name), config);
        var values = r.getAsJsonArray("values");
        assertEquals(values.size(), in.pixels().length, name);
        double worst = 0;
        for (int i = 0; i < values.size(); i++) {
            worst = Math.max(worst, Math.abs(values.get(i).getAsDouble() - in.pixels()[i]));
        }
        assertTrue(worst <= tolerance, name + ": largest difference from Pillow " + worst * 255 + "/255");
        String notes = String.join(" | ", in.notes()).toLowerCase(Locale.ROOT);
        for (JsonElement word : r.getAsJsonArray("notes")) {
            assertTrue(notes.contains(word.getAsString().toLowerCase(Locale.ROOT)), name + ": the notes do not say '"
                    + word.getAsString() + "': " + in.notes());
        }
    }

    @Test
    void transparencyIsCompositedOntoBlack() {
        agrees("rgba.png", 1.0 / 255);
        agrees("grey-alpha.png", 1.0 / 255);
        agrees("palette-transparent.png", 1.0 / 255);
    }

    @Test
    void aDarkDigitOnATransparentBackgroundIsNotANegative() {
        agrees("dark-on-transparent.png", 1.0 / 255);
        ImageInput in = ImageInput.load(dir.resolve("dark-on-transparent.png"), config);
        for (double v : in.pixels()) {
            assertEquals(0, v, 1e-9, "the hidden white of the transparent background shows through");
        }
    }

    @Test
    void cmykIsConvertedAsPillowConvertsIt() {
        // both decode the same JPEG with libjpeg-derived decoders; the conversion itself is Pillow's, to the bit
        agrees("cmyk.jpg", 2.0 / 255);
    }

    @Test
    void sixteenBitAndFloatSamplesAreScaledByTheirRange() {
        agrees("grey16.png", 1e-6);
        agrees("float.tif", 1e-6);
        agrees("float-range.tif", 1e-6);
    }

    @Test
    void anAnimatedGifGivesItsFirstFrameAndSaysSo() {
        agrees("animated.gif", 1e-6);
    }

    @Test
    void anEmbeddedColourProfileIsApplied() {
        // Java's colour management and Pillow's are both LittleCMS; their 8-bit transforms round apart by a little
        agrees("icc-rgb.jpg", 3.0 / 255);
        agrees("icc-rgb.png", 3.0 / 255);
    }

    @Test
    void aPlainGreyPngNeedsNoNote() {
        ImageInput in = ImageInput.load(Path.of("assets/samples/mnist").resolve(firstSample()), VitConfig.of(
                new VitCheckpoints.Shape(28, 4, 1, 8, 1, 2, 16, 2), List.of("a", "b"), new double[] {0.5},
                new double[] {0.5}));
        assertEquals(List.of(), in.notes());
    }

    private static String firstSample() {
        try (var s = Files.list(Path.of("assets/samples/mnist"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().findFirst()
                    .orElseThrow();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
