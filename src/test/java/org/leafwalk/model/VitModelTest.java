package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;
import org.leafwalk.testing.TinyVit;

class VitModelTest {
    @TempDir
    Path tmp;

    @Test
    void anOddSizedCheckpointReadsEachImageOfABatchAsItReadsItAloneInEitherPrecision() {
        // 3 channels, 20×20 image, patch 5: 17 tokens
        var shape = new VitCheckpoints.Shape(20, 5, 3, 12, 2, 3, 20, 7);
        Path dir = TinyVit.write(tmp, "odd", shape, 3);
        try (VitModel m = VitModel.load(dir, Device.cpu(), DataType.FLOAT32);
                VitModel m64 = VitModel.load(dir, Device.cpu(), DataType.FLOAT64);
                NDManager nd = m.manager().newSubManager()) {
            assertEquals(17, m.config().numTokens());
            assertEquals(3 * 20 * 20, m.inputDimension(InputSpace.PIXELS));
            assertEquals(17 * 12, m.inputDimension(InputSpace.EMBEDDINGS));
            var x = nd.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(4, 1200));
            var y = m.readout(x, InputSpace.PIXELS);
            assertEquals(new ai.djl.ndarray.types.Shape(4, 7 + 12), y.getShape());
            float[] batch = y.toFloatArray();
            double[] pixels = x.toType(DataType.FLOAT64, false).toDoubleArray();
            for (int i = 0; i < 4; i++) {
                double[] row = java.util.Arrays.copyOfRange(pixels, i * 1200, (i + 1) * 1200);
                float[] alone = m.readout(x.get(i).reshape(1, 1200), InputSpace.PIXELS).toFloatArray();
                double[] precise = m64.readout(m64.manager().create(row).reshape(1, 1200), InputSpace.PIXELS)
                        .toDoubleArray();
                for (int j = 0; j < 19; j++) {
                    assertEquals(alone[j], batch[i * 19 + j], 1e-5 * (1 + Math.abs(alone[j])),
                            "image " + i + " of the batch, output " + j + ": the batch mixes its images");
                    assertEquals(precise[j], alone[j], 1e-4 * (1 + Math.abs(precise[j])),
                            "image " + i + ", output " + j + ": float32 and float64 disagree");
                }
                if (i > 0) {
                    assertTrue(Math.abs(batch[i * 19] - batch[0]) > 1e-6, "different images read the same");
                }
            }
        }
    }

    @Test
    void pixelAndEmbeddingPathsAgree() {
        Path dir = TinyVit.write(tmp, "agree", TinyVit.small(), 4);
        try (VitModel m = VitModel.load(dir, Device.cpu(), DataType.FLOAT64);
                NDManager nd = m.manager().newSubManager()) {
            double[] px = TinyVit.blob(1, 12, 1);
            double[] emb = m.embeddingsOf(px);
            double[] a = m.readout(nd.create(px).reshape(1, px.length), InputSpace.PIXELS).toDoubleArray();
            double[] b = m.readout(nd.create(emb).reshape(1, emb.length), InputSpace.EMBEDDINGS).toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-10);
            }
        }
    }

    @Test
    void decodingAnUnmodifiedEmbeddingGivesBackTheImage() {
        // patch dim 9 ≤ hidden 16: the projection is injective, the pseudo-inverse exact
        Path dir = TinyVit.write(tmp, "decode", TinyVit.small(), 6);
        try (VitModel m = VitModel.load(dir, Device.cpu(), DataType.FLOAT64)) {
            double[] px = TinyVit.blob(1, 12, 8);
            EmbeddingDecoding dec = m.decode(m.embeddingsOf(px));
            for (int i = 0; i < px.length; i++) {
                assertEquals(px[i], dec.image()[i], 1e-9, "pixel " + i);
            }
            assertTrue(dec.relativeResidual() < 1e-9, "residual " + dec.relativeResidual());
            assertEquals(0, dec.clsDeviation(), 1e-9);
            double[][] bounds = m.embeddingBounds();
            double[] e = m.embeddingsOf(px);
            for (int i = 0; i < e.length; i++) {
                assertTrue(e[i] >= bounds[0][i] - 1e-9 && e[i] <= bounds[1][i] + 1e-9, "bound " + i);
            }
        }
    }

    @Test
    void configThatDoesNotMatchTheWeightsIsRefusedWithTheTensorNamed() throws Exception {
        Path dir = TinyVit.write(tmp, "mismatch", TinyVit.small(), 6);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"hidden_size\": 16", "\"hidden_size\": 32")
                .replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 4"));
        var e = assertThrows(InvalidInputException.class, () -> VitModel.load(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage().contains("has shape") && e.getMessage().contains("config.json implies"), e.getMessage());
    }

    @Test
    void unknownModelTypeIsRefused() throws Exception {
        Path dir = TinyVit.write(tmp, "bert", TinyVit.small(), 6);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"vit\"", "\"swin\""));
        var e = assertThrows(InvalidInputException.class, () -> VitModel.load(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage().contains("model_type 'swin'"), e.getMessage());
    }

    @Test
    void withoutPrefixAndWithoutProjectionBias() {
        Path dir = tmp.resolve("noprefix");
        VitCheckpoints.writeRandom(dir, TinyVit.small(), 2, false, false);
        Map<String, Tensor> w = SafeTensors.read(dir.resolve("model.safetensors"));
        assertTrue(w.containsKey("embeddings.cls_token"));
        assertTrue(!w.containsKey("embeddings.patch_embeddings.projection.bias"));
        try (VitModel m = VitModel.load(dir, Device.cpu(), DataType.FLOAT32)) {
            assertEquals(5, m.config().numLabels());
        }
    }

    /**
     * A family's checkpoint that does not fit its layout names the missing and the unexpected tensors; a field of
     * another family that would change the computation is refused by name; the fixture's interpolated position
     * embeddings say so in the notes.
     */
    @Test
    void aFamilysCheckpointThatDoesNotFitItsLayoutNamesWhatIsMissingAndWhatIsUnexpected() throws Exception {
        Path src = Path.of("src/test/resources/fixtures/family-dinov2");
        Path dir = Files.createDirectories(tmp.resolve("dinov2-renamed"));
        for (String f : new String[] {"config.json", "preprocessor_config.json"}) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        Map<String, Tensor> w = new java.util.LinkedHashMap<>(SafeTensors.read(src.resolve("model.safetensors")));
        Tensor scale = w.remove("dinov2.encoder.layer.1.layer_scale2.lambda1");
        w.put("dinov2.encoder.layer.1.ls2.gamma", new Tensor("dinov2.encoder.layer.1.ls2.gamma", scale.shape(),
                scale.data()));
        SafeTensors.write(dir.resolve("model.safetensors"), w);
        var e = assertThrows(InvalidInputException.class, () -> VitModel.load(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage().contains("missing: dinov2.encoder.layer.1.layer_scale2.lambda1")
                && e.getMessage().contains("unexpected: dinov2.encoder.layer.1.ls2.gamma")
                && e.getMessage().contains("Dinov2ForImageClassification"), e.getMessage());

        // the config says use_mask_token, the weights hold none: another checkpoint's config
        Map<String, Tensor> masked = new java.util.LinkedHashMap<>(SafeTensors.read(src.resolve("model.safetensors")));
        masked.remove("dinov2.embeddings.mask_token");
        SafeTensors.write(dir.resolve("model.safetensors"), masked);
        var mask = assertThrows(InvalidInputException.class, () -> VitModel.load(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(mask.getMessage().contains("use_mask_token is true")
                && mask.getMessage().contains("dinov2.embeddings.mask_token"), mask.getMessage());

        try (VitModel m = VitModel.load(src, Device.cpu(), DataType.FLOAT32)) {
            assertEquals("dinov2", m.config().family());
            assertEquals(4, m.config().gridSize());
            assertTrue(m.config().notes().stream().anyMatch(n -> n.contains("interpolated bicubically from a 6×6")),
                    m.config().notes().toString());
        }

        Path vit = TinyVit.write(tmp, "layer-scaled-vit", TinyVit.small(), 6);
        Path cfg = vit.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"qkv_bias\": true", "\"qkv_bias\": true, "
                + "\"layerscale_value\": 1.0"));
        var f = assertThrows(InvalidInputException.class, () -> VitModel.load(vit, Device.cpu(), DataType.FLOAT32));
        assertTrue(f.getMessage().contains("layerscale_value 1.0 is a field of dinov2")
                && f.getMessage().contains("model_type 'vit'"), f.getMessage());
    }
}
