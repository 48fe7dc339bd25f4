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

    /** ONNX Runtime's last hidden state of a sentence, pooled, as a unit vector. */
    private static double[] ortSentence(OrtEnvironment env, OrtSession session, String sentence, Pooling pooling)
            throws Exception {
        TextInput in = model.tokenize(sentence);
        long[] mask = new long[in.length()];
        java.util.Arrays.fill(mask, 1);
        float[] h = runOrt(env, session, new long[][] {in.ids()}, new long[][] {in.types()}, new long[][] {mask});
        int d = model.config().hiddenSize();
        int t = in.length();
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            double acc = pooling == Pooling.MAX ? Double.NEGATIVE_INFINITY : 0;
            for (int i = 0; i < (pooling == Pooling.CLS ? 1 : t); i++) {
                double x = h[i * d + j];
                acc = pooling == Pooling.MAX ? Math.max(acc, x) : acc + x;
            }
            v[j] = pooling == Pooling.MEAN ? acc / t : acc;
        }
        double n = Math.sqrt(java.util.Arrays.stream(v).map(x -> x * x).sum());
        return java.util.Arrays.stream(v).map(x -> x / n).toArray();
    }

    @Test
    void theZeroShotDistributionPoolsAsAskedAndAgreesWithOnnxRuntime() throws Exception {
        String sentence = SENTENCES.get(1);
        List<String> labels = TextTask.SENTIMENT_LABELS;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double[] good = new double[3];
        try (OrtSession session = env.createSession(folder.resolve("model.onnx").toString(),
                new OrtSession.SessionOptions())) {
            for (Pooling pooling : Pooling.values()) {
                double[] s = ortSentence(env, session, sentence, pooling);
                double[] expected = new double[labels.size()];
                for (int l = 0; l < labels.size(); l++) {
                    double[] u = ortSentence(env, session, labels.get(l), pooling);
                    double cos = 0;
                    for (int j = 0; j < s.length; j++) {
                        cos += s[j] * u[j];
                    }
                    expected[l] = TextTask.ZERO_SHOT_SCALE * cos;
                }
                try (TextTask task = TextTask.create(model, model.tokenize(sentence), null, labels, 0, pooling);
                        NDManager m = task.manager().newSubManager()) {
                    assertEquals(pooling, task.pooling());
                    float[] out = task.readout(m.create(task.startPoint()).toType(DataType.FLOAT32, false)
                            .reshape(1, -1)).toFloatArray();
                    for (int l = 0; l < labels.size(); l++) {
                        assertEquals(expected[l], out[l], 2e-3, pooling + ": logit of '" + labels.get(l) + "'");
                    }
                    good[pooling.ordinal()] = 1 / (1 + Math.exp(out[1] - out[0]));
                }
            }
        }
        System.out.printf("MiniLM, p(good) on '%s': cls %.4f, mean %.4f, max %.4f%n", sentence, good[0], good[1],
                good[2]);
        assertTrue(Math.abs(good[0] - good[1]) > 1e-3 && Math.abs(good[2] - good[1]) > 1e-3,
                "the pooling changes the distribution");
    }

    @Test
    void aSentenceTransformersFolderNamesItsPoolingAndABadOneIsRefusedByField(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve("minilm-cls"));
        java.nio.file.Files.createSymbolicLink(dir.resolve("model.onnx"), folder.resolve("model.onnx"));
        java.nio.file.Files.createSymbolicLink(dir.resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
        java.nio.file.Path cfg = java.nio.file.Files.createDirectories(dir.resolve("1_Pooling")).resolve("config.json");
        java.nio.file.Files.writeString(cfg, "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true, "
                + "\"pooling_mode_mean_tokens\": false, \"pooling_mode_max_tokens\": false}");
        try (TextModel m = TextModel.load(dir, Device.cpu(), DataType.FLOAT32);
                TextTask task = TextTask.create(m, m.tokenize(SENTENCES.get(1)), null, TextTask.SENTIMENT_LABELS, 0)) {
            assertEquals(Pooling.CLS, m.pooling());
            assertEquals(Pooling.CLS, task.pooling());
            assertTrue(task.notes().stream().noneMatch(n -> n.contains("1_Pooling")), task.notes().toString());
        }
        try (TextTask task = TextTask.create(model, model.tokenize(SENTENCES.get(1)), null, TextTask.SENTIMENT_LABELS,
                0)) {
            assertEquals(Pooling.MEAN, task.pooling(), "a bare ONNX export is mean-pooled");
            assertTrue(task.notes().stream().anyMatch(n -> n.contains("1_Pooling") && n.contains("--pooling")),
                    task.notes().toString());
        }
        java.nio.file.Files.writeString(cfg, "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": true}");
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.leafwalk.io.InvalidInputException.class,
                () -> TextModel.load(dir, Device.cpu(), DataType.FLOAT32).close());
        assertTrue(e.getMessage().contains("1_Pooling/config.json") && e.getMessage().contains("pooling_mode_cls_token")
                && e.getMessage().contains("together"), e.getMessage());
        java.nio.file.Files.writeString(cfg, "{\"pooling_mode_mean_tokens\": \"yes\"}");
        e = org.junit.jupiter.api.Assertions.assertThrows(org.leafwalk.io.InvalidInputException.class,
                () -> TextModel.load(dir, Device.cpu(), DataType.FLOAT32).close());
        assertTrue(e.getMessage().contains("pooling_mode_mean_tokens must be true or false"), e.getMessage());
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
