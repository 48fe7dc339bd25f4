package org.leafwalk.model;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;

/**
 * An image brought to the model's input as its image processor says (resize with Pillow's filter, exact size or
 * shortest edge, then the centre crop), against what Pillow and transformers' centre crop give for the same image
 * (src/test/python/pillow_resize.py): within 1/255 for every filter.
 */
class ResizeTest {
    @TempDir
    static Path dir;

    static JsonObject reference;

    @BeforeAll
    static void pillowResizes() throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, "src/test/python/pillow_resize.py", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS), "pillow_resize.py did not finish");
        assertEquals(0, p.exitValue(), "pillow_resize.py failed (python3-pil is installed by "
                + "src/scripts/prepare-tests.sh): " + out);
        reference = JsonFiles.readObject(dir.resolve("reference.json"));
    }

    private static Path model(String name, int size, String processor) throws Exception {
        Path m = Files.createDirectories(dir.resolve("model-" + name));
        Files.writeString(m.resolve("config.json"), "{\"model_type\": \"vit\", \"image_size\": " + size
                + ", \"patch_size\": " + (size % 4 == 0 ? 4 : size) + ", \"num_channels\": 3, \"hidden_size\": 8, "
                + "\"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"intermediate_size\": 16}");
        Files.writeString(m.resolve("preprocessor_config.json"), processor);
        return m;
    }

    @Test
    void everyFilterResizesAndCropsAsPillowAndTransformersDo() throws Exception {
        for (String name : reference.keySet()) {
            JsonObject r = reference.getAsJsonObject(name);
            int size = r.get("size").getAsInt();
            JsonObject processor = r.getAsJsonObject("processor");
            com.google.gson.JsonArray half = new com.google.gson.JsonArray();
            for (int c = 0; c < 3; c++) {
                half.add(0.5);
            }
            processor.add("image_mean", half);
            processor.add("image_std", half);
            VitConfig config = VitConfig.load(model(name, size, processor.toString()));
            ImageInput in = ImageInput.load(dir.resolve("source.png"), config);
            var values = r.getAsJsonArray("values");
            assertEquals(values.size(), in.pixels().length, name);
            double worst = 0;
            for (int i = 0; i < values.size(); i++) {
                worst = Math.max(worst, Math.abs(values.get(i).getAsDouble() - in.pixels()[i]));
            }
            System.out.printf("%s: largest difference from Pillow %.0f/255%n", name, worst * 255);
            assertTrue(worst <= 1.0 / 255 + 1e-9, name + ": largest difference from Pillow " + worst * 255 + "/255");
            String notes = String.join(" | ", in.notes());
            assertTrue(notes.contains("resized from 37×53"), name + ": " + notes);
            if (processor.has("crop_size") || processor.has("crop_pct")) {
                assertTrue(notes.contains("centre-cropped to 12×12"), notes);
            }
        }
    }

    @Test
    void aProcessorThatDoesNotFitTheModelIsRefusedByItsField() throws Exception {
        var unknown = assertThrows(InvalidInputException.class, () -> VitConfig.load(model("bad-filter", 12,
                "{\"size\": {\"height\": 12, \"width\": 12}, \"resample\": 7}")));
        assertTrue(unknown.getMessage().contains("preprocessor_config.json") && unknown.getMessage().contains(
                "resample 7"), unknown.getMessage());
        var pct = assertThrows(InvalidInputException.class, () -> VitConfig.load(model("bad-pct", 12,
                "{\"image_processor_type\": \"ConvNextImageProcessor\", \"size\": {\"shortest_edge\": 12}, "
                        + "\"crop_pct\": 0}")));
        assertTrue(pct.getMessage().contains("crop_pct must be positive"), pct.getMessage());
        var crop = assertThrows(InvalidInputException.class, () -> VitConfig.load(model("bad-crop", 12,
                "{\"image_processor_type\": \"CLIPImageProcessor\", \"size\": {\"shortest_edge\": 14}, "
                        + "\"do_center_crop\": true, \"crop_size\": 10}")));
        assertTrue(crop.getMessage().contains("crop_size 10 gives the model 10×10") && crop.getMessage().contains(
                "image_size in config.json is 12"), crop.getMessage());
        // a shortest-edge resize without a crop keeps the aspect ratio: a non-square input is refused by name
        VitConfig keep = VitConfig.load(model("no-crop", 12, "{\"image_processor_type\": \"CLIPImageProcessor\", "
                + "\"size\": {\"shortest_edge\": 12}, \"do_center_crop\": false}"));
        var shape = assertThrows(InvalidInputException.class, () -> ImageInput.load(dir.resolve("source.png"), keep));
        assertTrue(shape.getMessage().contains("12×17"), shape.getMessage());
    }
}
