package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.io.Images;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyVit;

/**
 * preprocessor_config.json read with transformers' meaning for every field: the pixel values the model is fed
 * (do_rescale, rescale_factor) against the closed form of transformers' pipeline through the patch embedding,
 * values transformers rejects refused by file and field, the processor class's defaults and size semantics, the
 * centre crop's zero padding, fields of other processors refused, and a processor whose walk step cannot fit in memory refused when
 * the model is opened, before any weight is read.
 */
class PreprocessorConfigTest {
    @TempDir
    static Path tmp;

    private static int serial;

    /** The tiny one-channel 12×12 ViT (patch 3, hidden 16) with this preprocessor_config.json. */
    private static Path vit(String processor) throws Exception {
        Path dir = TinyVit.write(tmp, "vit" + serial++, TinyVit.small(), 5);
        Files.writeString(dir.resolve("preprocessor_config.json"), processor);
        return dir;
    }

    private static InvalidInputException refused(Path dir, String... words) {
        var e = assertThrows(InvalidInputException.class, () -> VitConfig.load(dir));
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
        }
        return e;
    }

    /**
     * The embedding sequence transformers computes for intensities x: pixel_values = f(255 x) per pixel (its
     * rescale and normalise of the 8-bit image), then the patch projection, its bias and the position embeddings.
     */
    private static double[] transformersEmbeddings(Path dir, double[] x, DoubleUnaryOperator pixelValue) {
        Map<String, Tensor> w = SafeTensors.read(dir.resolve("model.safetensors"));
        float[] proj = w.get("vit.embeddings.patch_embeddings.projection.weight").data(); // (d, 1, 3, 3)
        float[] bias = w.get("vit.embeddings.patch_embeddings.projection.bias").data();
        float[] pos = w.get("vit.embeddings.position_embeddings").data(); // (1, 17, d)
        float[] cls = w.get("vit.embeddings.cls_token").data();
        int d = 16;
        int p = 3;
        int g = 4;
        double[] e = new double[17 * d];
        for (int j = 0; j < d; j++) {
            e[j] = cls[j] + pos[j];
        }
        for (int k = 0; k < g * g; k++) {
            for (int j = 0; j < d; j++) {
                double s = bias[j] + pos[(1 + k) * d + j];
                for (int py = 0; py < p; py++) {
                    for (int px = 0; px < p; px++) {
                        double raw = 255 * x[((k / g) * p + py) * 12 + (k % g) * p + px];
                        s += proj[j * p * p + py * p + px] * pixelValue.applyAsDouble(raw);
                    }
                }
                e[(1 + k) * d + j] = s;
            }
        }
        return e;
    }

    private static void fedAsTransformersFeeds(Path dir, DoubleUnaryOperator pixelValue) {
        double[] x = TinyVit.blob(1, 12, 7);
        double[] expected = transformersEmbeddings(dir, x, pixelValue);
        try (VitModel m = VitModel.load(dir, Device.cpu(), DataType.FLOAT64)) {
            double[] got = m.embeddingsOf(x);
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            }
            assertTrue(worst < 1e-6, "largest difference from transformers' pixel values " + worst);
        }
    }

    @Test
    void doRescaleFalseFeedsTheModelPixelValuesFrom0To255AsTransformersDoes() throws Exception {
        Path dir = vit("{\"image_processor_type\": \"ViTImageProcessor\", \"do_resize\": true, \"size\": {\"height\": "
                + "12, \"width\": 12}, \"do_rescale\": false, \"do_normalize\": true, \"image_mean\": [100.0], "
                + "\"image_std\": [40.0]}");
        fedAsTransformersFeeds(dir, raw -> (raw - 100) / 40);
        assertTrue(VitConfig.load(dir).notes().stream().anyMatch(n -> n.contains("do_rescale false")),
                VitConfig.load(dir).notes().toString());
        // without normalisation the model reads the 8-bit values themselves
        Path plain = vit("{\"size\": {\"height\": 12, \"width\": 12}, \"do_rescale\": false, \"do_normalize\": false}");
        fedAsTransformersFeeds(plain, raw -> raw);
    }

    @Test
    void rescaleFactorIsHonoured() throws Exception {
        Path dir = vit("{\"image_processor_type\": \"ViTImageProcessor\", \"size\": {\"height\": 12, \"width\": 12}, "
                + "\"do_rescale\": true, \"rescale_factor\": 0.00784313725490196, \"image_mean\": [1.0], "
                + "\"image_std\": [1.0]}");
        fedAsTransformersFeeds(dir, raw -> raw * 0.00784313725490196 - 1);
        // transformers' default factor 1/255 as files write it leaves the normalisation as it was
        Path usual = vit("{\"size\": {\"height\": 12, \"width\": 12}, \"rescale_factor\": 0.00392156862745098, "
                + "\"image_mean\": [0.3], \"image_std\": [0.2]}");
        assertEquals(0.3, VitConfig.load(usual).imageMean()[0]);
        assertEquals(0.2, VitConfig.load(usual).imageStd()[0]);
        refused(vit("{\"size\": {\"height\": 12, \"width\": 12}, \"rescale_factor\": 0}"), "preprocessor_config.json",
                "rescale_factor must be positive");
    }

    @Test
    void aSizeThatIsNotAWholeNumberIsRefusedNamingTheField() throws Exception {
        refused(vit("{\"size\": {\"height\": 12.5, \"width\": 12.5}}"), "preprocessor_config.json", "size.height",
                "12.5");
        refused(vit("{\"size\": 32.5}"), "preprocessor_config.json", "size", "32.5");
        refused(vit("{\"size\": {\"height\": 12, \"width\": 12}, \"resample\": 2.5}"), "preprocessor_config.json",
                "resample", "2.5");
        // config.json's integers likewise: transformers' layers take no 3.5-pixel patch
        Path dir = vit("{\"size\": {\"height\": 12, \"width\": 12}}");
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replaceFirst("\"patch_size\": 3", "\"patch_size\": 3.5"));
        var e = assertThrows(InvalidInputException.class, () -> VitConfig.load(dir));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("patch_size")
                && e.getMessage().contains("3.5"), e.getMessage());
    }

    @Test
    void aZeroOrNegativeSizeIsRefusedNamingTheField() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dinov2-negative"));
        Path src = Path.of("src/test/resources/fixtures/family-dinov2");
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"image_processor_type\": \"BitImageProcessor\", "
                + "\"size\": {\"shortest_edge\": -32}, \"do_center_crop\": true, \"crop_size\": {\"height\": 12, "
                + "\"width\": 12}}");
        refused(dir, "preprocessor_config.json", "size.shortest_edge", "-32");
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"image_processor_type\": \"BitImageProcessor\", "
                + "\"size\": {\"shortest_edge\": 12}, \"do_center_crop\": true, \"crop_size\": {\"height\": 0, "
                + "\"width\": 0}}");
        refused(dir, "preprocessor_config.json", "crop_size.height", "0");
    }

    @Test
    void aCropLargerThanTheResizedImageIsPaddedWithZerosAsTransformersCenterCropDoes() throws Exception {
        Path dir = vit("{\"image_processor_type\": \"DeiTImageProcessor\", \"size\": {\"height\": 7, \"width\": 8}, "
                + "\"resample\": 2, \"do_center_crop\": true, \"crop_size\": {\"height\": 12, \"width\": 12}}");
        BufferedImage grey = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                grey.getRaster().setSample(x, y, 0, 153);
            }
        }
        Path png = tmp.resolve("grey153.png");
        Images.writePng(png, grey);
        ImageInput in = ImageInput.load(png, VitConfig.load(dir));
        // the 8×7 resize sits at top ceil(5/2) = 3, left ceil(4/2) = 2 of the 12×12 crop, zeros around it
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                double want = y >= 3 && y < 10 && x >= 2 && x < 10 ? 153 / 255.0 : 0;
                assertEquals(want, in.pixels()[y * 12 + x], 1e-12, "pixel (" + x + ", " + y + ")");
            }
        }
        assertTrue(in.notes().stream().anyMatch(n -> n.contains("padded with zeros")), in.notes().toString());
    }

    @Test
    void theProcessorClassSaysWhatAFieldLeftOutAndABareSizeMean() throws Exception {
        // CLIPImageProcessor crops to 224 unless told otherwise
        refused(vit("{\"image_processor_type\": \"CLIPImageProcessor\", \"size\": {\"shortest_edge\": 12}, "
                + "\"image_mean\": [0.5], \"image_std\": [0.5]}"),
                "crop_size 224 (CLIPImageProcessor's default)", "image_size in config.json is 12");
        // a bare number is CLIP's shortest edge (aspect kept), ViT's square
        VitConfig clip = VitConfig.load(vit("{\"image_processor_type\": \"CLIPImageProcessor\", \"size\": 12, "
                + "\"do_center_crop\": false, \"image_mean\": 0.5, \"image_std\": 0.5}"));
        Path wide = tmp.resolve("wide.png");
        Images.writePng(wide, new BufferedImage(30, 20, BufferedImage.TYPE_BYTE_GRAY));
        var shape = assertThrows(InvalidInputException.class, () -> ImageInput.load(wide, clip));
        assertTrue(shape.getMessage().contains("18×12"), shape.getMessage());
        VitConfig square = VitConfig.load(vit("{\"image_processor_type\": \"ViTImageProcessor\", \"size\": 12}"));
        assertEquals(144, ImageInput.load(wide, square).pixels().length);
        // ViTImageProcessor resizes to {height, width} only, as transformers' does; size absent is its 224
        refused(vit("{\"image_processor_type\": \"ViTImageProcessor\", \"size\": {\"shortest_edge\": 12}}"),
                "size {shortest_edge} is not read by ViTImageProcessor");
        refused(vit("{\"image_mean\": [0.5], \"image_std\": [0.5]}"), "size 224 (ViTImageProcessor's default)");
        refused(vit("{\"size\": {\"height\": 12}}"), "size must have the keys {height, width} or {shortest_edge}");
        // a default mean of three different values does not fit a one-channel model
        refused(vit("{\"image_processor_type\": \"CLIPImageProcessor\", \"size\": {\"height\": 12, \"width\": 12}, "
                + "\"do_center_crop\": false}"), "no image_mean", "OPENAI_CLIP_MEAN");
    }

    @Test
    void aProcessorOrAFieldLeafwalkDoesNotFollowIsRefusedByName() throws Exception {
        refused(vit("{\"size\": {\"height\": 12, \"width\": 12}, \"do_pad\": true}"), "preprocessor_config.json",
                "do_pad true");
        refused(vit("{\"size\": {\"height\": 12, \"width\": 12}, \"size_divisor\": 32}"), "size_divisor");
        refused(vit("{\"image_processor_type\": \"SiglipImageProcessor\", \"size\": {\"height\": 12, \"width\": 12}}"),
                "image_processor_type 'SiglipImageProcessor'");
        VitConfig.load(vit("{\"size\": {\"height\": 12, \"width\": 12}, \"do_pad\": false, \"do_convert_rgb\": true}"));
        // what was refused before stays refused: a mean of the wrong length, a zero std, a wrong type
        refused(vit("{\"size\": {\"height\": 12, \"width\": 12}, \"image_mean\": [0.5, 0.5]}"), "image_mean has 2");
        refused(vit("{\"size\": {\"height\": 12, \"width\": 12}, \"image_std\": [0]}"), "image_std must be positive");
        refused(vit("{\"size\": {\"height\": 12, \"width\": 12}, \"do_rescale\": \"no\"}"), "do_rescale must be true");
    }

    @Test
    void aDinov2CropWhoseStepCannotFitIsRefusedWhenOpenedBeforeAnyTensor() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dinov2-4096"));
        VitCheckpoints.writeRandom(dir, new VitCheckpoints.Shape(32, 16, 3, 16, 4, 4, 32, 3), "dinov2", 3);
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"image_processor_type\": \"BitImageProcessor\", "
                + "\"size\": {\"shortest_edge\": 4096}, \"resample\": 3, \"do_center_crop\": true, \"crop_size\": "
                + "{\"height\": 4096, \"width\": 4096}, \"image_mean\": 0.5, \"image_std\": 0.5}");
        // weights no reader could take: the refusal is the memory's, so nothing was read or made before it
        Files.writeString(dir.resolve("model.safetensors"), "not a weights file");
        Path image = tmp.resolve("rgb.png");
        Images.writePng(image, new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB));
        Cli.Result r = Cli.run("inspect", "--model", dir.toString(), "--input", image.toString());
        Cli.assertRefused(r, "preprocessor_config.json", "crop_size 4096", "65,537 tokens", "physical memory");
    }

    @Test
    void aVitBase224AndTheShippedModelsFitTheStepEstimate() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            labels.add("c" + i);
        }
        VitConfig base = VitConfig.of(new VitCheckpoints.Shape(224, 16, 3, 768, 12, 12, 3072, 1000), labels,
                new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
        double bytes = StepMemory.estimate(base, 346_000_000L, 4);
        assertTrue(bytes > 0.5e9 && bytes < 3e9, "ViT-B/16 at 224: " + bytes / 1e9 + " GB");
        for (String m : new String[] {"mnist-vit", "fashion-mnist-vit", "mnist-paper"}) {
            Path dir = Path.of("assets/models", m);
            long file = dir.resolve("model.safetensors").toFile().length();
            double shipped = StepMemory.estimate(VitConfig.load(dir), file, 4);
            assertTrue(shipped < 0.5e9, m + ": " + shipped / 1e9 + " GB");
        }
    }
}
