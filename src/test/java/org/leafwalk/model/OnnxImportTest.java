package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded all-MiniLM-L6-v2, imported from its ONNX initializers into the BERT engine, against ONNX Runtime
 * running the same file: the last hidden state agrees to 1e-4 on a dozen sentences, and on a padded batch.
 */
class OnnxImportTest {
    static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "I loved this movie, the acting was wonderful!",
            "This was the worst meal I have ever eaten.",
            "Transformers map token sequences to contextual embeddings.",
            "Paris is the capital of France.",
            "The stock market fell sharply on Tuesday.",
            "She scored twice in the second half of the match.",
            "Quantum computers use qubits.",
            "a",
            "Leafwalk walks along the eigendirections of the pullback metric, one slider per direction.",
            "Don't you think it's unbelievable?",
            "Ünïcödé text, numbers 12345 and symbols #@!");

    static TextModel model;
    static Path folder;

    @BeforeAll
    static void load() {
        folder = EmbeddedTextModel.folder();
        model = TextModel.load(folder, Device.cpu(), DataType.FLOAT32);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void configurationIsReadOffTheGraph() {
        BertConfig c = model.config();
        assertEquals(30522, c.vocabSize());
        assertEquals(384, c.hiddenSize());
        assertEquals(6, c.numLayers());
        assertEquals(12, c.numHeads());
        assertEquals(1536, c.intermediateSize());
        assertEquals("gelu", c.hiddenAct());
        assertEquals(1e-12, c.layerNormEps(), 1e-15);
        assertEquals(TextModel.Head.SENTENCE_EMBEDDING, model.head());
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(folder.resolve("model.onnx").toString(),
                new OrtSession.SessionOptions())) {
            double worst = 0;
            for (String s : SENTENCES) {
                TextInput in = model.tokenize(s);
                long[] mask = new long[in.length()];
                java.util.Arrays.fill(mask, 1);
                float[] ort = runOrt(env, session, new long[][] {in.ids()}, new long[][] {in.types()},
                        new long[][] {mask});
                float[] ours = ours(new long[][] {in.ids()}, new long[][] {in.types()}, new long[][] {mask});
                assertEquals(ort.length, ours.length);
                for (int i = 0; i < ort.length; i++) {
                    worst = Math.max(worst, Math.abs(ort[i] - ours[i]));
                }
            }
            System.out.println("MiniLM last hidden state, largest difference to ONNX Runtime over " + SENTENCES.size()
                    + " sentences: " + worst);
            assertTrue(worst < 1e-4, "largest difference to ONNX Runtime " + worst);
        }
    }

    @Test
    void paddedBatchMatchesOnnxRuntime() throws Exception {
        TextInput a = model.tokenize(SENTENCES.get(0));
        TextInput b = model.tokenize(SENTENCES.get(4));
        int t = a.length();
        long[][] ids = {a.ids(), java.util.Arrays.copyOf(b.ids(), t)};
        long[][] types = {a.types(), new long[t]};
        long[][] mask = {new long[t], new long[t]};
        java.util.Arrays.fill(mask[0], 1);
        java.util.Arrays.fill(mask[1], 0, b.length(), 1);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(folder.resolve("model.onnx").toString(),
                new OrtSession.SessionOptions())) {
            float[] ort = runOrt(env, session, ids, types, mask);
            float[] ours = ours(ids, types, mask);
            int d = model.config().hiddenSize();
            for (int r = 0; r < 2; r++) {
                int real = r == 0 ? a.length() : b.length();
                for (int i = 0; i < real * d; i++) {
                    int k = r * t * d + i;
                    assertEquals(ort[k], ours[k], 1e-4, "row " + r + " value " + i);
                }
            }
        }
    }

    @Test
    void tokenizerAddsSpecialTokens() {
        TextInput in = model.tokenize("Paris is the capital of France.");
        assertArrayEquals(new String[] {"[CLS]", "paris", "is", "the", "capital", "of", "france", ".", "[SEP]"},
                in.tokens());
    }

    private static float[] runOrt(OrtEnvironment env, OrtSession session, long[][] ids, long[][] types,
            long[][] mask) throws Exception {
        long[] shape = {ids.length, ids[0].length};
        try (OnnxTensor i = OnnxTensor.createTensor(env, LongBuffer.wrap(flat(ids)), shape);
                OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(flat(mask)), shape);
                OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(flat(types)), shape);
                OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
            OnnxTensor out = (OnnxTensor) r.get("last_hidden_state").orElseThrow();
            java.nio.FloatBuffer fb = out.getFloatBuffer();
            float[] f = new float[fb.remaining()];
            fb.get(f);
            return f;
        }
    }

    private static float[] ours(long[][] ids, long[][] types, long[][] mask) {
        long[] shape = {ids.length, ids[0].length};
        try (NDManager m = model.bert().manager().newSubManager()) {
            NDArray emb = model.bert().embed(m.create(flat(ids), new Shape(shape)), m.create(flat(types), new Shape(shape)));
            return model.bert().encode(emb, m.create(flat(mask), new Shape(shape))).toFloatArray();
        }
    }

    private static long[] flat(long[][] a) {
        return java.util.Arrays.stream(a).flatMapToLong(java.util.Arrays::stream).toArray();
    }
}
