package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.leafwalk.io.JsonFiles;

/**
 * Checkpoints in the Hugging Face ViTForImageClassification layout (with and without the "vit." prefix and the
 * patch bias; exact and tanh GELU; 3 and 1 channels) give the logits, [CLS] state and embeddings of an
 * independent float64 reference written from transformers' modeling_vit (src/test/python/make_vit_fixtures.py).
 */
class HuggingFaceReferenceTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @ParameterizedTest
    @CsvSource({"hf-vit-tiny,FLOAT64,1e-9", "hf-vit-tiny,FLOAT32,2e-5", "hf-vit-tiny-nobias,FLOAT64,1e-9",
            "hf-vit-tiny-nobias,FLOAT32,2e-5"})
    void matchesTheReferenceForward(String name, DataType dtype, double tol) {
        Path dir = FIXTURES.resolve(name);
        JsonObject expected = JsonFiles.readObject(dir.resolve("expected.json"));
        try (VitModel m = VitModel.load(dir, Device.cpu(), dtype);
                NDManager nd = m.manager().newSubManager()) {
            ImageInput img = ImageInput.load(FIXTURES.resolve(expected.get("input").getAsString()), m.config());
            assertEquals(0, img.notes().size(), "fixture image needs no conversion: " + img.notes());
            double[] emb = m.embeddingsOf(img.pixels());
            assertClose(expected.getAsJsonArray("embeddings"), emb, tol, "embeddings");
            double[] out = m.readout(nd.create(img.pixels()).reshape(1, img.pixels().length).toType(dtype, false),
                    InputSpace.PIXELS).toType(DataType.FLOAT64, false).toDoubleArray();
            int labels = m.config().numLabels();
            double[] logits = java.util.Arrays.copyOf(out, labels);
            double[] cls = java.util.Arrays.copyOfRange(out, labels, out.length);
            assertClose(expected.getAsJsonArray("logits"), logits, tol, "logits");
            assertClose(expected.getAsJsonArray("cls_hidden"), cls, tol, "cls");
        }
    }

    private static void assertClose(JsonArray expected, double[] actual, double tol, String what) {
        assertEquals(expected.size(), actual.length, what + " length");
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i).getAsDouble();
            assertEquals(e, actual[i], tol * Math.max(1, Math.abs(e)), what + "[" + i + "]");
        }
    }
}
