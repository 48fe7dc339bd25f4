package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;
import org.leafwalk.testing.TinyBert;

/**
 * A tiny random BERT checkpoint in the Hugging Face layout, built here, against a reference forward written
 * independently below with plain loops (post-norm blocks, exact GELU, additive padding mask).
 */
class BertModelTest {
    static final int V = TinyBert.V;
    static final int D = TinyBert.D;
    static final int H = TinyBert.H;
    static final int L = TinyBert.L;
    static final int I = TinyBert.I;
    static final int P = TinyBert.P;

    @TempDir
    Path tmp;

    final Map<String, Tensor> w = new LinkedHashMap<>();
    final Random rng = new Random(21);

    static final int LABELS = TinyBert.LABELS;
    static final String[] VOCAB = TinyBert.VOCAB;

    private Path checkpoint() throws Exception {
        Path dir = tmp.resolve("tiny-bert");
        w.putAll(TinyBert.write(dir, rng, "bert", null));
        return dir;
    }

    @Test
    void matchesAnIndependentReferenceForwardWithPadding() throws Exception {
        Path dir = checkpoint();
        long[][] ids = {{2, 7, 11, 5, 3, 0}, {2, 9, 3, 0, 0, 0}};
        long[][] mask = {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 0, 0, 0}};
        try (BertModel m = BertModel.load(dir, Device.cpu(), DataType.FLOAT64);
                NDManager nd = m.manager().newSubManager()) {
            NDArray idArr = nd.create(ids);
            NDArray typeArr = nd.zeros(new Shape(2, 6), DataType.INT64);
            NDArray maskArr = nd.create(mask);
            NDArray emb = m.embed(idArr, typeArr);
            double[] out = m.encode(emb, maskArr).toDoubleArray();
            for (int b = 0; b < 2; b++) {
                double[][] ref = reference(ids[b], mask[b]);
                for (int t = 0; t < 6; t++) {
                    if (mask[b][t] == 0) {
                        continue; // padding positions are not part of the contract
                    }
                    for (int j = 0; j < D; j++) {
                        assertEquals(ref[t][j], out[(b * 6 + t) * D + j], 1e-9, "b" + b + " t" + t + " j" + j);
                    }
                }
            }
        }
    }

    @Test
    void headsMatchTheReference() throws Exception {
        Path dir = checkpoint();
        long[] ids = {2, 5, 6, 4, 9, 19, 3};
        long[] mask = {1, 1, 1, 1, 1, 1, 1};
        double[][] h = reference(ids, mask);
        try (BertModel m = BertModel.load(dir, Device.cpu(), DataType.FLOAT64);
                NDManager nd = m.manager().newSubManager()) {
            assertTrue(m.hasMaskedLmHead());
            assertEquals(LABELS, m.classifierLabels());
            NDArray hidden = m.encode(m.embed(nd.create(new long[][] {ids}), nd.zeros(new Shape(1, 7), DataType.INT64)),
                    nd.create(new long[][] {mask}));
            // masked-LM: dense, GELU, LayerNorm, then the word embeddings transposed plus the output bias
            double[] mlm = m.maskedLmLogits(hidden).toDoubleArray();
            double[][] u = linear(h, fRaw("cls.predictions.transform.dense.weight"),
                    fRaw("cls.predictions.transform.dense.bias"), D);
            for (int t = 0; t < ids.length; t++) {
                for (int j = 0; j < D; j++) {
                    u[t][j] = 0.5 * u[t][j] * (1 + erf(u[t][j] / Math.sqrt(2)));
                }
                u[t] = ln(u[t], fRaw("cls.predictions.transform.LayerNorm.weight"),
                        fRaw("cls.predictions.transform.LayerNorm.bias"));
            }
            double[][] logits = linear(u, f("embeddings.word_embeddings.weight"), fRaw("cls.predictions.bias"), V);
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < V; v++) {
                    assertEquals(logits[t][v], mlm[t * V + v], 1e-9, "t" + t + " v" + v);
                }
            }
            // classifier: tanh(dense([CLS])) then the linear classifier
            double[] pooledRef = linear(new double[][] {h[0]}, f("pooler.dense.weight"), f("pooler.dense.bias"), D)[0];
            for (int j = 0; j < D; j++) {
                pooledRef[j] = Math.tanh(pooledRef[j]);
            }
            double[] classRef = linear(new double[][] {pooledRef}, fRaw("classifier.weight"), fRaw("classifier.bias"),
                    LABELS)[0];
            NDArray pooled = m.pooled(hidden);
            double[] pooledOut = pooled.toDoubleArray();
            double[] classOut = m.classify(pooled).toDoubleArray();
            for (int j = 0; j < D; j++) {
                assertEquals(pooledRef[j], pooledOut[j], 1e-9);
            }
            for (int c = 0; c < LABELS; c++) {
                assertEquals(classRef[c], classOut[c], 1e-9);
            }
        }
    }

    /**
     * The same weights in RoBERTa's layout: "roberta." names, a position table whose first pad_token_id + 1 rows
     * come before the first token (filled with other numbers here, so reading them would show), one token type, and
     * the heads RobertaForSequenceClassification and RobertaForMaskedLM name classifier.dense / out_proj and
     * lm_head. transformers computes the same as BERT there: positions padding_idx + 1 + i, tanh(dense(first token))
     * then out_proj, dense, GELU, layer norm and the tied decoder. So the reference forward above serves.
     */
    private Path robertaCheckpoint() throws Exception {
        checkpoint();
        Map<String, Tensor> r = new LinkedHashMap<>();
        int offset = 2; // pad_token_id 1
        for (var e : w.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name.equals("bert.embeddings.position_embeddings.weight")) {
                float[] rows = new float[(P + offset) * D];
                for (int i = 0; i < offset * D; i++) {
                    rows[i] = (float) rng.nextGaussian();
                }
                System.arraycopy(t.data(), 0, rows, offset * D, P * D);
                put(r, "roberta." + name.substring(5), new Tensor("x", new long[] {P + offset, D}, rows));
            } else if (name.equals("bert.embeddings.token_type_embeddings.weight")) {
                put(r, "roberta." + name.substring(5), new Tensor("x", new long[] {1, D},
                        java.util.Arrays.copyOf(t.data(), D)));
            } else if (name.startsWith("bert.pooler.dense.")) {
                put(r, "classifier.dense." + name.substring("bert.pooler.dense.".length()), t);
            } else if (name.startsWith("classifier.")) {
                put(r, "classifier.out_proj." + name.substring("classifier.".length()), t);
            } else if (name.startsWith("cls.predictions.transform.dense.")) {
                put(r, "lm_head.dense." + name.substring("cls.predictions.transform.dense.".length()), t);
            } else if (name.startsWith("cls.predictions.transform.LayerNorm.")) {
                put(r, "lm_head.layer_norm." + name.substring("cls.predictions.transform.LayerNorm.".length()), t);
            } else if (name.equals("cls.predictions.bias")) {
                put(r, "lm_head.bias", t);
            } else if (name.startsWith("bert.")) {
                put(r, "roberta." + name.substring(5), t);
            } else {
                throw new IllegalStateException("unmapped " + name);
            }
        }
        Path dir = folder("tiny-roberta", r, "{\"model_type\": \"roberta\", \"vocab_size\": " + V
                + ", \"hidden_size\": " + D + ", \"num_hidden_layers\": " + L + ", \"num_attention_heads\": " + H
                + ", \"intermediate_size\": " + I + ", \"hidden_act\": \"gelu\", \"layer_norm_eps\": 1e-12,"
                + " \"max_position_embeddings\": " + (P + offset) + ", \"type_vocab_size\": 1, \"pad_token_id\": 1}");
        return dir;
    }

    private static void put(Map<String, Tensor> r, String name, Tensor t) {
        r.put(name, new Tensor(name, t.shape(), t.data()));
    }

    @Test
    void robertaReadsItsPositionsAfterThePaddingIdAndItsHeadsUnderTheirOwnNames() throws Exception {
        Path dir = robertaCheckpoint();
        long[] ids = {2, 5, 6, 4, 9, 19, 3};
        long[] mask = {1, 1, 1, 1, 1, 1, 1};
        double[][] h = reference(ids, mask);
        try (BertModel m = BertModel.load(dir, Device.cpu(), DataType.FLOAT64);
                NDManager nd = m.manager().newSubManager()) {
            assertEquals("roberta", m.config().family());
            assertEquals(P, m.config().maxTokens());
            assertTrue(m.hasMaskedLmHead());
            assertEquals(LABELS, m.classifierLabels());
            NDArray hidden = assertHidden(m, nd, ids, mask, h, ": positions from the offset");
            assertClassifier(m, hidden, h[0], f("pooler.dense.weight"), f("pooler.dense.bias"), "tanh",
                    fRaw("classifier.weight"), fRaw("classifier.bias"));
            assertMaskedLm(m, hidden, h, fRaw("cls.predictions.transform.dense.weight"),
                    fRaw("cls.predictions.transform.dense.bias"), D, fRaw("cls.predictions.transform.LayerNorm.weight"),
                    fRaw("cls.predictions.transform.LayerNorm.bias"), f("embeddings.word_embeddings.weight"),
                    fRaw("cls.predictions.bias"));
            long[] tooLong = new long[P + 1];
            java.util.Arrays.fill(tooLong, 5);
            var e = assertThrows(InvalidInputException.class, () -> m.embed(nd.create(new long[][] {tooLong}),
                    nd.zeros(new Shape(1, P + 1), DataType.INT64)));
            assertTrue(e.getMessage().contains("at most " + P), e.getMessage());
        }
        // the whole text engine opens it: a classifier walked in its embeddings
        try (TextModel tm = TextModel.load(dir, Device.cpu(), DataType.FLOAT32);
                TextTask task = TextTask.create(tm, tm.tokenize("the movie was good"), null, null, 0)) {
            assertEquals(TextModel.Head.CLASSIFIER, tm.head());
            assertEquals(TextTask.Kind.CLASSIFIER, task.kind());
            assertEquals(LABELS, task.labels().size());
        }
    }

    /**
     * The same weights in DistilBERT's layout: distilbert.transformer.layer.N.attention.q_lin … output_layer_norm, no
     * token types (so the reference's type row is zeroed), and the heads DistilBertForSequenceClassification
     * (pre_classifier, ReLU, classifier) and DistilBertForMaskedLM (vocab_transform, GELU, vocab_layer_norm,
     * vocab_projector) name; the configuration says dim, n_layers, n_heads, hidden_dim and activation.
     */
    private Path distilCheckpoint() throws Exception {
        checkpoint();
        float[] types = w.get("bert.embeddings.token_type_embeddings.weight").data();
        java.util.Arrays.fill(types, 0f); // what the reference adds for DistilBERT's missing token types
        String[][] parts = {{"attention.self.query", "attention.q_lin"}, {"attention.self.key", "attention.k_lin"},
                {"attention.self.value", "attention.v_lin"}, {"attention.output.dense", "attention.out_lin"},
                {"attention.output.LayerNorm", "sa_layer_norm"}, {"intermediate.dense", "ffn.lin1"},
                {"output.dense", "ffn.lin2"}, {"output.LayerNorm", "output_layer_norm"}};
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (var e : w.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name.equals("bert.embeddings.token_type_embeddings.weight")) {
                continue;
            } else if (name.startsWith("bert.encoder.layer.")) {
                String rest = name.substring("bert.encoder.layer.".length());
                String layer = rest.substring(0, rest.indexOf('.'));
                String part = rest.substring(rest.indexOf('.') + 1);
                String mapped = null;
                for (String[] m : parts) {
                    if (part.startsWith(m[0] + ".")) {
                        mapped = m[1] + part.substring(m[0].length());
                    }
                }
                put(r, "distilbert.transformer.layer." + layer + "." + mapped, t);
            } else if (name.startsWith("bert.pooler.dense.")) {
                put(r, "pre_classifier." + name.substring("bert.pooler.dense.".length()), t);
            } else if (name.startsWith("classifier.")) {
                put(r, name, t);
            } else if (name.startsWith("cls.predictions.transform.dense.")) {
                put(r, "vocab_transform." + name.substring("cls.predictions.transform.dense.".length()), t);
            } else if (name.startsWith("cls.predictions.transform.LayerNorm.")) {
                put(r, "vocab_layer_norm." + name.substring("cls.predictions.transform.LayerNorm.".length()), t);
            } else if (name.equals("cls.predictions.bias")) {
                put(r, "vocab_projector.bias", t);
            } else if (name.startsWith("bert.embeddings.")) {
                put(r, "distilbert." + name.substring(5), t);
            } else {
                throw new IllegalStateException("unmapped " + name);
            }
        }
        Path dir = folder("tiny-distilbert", r, "{\"model_type\": \"distilbert\", \"vocab_size\": " + V
                + ", \"dim\": " + D + ", \"n_layers\": " + L + ", \"n_heads\": " + H + ", \"hidden_dim\": " + I
                + ", \"activation\": \"gelu\", \"max_position_embeddings\": " + P + "}");
        return dir;
    }

    @Test
    void distilbertIsBertsLayersUnderItsOwnNamesWithoutTokenTypes() throws Exception {
        Path dir = distilCheckpoint();
        long[] ids = {2, 5, 6, 4, 9, 19, 3};
        long[] mask = {1, 1, 1, 1, 1, 1, 1};
        double[][] h = reference(ids, mask);
        try (BertModel m = BertModel.load(dir, Device.cpu(), DataType.FLOAT64);
                NDManager nd = m.manager().newSubManager()) {
            assertEquals("distilbert", m.config().family());
            assertEquals(L, m.config().numLayers());
            assertTrue(m.hasMaskedLmHead());
            assertEquals(LABELS, m.classifierLabels());
            NDArray hidden = assertHidden(m, nd, ids, mask, h, "");
            // the classifier: ReLU, not BERT's tanh, on the first token's state through pre_classifier
            assertClassifier(m, hidden, h[0], f("pooler.dense.weight"), f("pooler.dense.bias"), "relu",
                    fRaw("classifier.weight"), fRaw("classifier.bias"));
            assertMaskedLm(m, hidden, h, fRaw("cls.predictions.transform.dense.weight"),
                    fRaw("cls.predictions.transform.dense.bias"), D, fRaw("cls.predictions.transform.LayerNorm.weight"),
                    fRaw("cls.predictions.transform.LayerNorm.bias"), f("embeddings.word_embeddings.weight"),
                    fRaw("cls.predictions.bias"));
        }
        try (TextModel tm = TextModel.load(dir, Device.cpu(), DataType.FLOAT32);
                TextTask task = TextTask.create(tm, tm.tokenize("the movie was good"), null, null, 0)) {
            assertEquals(TextTask.Kind.CLASSIFIER, task.kind());
        }
    }

    static final int E = 6; // ELECTRA's embeddings, narrower than the hidden width D

    /**
     * An ELECTRA checkpoint: the tiny BERT's encoder layers under "electra.", embeddings of width E projected to D by
     * embeddings_project, ElectraForSequenceClassification's head (dense, GELU, out_proj on the first token) and
     * ElectraForMaskedLM's generator head (dense to E, GELU, LayerNorm, generator_lm_head tied to the embeddings).
     */
    private Path electraCheckpoint(Map<String, Tensor> extra) throws Exception {
        checkpoint();
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (var e : w.entrySet()) {
            if (e.getKey().startsWith("bert.encoder.")) {
                put(r, "electra." + e.getKey().substring(5), e.getValue());
            }
        }
        extra.putAll(factorised("electra.", "electra.embeddings_project", "classifier.dense", "classifier.out_proj",
                "generator_predictions.dense", "generator_predictions.LayerNorm", "generator_lm_head.bias"));
        for (var e : extra.entrySet()) {
            put(r, e.getKey(), e.getValue());
        }
        Path dir = folder("tiny-electra", r, "{\"model_type\": \"electra\", \"vocab_size\": " + V
                + ", \"embedding_size\": " + E + ", \"hidden_size\": " + D + ", \"num_hidden_layers\": " + L
                + ", \"num_attention_heads\": " + H + ", \"intermediate_size\": " + I + ", \"hidden_act\": \"gelu\","
                + " \"layer_norm_eps\": 1e-12, \"max_position_embeddings\": " + P + ", \"type_vocab_size\": 2}");
        return dir;
    }

    /**
     * The random tensors of a factorised-embedding family: embeddings of width E under {@code base}, the projection
     * to D, a classifier (a D × D layer, then the output) and a masked-LM head (dense to E, layer norm, output bias).
     */
    private Map<String, Tensor> factorised(String base, String projection, String classifierDense,
            String classifierOut, String mlmDense, String mlmNorm, String mlmBias) {
        Map<String, Tensor> x = new LinkedHashMap<>();
        x.put(base + "embeddings.word_embeddings.weight", gaussian("w", 0.5, V, E));
        x.put(base + "embeddings.position_embeddings.weight", gaussian("p", 0.3, P, E));
        x.put(base + "embeddings.token_type_embeddings.weight", gaussian("t", 0.3, 2, E));
        x.put(base + "embeddings.LayerNorm.weight", gaussian("g", 0.1, E));
        x.put(base + "embeddings.LayerNorm.bias", gaussian("b", 0.1, E));
        x.put(projection + ".weight", gaussian("pw", 0.4, D, E));
        x.put(projection + ".bias", gaussian("pb", 0.1, D));
        x.put(classifierDense + ".weight", gaussian("cd", 0.4, D, D));
        x.put(classifierDense + ".bias", gaussian("cb", 0.1, D));
        x.put(classifierOut + ".weight", gaussian("ow", 0.5, LABELS, D));
        x.put(classifierOut + ".bias", gaussian("ob", 0.1, LABELS));
        x.put(mlmDense + ".weight", gaussian("gd", 0.4, E, D));
        x.put(mlmDense + ".bias", gaussian("gb", 0.1, E));
        x.put(mlmNorm + ".weight", gaussian("gl", 0.1, E));
        x.put(mlmNorm + ".bias", gaussian("gm", 0.1, E));
        x.put(mlmBias, gaussian("lb", 0.2, V));
        return x;
    }

    /** A model folder of these tensors, the tiny WordPiece tokenizer and this config.json. */
    private Path folder(String name, Map<String, Tensor> tensors, String config) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors);
        Files.writeString(dir.resolve("tokenizer.json"), TinyBert.tokenizerJson());
        Files.writeString(dir.resolve("config.json"), config);
        return dir;
    }

    private Tensor gaussian(String name, double scale, long... shape) {
        int n = 1;
        for (long x : shape) {
            n *= (int) x;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (scale * rng.nextGaussian() + (name.equals("g") || name.equals("gl") ? 1 : 0));
        }
        return new Tensor(name, shape, data);
    }

    private static double[] d(Tensor t) {
        double[] out = new double[t.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.data()[i];
        }
        return out;
    }

    @Test
    void electraWalksItsNarrowerEmbeddingsAndProjectsThemBeforeTheEncoder() throws Exception {
        Map<String, Tensor> x = new LinkedHashMap<>();
        Path dir = electraCheckpoint(x);
        long[] ids = {2, 5, 6, 4, 9, 19, 3};
        long[] mask = {1, 1, 1, 1, 1, 1, 1};
        int t = ids.length;
        double[] we = d(x.get("electra.embeddings.word_embeddings.weight"));
        double[] pe = d(x.get("electra.embeddings.position_embeddings.weight"));
        double[] te = d(x.get("electra.embeddings.token_type_embeddings.weight"));
        double[][] emb = new double[t][E];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < E; j++) {
                emb[i][j] = we[(int) ids[i] * E + j] + pe[i * E + j] + te[j];
            }
            emb[i] = ln(emb[i], d(x.get("electra.embeddings.LayerNorm.weight")),
                    d(x.get("electra.embeddings.LayerNorm.bias")));
        }
        double[][] h = referenceLayers(linear(emb, d(x.get("electra.embeddings_project.weight")),
                d(x.get("electra.embeddings_project.bias")), D), mask);
        try (BertModel m = BertModel.load(dir, Device.cpu(), DataType.FLOAT64);
                NDManager nd = m.manager().newSubManager()) {
            assertEquals(E, m.config().embeddingSize());
            NDArray e = m.embed(nd.create(new long[][] {ids}), nd.zeros(new Shape(1, t), DataType.INT64));
            assertEquals(new Shape(1, t, E), e.getShape(), "the walk explores the E-wide embeddings");
            double[] eo = e.toDoubleArray();
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < E; j++) {
                    assertEquals(emb[i][j], eo[i * E + j], 1e-9);
                }
            }
            NDArray hidden = m.encode(e, nd.create(new long[][] {mask}));
            double[] out = hidden.toDoubleArray();
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < D; j++) {
                    assertEquals(h[i][j], out[i * D + j], 1e-9, "t" + i + " j" + j);
                }
            }
            assertClassifier(m, hidden, h[0], d(x.get("classifier.dense.weight")), d(x.get("classifier.dense.bias")),
                    "gelu", d(x.get("classifier.out_proj.weight")), d(x.get("classifier.out_proj.bias")));
            assertMaskedLm(m, hidden, h, d(x.get("generator_predictions.dense.weight")),
                    d(x.get("generator_predictions.dense.bias")), E, d(x.get("generator_predictions.LayerNorm.weight")),
                    d(x.get("generator_predictions.LayerNorm.bias")), we, d(x.get("generator_lm_head.bias")));
        }
        // the text engine walks the E-wide sequence: the explored dimension is tokens × E, and decoding works
        try (TextModel tm = TextModel.load(dir, Device.cpu(), DataType.FLOAT32);
                TextTask task = TextTask.create(tm, tm.tokenize("the movie was good"), null, null, 0)) {
            assertEquals(task.input().length() * E, task.inputDimension());
            TextDecoding dec = task.decode(task.startPoint());
            assertEquals(0, dec.changedCount(), "the start decodes to its own tokens");
        }
    }

    @Test
    void albertSharesOneLayerAcrossItsDepthAfterItsFactorisedEmbeddings() throws Exception {
        checkpoint();
        String[][] parts = {{"attention.self.query", "attention.query"}, {"attention.self.key", "attention.key"},
                {"attention.self.value", "attention.value"}, {"attention.output.dense", "attention.dense"},
                {"attention.output.LayerNorm", "attention.LayerNorm"}, {"intermediate.dense", "ffn"},
                {"output.dense", "ffn_output"}, {"output.LayerNorm", "full_layer_layer_norm"}};
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (var e : w.entrySet()) {
            if (e.getKey().startsWith("bert.encoder.layer.0.")) { // the one shared layer: the tiny BERT's first
                String part = e.getKey().substring("bert.encoder.layer.0.".length());
                for (String[] m : parts) {
                    if (part.startsWith(m[0] + ".")) {
                        put(r, "albert.encoder.albert_layer_groups.0.albert_layers.0." + m[1]
                                + part.substring(m[0].length()), e.getValue());
                    }
                }
            }
        }
        Map<String, Tensor> x = new LinkedHashMap<>();
        x.putAll(factorised("albert.", "albert.encoder.embedding_hidden_mapping_in", "albert.pooler", "classifier",
                "predictions.dense", "predictions.LayerNorm", "predictions.bias"));
        for (var e : x.entrySet()) {
            put(r, e.getKey(), e.getValue());
        }
        Path dir = folder("tiny-albert", r, "{\"model_type\": \"albert\", \"vocab_size\": " + V
                + ", \"embedding_size\": " + E + ", \"hidden_size\": " + D + ", \"num_hidden_layers\": 3"
                + ", \"num_attention_heads\": " + H + ", \"intermediate_size\": " + I + ", \"hidden_act\": \"gelu\","
                + " \"layer_norm_eps\": 1e-12, \"max_position_embeddings\": " + P + ", \"type_vocab_size\": 2,"
                + " \"num_hidden_groups\": 1, \"inner_group_num\": 1}");
        long[] ids = {2, 5, 6, 4, 9, 19, 3};
        long[] mask = {1, 1, 1, 1, 1, 1, 1};
        int t = ids.length;
        double[] we = d(x.get("albert.embeddings.word_embeddings.weight"));
        double[] pe = d(x.get("albert.embeddings.position_embeddings.weight"));
        double[] te = d(x.get("albert.embeddings.token_type_embeddings.weight"));
        double[][] emb = new double[t][E];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < E; j++) {
                emb[i][j] = we[(int) ids[i] * E + j] + pe[i * E + j] + te[j];
            }
            emb[i] = ln(emb[i], d(x.get("albert.embeddings.LayerNorm.weight")), d(x.get("albert.embeddings.LayerNorm.bias")));
        }
        // three passes through the one shared layer
        double[][] h = referenceLayers(linear(emb, d(x.get("albert.encoder.embedding_hidden_mapping_in.weight")),
                d(x.get("albert.encoder.embedding_hidden_mapping_in.bias")), D), mask, 0, 0, 0);
        try (BertModel m = BertModel.load(dir, Device.cpu(), DataType.FLOAT64);
                NDManager nd = m.manager().newSubManager()) {
            assertEquals("albert", m.config().family());
            NDArray hidden = assertHidden(m, nd, ids, mask, h, "");
            assertClassifier(m, hidden, h[0], d(x.get("albert.pooler.weight")), d(x.get("albert.pooler.bias")), "tanh",
                    d(x.get("classifier.weight")), d(x.get("classifier.bias")));
            assertMaskedLm(m, hidden, h, d(x.get("predictions.dense.weight")), d(x.get("predictions.dense.bias")), E,
                    d(x.get("predictions.LayerNorm.weight")), d(x.get("predictions.LayerNorm.bias")), we,
                    d(x.get("predictions.bias")));
        }
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"num_hidden_groups\": 1", "\"num_hidden_groups\": 4"));
        var e = assertThrows(InvalidInputException.class, () -> BertModel.load(dir, Device.cpu(), DataType.FLOAT64));
        assertTrue(e.getMessage().contains("num_hidden_groups 4"), e.getMessage());
    }

    @Test
    void tokenizesDecodesAndReadsItsLabelsFromTheFolder() throws Exception {
        Path dir = checkpoint();
        String cfg = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), cfg.substring(0, cfg.length() - 1)
                + ", \"id2label\": {\"0\": \"hateful\", \"1\": \"offensive\", \"2\": \"neither\"}}");
        try (TextModel m = TextModel.load(dir, Device.cpu(), DataType.FLOAT64)) {
            assertEquals(TextModel.Head.CLASSIFIER, m.head());
            assertEquals(java.util.List.of("hateful", "offensive", "neither"), m.classLabels());
            TextInput in = m.tokenize("The cats sat on the mat!");
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    new String[] {"[CLS]", "the", "cat", "##s", "sat", "on", "the", "mat", "!", "[SEP]"}, in.tokens());
            // an unmodified embedding sequence decodes back to its own tokens, at zero residual
            TextModel.NearestTokens near = m.nearest(m.embeddingsOf(in.ids(), in.types()), in.types());
            org.junit.jupiter.api.Assertions.assertArrayEquals(in.ids(), near.ids());
            for (double r : near.distances()) {
                assertEquals(0, r, 1e-9);
            }
            // every vocabulary token at every position, against a brute-force search over all candidates
            double[] x = new double[10 * D];
            Random r = new Random(5);
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextGaussian();
            }
            long[] types = new long[10];
            long[] fast = m.nearest(x, types).ids();
            for (int t = 0; t < 10; t++) {
                double best = Double.POSITIVE_INFINITY;
                int arg = -1;
                for (int v = 0; v < V; v++) {
                    long[] ids = new long[10];
                    java.util.Arrays.fill(ids, v);
                    double[] e = m.embeddingsOf(ids, types);
                    double dist = 0;
                    for (int j = 0; j < D; j++) {
                        dist += (x[t * D + j] - e[t * D + j]) * (x[t * D + j] - e[t * D + j]);
                    }
                    if (dist < best) {
                        best = dist;
                        arg = v;
                    }
                }
                assertEquals(arg, fast[t], "position " + t);
            }
        }
    }

    /**
     * RoBERTa's byte-level BPE and XLM-R's SentencePiece Unigram tokenizer.json, as the tokenizers library writes
     * them, run by the same binding: "the cat sat." tokenizes as each algorithm does (merges by rank; the most
     * probable segmentation), the vocabulary table in either layout names every id, and an unmodified embedding
     * sequence decodes back to its own tokens.
     */
    @Test
    void bytePairAndUnigramTokenizersTokenizeAndDecodeAsTheirAlgorithmsDo() throws Exception {
        Path dir = robertaCheckpoint();
        String special = "\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}";
        String added = "[{\"id\":0,\"content\":\"<s>\"," + special + ",{\"id\":1,\"content\":\"<pad>\"," + special
                + ",{\"id\":2,\"content\":\"</s>\"," + special + ",{\"id\":3,\"content\":\"<unk>\"," + special
                + ",{\"id\":29,\"content\":\"<mask>\"," + special + "]";
        String[] bpe = {"<s>", "<pad>", "</s>", "<unk>", "t", "h", "e", "\u0120", "c", "a", "s", ".", "th", "the", "at",
            "\u0120c", "\u0120s", "\u0120cat", "\u0120sat"};
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < bpe.length; i++) {
            vocab.append(i == 0 ? "" : ",").append('"').append(bpe[i]).append("\":").append(i);
        }
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":" + added + ",\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"ByteLevel\","
                + "\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":true},\"post_processor\":{\"type\":"
                + "\"RobertaProcessing\",\"sep\":[\"</s>\",2],\"cls\":[\"<s>\",0],\"trim_offsets\":true,"
                + "\"add_prefix_space\":false},\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,"
                + "\"trim_offsets\":true,\"use_regex\":true},\"model\":{\"type\":\"BPE\",\"dropout\":null,"
                + "\"unk_token\":null,\"continuing_subword_prefix\":\"\",\"end_of_word_suffix\":\"\",\"fuse_unk\":false,"
                + "\"byte_fallback\":false,\"vocab\":{" + vocab + "},\"merges\":[\"t h\",\"th e\",\"a t\","
                + "\"\u0120 c\",\"\u0120 s\",\"\u0120c at\",\"\u0120s at\"]}}");
        assertTokens(dir, new String[] {"<s>", "the", "\u0120cat", "\u0120sat", ".", "</s>"}, new long[] {0, 13, 17, 18,
            11, 2}, 29);

        String[] pieces = {"<s>", "<pad>", "</s>", "<unk>", "\u2581the", "\u2581cat", "\u2581sat", "\u2581", ".", "c",
            "a", "t", "s", "h", "e", "\u2581ca", "at"};
        double[] scores = {0, 0, 0, 0, -1, -1.5, -1.5, -3, -2, -4, -4, -4, -4, -4, -4, -3.5, -3};
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < pieces.length; i++) {
            table.append(i == 0 ? "" : ",").append("[\"").append(pieces[i]).append("\",").append(scores[i]).append(']');
        }
        String meta = "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"always\",\"split\":true}";
        String tok = "{\"SpecialToken\":{\"id\":\"%s\",\"type_id\":0}}";
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":" + added + ",\"normalizer\":null,\"pre_tokenizer\":" + meta + ",\"post_processor\":"
                + "{\"type\":\"TemplateProcessing\",\"single\":[" + String.format(tok, "<s>") + ",{\"Sequence\":{\"id\":"
                + "\"A\",\"type_id\":0}}," + String.format(tok, "</s>") + "],\"pair\":[" + String.format(tok, "<s>")
                + ",{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}," + String.format(tok, "</s>") + ",{\"Sequence\":{\"id\":"
                + "\"B\",\"type_id\":0}}," + String.format(tok, "</s>") + "],\"special_tokens\":{\"<s>\":{\"id\":\"<s>\","
                + "\"ids\":[0],\"tokens\":[\"<s>\"]},\"</s>\":{\"id\":\"</s>\",\"ids\":[2],\"tokens\":[\"</s>\"]}}},"
                + "\"decoder\":" + meta + ",\"model\":{\"type\":\"Unigram\",\"unk_id\":3,\"vocab\":[" + table
                + "],\"byte_fallback\":false}}");
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"roberta\"", "\"xlm-roberta\""));
        assertTokens(dir, new String[] {"<s>", "\u2581the", "\u2581cat", "\u2581sat", ".", "</s>"}, new long[] {0, 4, 5,
            6, 8, 2}, 29);
        // a tokenizer whose table names ids past the model's vocabulary belongs to another model
        Files.writeString(dir.resolve("tokenizer.json"), Files.readString(dir.resolve("tokenizer.json"))
                .replace("{\"id\":29,", "{\"id\":250001,"));
        var e = assertThrows(InvalidInputException.class, () -> TextModel.load(dir, Device.cpu(), DataType.FLOAT64));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("another model"),
                e.getMessage());
    }

    private static void assertTokens(Path dir, String[] tokens, long[] ids, int mask) {
        try (TextModel m = TextModel.load(dir, Device.cpu(), DataType.FLOAT64)) {
            TextInput in = m.tokenize("the cat sat.");
            org.junit.jupiter.api.Assertions.assertArrayEquals(tokens, in.tokens());
            org.junit.jupiter.api.Assertions.assertArrayEquals(ids, in.ids());
            TextModel.NearestTokens near = m.nearest(m.embeddingsOf(in.ids(), in.types()), in.types());
            org.junit.jupiter.api.Assertions.assertArrayEquals(in.ids(), near.ids());
            assertEquals("<mask>", m.tokenizer().token(mask));
        }
    }

    /**
     * The hand-written batched pullback of a text task (one forward, one backward of k cotangent rows through the
     * head, the post-norm blocks and the placement of the walked rows) equals DJL autograd on the replicated batch
     * and central finite differences, for every head (classifier, masked-LM, zero-shot under each pooling) and for
     * the families whose parts differ: DistilBERT's ReLU pre-classifier, ELECTRA's projected narrower embeddings
     * and GELU classifier.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"bert,classifier,mean", "bert,masked-lm,mean", "bert,zero-shot,cls",
        "bert,zero-shot,mean", "bert,zero-shot,max", "distilbert,classifier,mean", "electra,classifier,mean"})
    void theBatchedPullbackEqualsAutogradAndFiniteDifferences(String family, String head, String pooling)
            throws Exception {
        Path dir = switch (family) {
            case "distilbert" -> distilCheckpoint();
            case "electra" -> electraCheckpoint(new LinkedHashMap<>());
            default -> checkpoint();
        };
        if (!head.equals("classifier")) {
            w.remove("classifier.weight");
            w.remove("classifier.bias");
            SafeTensors.write(dir.resolve("model.safetensors"), w);
        }
        String sentence = head.equals("masked-lm") ? "the cat sat on the [MASK]." : "the movie was good";
        try (TextModel m = TextModel.load(dir, Device.cpu(), DataType.FLOAT64);
                TextTask task = TextTask.create(m, m.tokenize(sentence), null, TextTask.SENTIMENT_LABELS, 4,
                        Pooling.parse(pooling))) {
            assertEquals(head, task.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            org.leafwalk.geometry.DifferentiableMap f = org.leafwalk.geometry.DifferentiableMap.of(task::readout,
                    task.inputDimension(), task.outputWidth(), task.logitCount(), DataType.FLOAT64, task.manager(),
                    x1 -> {
                        TextTask.Tape tape = task.tape(x1);
                        return org.leafwalk.geometry.DifferentiableMap.Vjp.of(tape.output(), tape::pullback);
                    });
            double[] x = task.startPoint();
            for (int i = 0; i < x.length; i++) {
                x[i] += 0.05 * Math.sin(3.1 * i); // off the sentence's own embeddings
            }
            for (org.leafwalk.geometry.OutputMetric metric : new org.leafwalk.geometry.OutputMetric[] {
                org.leafwalk.geometry.OutputMetric.LOGITS, org.leafwalk.geometry.OutputMetric.REPRESENTATION}) {
                double[] y = org.leafwalk.geometry.Linearization.evaluate(f, x);
                var spec = org.leafwalk.geometry.OutputSpec.choose(metric, y, f.logitCount(), 0);
                double[] fast = org.leafwalk.geometry.Linearization.at(f, spec, x, 1e-9, false).jacobian();
                double[] slow = org.leafwalk.geometry.Linearization.at(f, spec, x, 1e-9, true).jacobian();
                assertArrayEquals(y, org.leafwalk.geometry.Linearization.at(f, spec, x, 1e-9, false).output(), 1e-12,
                        "the tape's forward pass is the readout's");
                double err = 0;
                double norm = 0;
                for (int i = 0; i < fast.length; i++) {
                    err += (fast[i] - slow[i]) * (fast[i] - slow[i]);
                    norm += slow[i] * slow[i];
                }
                String what = family + " " + head + " " + pooling + " " + metric;
                assertTrue(norm > 0, what);
                assertTrue(Math.sqrt(err / norm) < 1e-10, what + ": against autograd " + Math.sqrt(err / norm));
                // central differences of the selected outputs, every coordinate
                int n = x.length;
                int k = spec.size();
                double h = 1e-6;
                double fdErr = 0;
                for (int j = 0; j < n; j++) {
                    double[] xp = x.clone();
                    double[] xm = x.clone();
                    xp[j] += h;
                    xm[j] -= h;
                    double[] zp = spec.select(org.leafwalk.geometry.Linearization.evaluate(f, xp));
                    double[] zm = spec.select(org.leafwalk.geometry.Linearization.evaluate(f, xm));
                    for (int i = 0; i < k; i++) {
                        double dd = (zp[i] - zm[i]) / (2 * h) - fast[i * n + j];
                        fdErr += dd * dd;
                    }
                }
                assertTrue(Math.sqrt(fdErr / norm) < 1e-6, what + ": against finite differences "
                        + Math.sqrt(fdErr / norm));
            }
        }
    }

    @Test
    void maskedLanguageModelTaskReadsTheTopTokensAtTheMask() throws Exception {
        Path dir = checkpoint();
        w.remove("classifier.weight");
        w.remove("classifier.bias");
        SafeTensors.write(dir.resolve("model.safetensors"), w);
        try (TextModel m = TextModel.load(dir, Device.cpu(), DataType.FLOAT64);
                TextTask task = TextTask.create(m, m.tokenize("the cat sat on the [MASK]."), new int[] {2, 3},
                        TextTask.SENTIMENT_LABELS, 4);
                NDManager nd = m.bert().manager().newSubManager()) {
            assertEquals(TextModel.Head.MASKED_LM, m.head());
            assertEquals(TextTask.Kind.MASKED_LM, task.kind());
            assertEquals(4, task.labels().size());
            assertEquals(2 * D, task.inputDimension());
            double[] out = task.readout(nd.create(task.startPoint(), new Shape(1, 2 * D))).toDoubleArray();
            // the k logits at the start are the k largest of the full vocabulary row at the [MASK], in order
            TextInput in = task.input();
            NDArray h = m.bert().encode(m.bert().embed(nd.create(new long[][] {in.ids()}),
                    nd.zeros(new Shape(1, in.length()), DataType.INT64)), nd.ones(new Shape(1, in.length())));
            double[] all = m.bert().maskedLmLogits(h).get(":, 6, :").toDoubleArray();
            double[] sorted = all.clone();
            java.util.Arrays.sort(sorted);
            for (int j = 0; j < 4; j++) {
                assertEquals(sorted[V - 1 - j], out[j], 1e-9);
            }
            TextDecoding dec = task.decode(task.startPoint());
            org.junit.jupiter.api.Assertions.assertArrayEquals(in.tokens(), dec.nearest());
            assertEquals(0, dec.changedCount());
        }
    }

    @Test
    void aTextLongerThanThePositionTableIsRefused() throws Exception {
        Path dir = checkpoint();
        try (BertModel m = BertModel.load(dir, Device.cpu(), DataType.FLOAT32);
                NDManager nd = m.manager().newSubManager()) {
            var e = assertThrows(InvalidInputException.class,
                    () -> m.embed(nd.zeros(new Shape(1, P + 4), DataType.INT64),
                            nd.zeros(new Shape(1, P + 4), DataType.INT64)));
            assertTrue(e.getMessage().contains("at most " + P), e.getMessage());
        }
    }

    private double[] f(String name) {
        return fRaw("bert." + name);
    }

    private double[] fRaw(String name) {
        float[] a = w.get(name).data();
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private double[][] reference(long[] ids, long[] mask) {
        int t = ids.length;
        double[][] h = new double[t][D];
        double[] we = f("embeddings.word_embeddings.weight");
        double[] pe = f("embeddings.position_embeddings.weight");
        double[] te = f("embeddings.token_type_embeddings.weight");
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < D; j++) {
                h[i][j] = we[(int) ids[i] * D + j] + pe[i * D + j] + te[j];
            }
            h[i] = ln(h[i], f("embeddings.LayerNorm.weight"), f("embeddings.LayerNorm.bias"));
        }
        return referenceLayers(h, mask);
    }

    /** The reference's encoder layers from an embedding sequence already at the hidden width. */
    private double[][] referenceLayers(double[][] h, long[] mask) {
        int[] all = new int[L];
        for (int l = 0; l < L; l++) {
            all[l] = l;
        }
        return referenceLayers(h, mask, all);
    }

    /** The same, running the tiny BERT's layers in the order given (a shared layer appears more than once). */
    private double[][] referenceLayers(double[][] h, long[] mask, int... order) {
        int t = h.length;
        int hd = D / H;
        for (int l : order) {
            String p = "encoder.layer." + l + ".";
            double[][] q = linear(h, f(p + "attention.self.query.weight"), f(p + "attention.self.query.bias"), D);
            double[][] k = linear(h, f(p + "attention.self.key.weight"), f(p + "attention.self.key.bias"), D);
            double[][] v = linear(h, f(p + "attention.self.value.weight"), f(p + "attention.self.value.bias"), D);
            double[][] ctx = new double[t][D];
            for (int head = 0; head < H; head++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int c = 0; c < hd; c++) {
                            dot += q[i][head * hd + c] * k[j][head * hd + c];
                        }
                        s[j] = dot / Math.sqrt(hd) + (mask[j] == 1 ? 0 : -1e4);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int c = 0; c < hd; c++) {
                            ctx[i][head * hd + c] += s[j] / z * v[j][head * hd + c];
                        }
                    }
                }
            }
            double[][] a = linear(ctx, f(p + "attention.output.dense.weight"), f(p + "attention.output.dense.bias"), D);
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < D; j++) {
                    a[i][j] += h[i][j];
                }
                a[i] = ln(a[i], f(p + "attention.output.LayerNorm.weight"), f(p + "attention.output.LayerNorm.bias"));
            }
            double[][] u = linear(a, f(p + "intermediate.dense.weight"), f(p + "intermediate.dense.bias"), I);
            for (double[] row : u) {
                for (int j = 0; j < I; j++) {
                    row[j] = 0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2)));
                }
            }
            double[][] o = linear(u, f(p + "output.dense.weight"), f(p + "output.dense.bias"), D);
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < D; j++) {
                    o[i][j] += a[i][j];
                }
                o[i] = ln(o[i], f(p + "output.LayerNorm.weight"), f(p + "output.LayerNorm.bias"));
            }
            h = o;
        }
        return h;
    }

    /** The model's last hidden state of {@code ids} against the reference's {@code h}, returned for the heads. */
    private static NDArray assertHidden(BertModel m, NDManager nd, long[] ids, long[] mask, double[][] h, String what) {
        NDArray hidden = m.encode(m.embed(nd.create(new long[][] {ids}), nd.zeros(new Shape(1, ids.length),
                DataType.INT64)), nd.create(new long[][] {mask}));
        double[] out = hidden.toDoubleArray();
        for (int t = 0; t < ids.length; t++) {
            for (int j = 0; j < D; j++) {
                assertEquals(h[t][j], out[t * D + j], 1e-9, "t" + t + " j" + j + what);
            }
        }
        return hidden;
    }

    /** The reference classifier: act(dense(first token's state)) then the output layer, against the model's. */
    private static void assertClassifier(BertModel m, NDArray hidden, double[] first, double[] denseW, double[] denseB,
            String act, double[] outW, double[] outB) {
        double[] z = linear(new double[][] {first}, denseW, denseB, D)[0];
        for (int j = 0; j < D; j++) {
            z[j] = switch (act) {
                case "relu" -> Math.max(0, z[j]);
                case "gelu" -> 0.5 * z[j] * (1 + erf(z[j] / Math.sqrt(2)));
                default -> Math.tanh(z[j]);
            };
        }
        double[] ref = linear(new double[][] {z}, outW, outB, LABELS)[0];
        double[] out = m.classify(m.pooled(hidden)).toDoubleArray();
        for (int c = 0; c < LABELS; c++) {
            assertEquals(ref[c], out[c], 1e-9, "class " + c);
        }
    }

    /** The reference masked-LM head: dense to {@code width}, GELU, layer norm, then the decoder, against the model's. */
    private static void assertMaskedLm(BertModel m, NDArray hidden, double[][] h, double[] denseW, double[] denseB,
            int width, double[] lnG, double[] lnB, double[] decoder, double[] bias) {
        double[][] u = linear(h, denseW, denseB, width);
        for (int t = 0; t < h.length; t++) {
            for (int j = 0; j < width; j++) {
                u[t][j] = 0.5 * u[t][j] * (1 + erf(u[t][j] / Math.sqrt(2)));
            }
            u[t] = ln(u[t], lnG, lnB);
        }
        double[][] logits = linear(u, decoder, bias, V);
        double[] out = m.maskedLmLogits(hidden).toDoubleArray();
        for (int t = 0; t < h.length; t++) {
            for (int v = 0; v < V; v++) {
                assertEquals(logits[t][v], out[t * V + v], 1e-9, "t" + t + " v" + v);
            }
        }
    }

    /** y = x Wᵀ + b with W stored (out, in) as torch.nn.Linear does. */
    private static double[][] linear(double[][] x, double[] wt, double[] b, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int c = 0; c < in; c++) {
                    s += x[i][c] * wt[o * in + c];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private static double[] ln(double[] x, double[] g, double[] b) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean) / x.length;
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + 1e-12) * g[i] + b[i];
        }
        return y;
    }

    /** erf: Taylor series below 3, the asymptotic series of erfc above (both well under 1e-10 there). */
    private static double erf(double x) {
        double a = Math.abs(x);
        if (a > 3) {
            double x2 = a * a;
            double erfc = Math.exp(-x2) / (a * Math.sqrt(Math.PI))
                    * (1 - 1 / (2 * x2) + 3 / (4 * x2 * x2) - 15 / (8 * x2 * x2 * x2) + 105 / (16 * x2 * x2 * x2 * x2));
            return Math.signum(x) * (1 - erfc);
        }
        double sum = 0;
        double term = x;
        for (int n = 0; n < 80; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
