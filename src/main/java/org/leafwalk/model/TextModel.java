package org.leafwalk.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.io.OnnxGraph;

/**
 * A BERT-family text model ready to explore: the encoder, its tokenizer, and which head it carries. Loads a Hugging
 * Face folder (config.json, model.safetensors, tokenizer.json) or a folder holding an ONNX export and its
 * tokenizer.json (the embedded all-MiniLM-L6-v2). Also decodes embedding sequences back to tokens: per position,
 * the vocabulary token whose input embedding LayerNorm(word + position + type) is nearest.
 */
public final class TextModel implements AutoCloseable {
    /** What the model's output is. */
    public enum Head {
        /** A plain encoder (sentence-transformers): mean-pooled embedding, zero-shot over label sentences. */
        SENTENCE_EMBEDDING,
        /** BertForMaskedLM: vocabulary logits at a [MASK]. */
        MASKED_LM,
        /** BertForSequenceClassification: class logits from the pooled output. */
        CLASSIFIER
    }

    private final BertModel bert;
    private final TextTokenizer tokenizer;
    private final Head head;
    private final List<String> classLabels;
    private final String source;
    // per vocabulary row Σw, Σw², Σg²w², Σg²w; then the LayerNorm's g and b, the position and type tables
    private double[][] decodingStats;

    private TextModel(BertModel bert, TextTokenizer tokenizer, List<String> classLabels, String source) {
        this.bert = bert;
        this.tokenizer = tokenizer;
        this.classLabels = classLabels;
        this.source = source;
        this.head = bert.classifierLabels() > 0 ? Head.CLASSIFIER
                : bert.hasMaskedLmHead() ? Head.MASKED_LM : Head.SENTENCE_EMBEDDING;
    }

    /** Whether a folder holds a text model (a BERT-family config.json, or an ONNX file). */
    public static boolean isTextModel(Path dir) {
        if (onnxFile(dir) != null) {
            return true;
        }
        Path cfg = dir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            return false;
        }
        try {
            JsonObject o = JsonFiles.readObject(cfg);
            return o.has("model_type")
                    && List.of("bert", "roberta", "distilbert").contains(o.get("model_type").getAsString());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Path onnxFile(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    public static TextModel load(Path dir, Device device, DataType dtype) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir + ": no such model folder");
        }
        Path onnx = onnxFile(dir);
        BertModel bert;
        if (onnx != null) {
            OnnxGraph g;
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(onnx), 1 << 20)) {
                g = OnnxGraph.read(in, onnx.toString());
            } catch (IOException e) {
                throw new InvalidInputException(onnx + ": cannot read (" + e.getMessage() + ")", e);
            }
            OnnxBertImport.Imported imp = OnnxBertImport.of(g);
            bert = BertModel.fromTensors(imp.config(), onnx, imp.weights(), device, dtype);
        } else {
            bert = BertModel.load(dir, device, dtype);
        }
        try {
            Path tok = dir.resolve("tokenizer.json");
            if (!Files.isRegularFile(tok)) {
                try (Stream<Path> s = Files.list(dir)) {
                    tok = s.filter(p -> p.getFileName().toString().endsWith("tokenizer.json")).findFirst().orElse(tok);
                }
            }
            TextTokenizer t = TextTokenizer.load(tok, bert.config().vocabSize());
            return new TextModel(bert, t, classLabels(dir, bert.classifierLabels()), dir.toString());
        } catch (IOException | RuntimeException e) {
            bert.close();
            throw e instanceof RuntimeException r ? r : new InvalidInputException(dir + ": " + e.getMessage(), e);
        }
    }

    private static List<String> classLabels(Path dir, int count) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            labels.add("LABEL_" + i);
        }
        Path cfg = dir.resolve("config.json");
        if (count > 0 && Files.isRegularFile(cfg)) {
            JsonObject o = JsonFiles.readObject(cfg);
            if (o.has("id2label") && o.get("id2label").isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("id2label").entrySet()) {
                    try {
                        int i = Integer.parseInt(e.getKey());
                        if (i >= 0 && i < count) {
                            labels.set(i, e.getValue().getAsString());
                        }
                    } catch (NumberFormatException ignored) {
                        // a non-numeric key: keep LABEL_i
                    }
                }
            }
        }
        return List.copyOf(labels);
    }

    public BertModel bert() {
        return bert;
    }

    public BertConfig config() {
        return bert.config();
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public Head head() {
        return head;
    }

    public List<String> classLabels() {
        return classLabels;
    }

    public String source() {
        return source;
    }

    public Device device() {
        return bert.manager().getDevice();
    }

    public TextInput tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    /** The embedding sequence of token ids after the embedding LayerNorm, flattened (T·d). */
    public double[] embeddingsOf(long[] ids, long[] types) {
        try (NDManager m = bert.manager().newSubManager()) {
            NDArray e = bert.embed(m.create(ids, new Shape(1, ids.length)), m.create(types, new Shape(1, types.length)));
            return toDoubles(e);
        }
    }

    static double[] toDoubles(NDArray a) {
        NDArray f = a.getDataType() == DataType.FLOAT64 ? a : a.toType(DataType.FLOAT64, false);
        return f.toDoubleArray();
    }

    /** The nearest vocabulary token at each position of an embedding sequence, and its distance. */
    public record NearestTokens(long[] ids, double[] distances, double[] norms) {}

    /**
     * Per position t, argmin over the vocabulary v of ‖x_t − LayerNorm(w_v + p_t + τ_t)‖, exact up to float32
     * rounding. The LayerNorm is expanded algebraically so the whole search is one (V × d)·(d × 3T) product and
     * a pass over V×T scalars, instead of normalising the vocabulary once per position.
     */
    public NearestTokens nearest(double[] x, long[] types) {
        int d = config().hiddenSize();
        int t = x.length / d;
        int v = config().vocabSize();
        double eps = config().layerNormEps();
        double[][] st = decodingStats();
        double[] g = st[4];
        double[] b = st[5];
        double[] pos = st[6];
        double[] typ = st[7];
        double g2sum = 0;
        for (double gi : g) {
            g2sum += gi * gi;
        }
        // rows of M: q_t = p_t + τ_t, a_t = g ⊙ (x_t − b), g² ⊙ q_t
        float[] m = new float[3 * t * d];
        double[][] q = new double[t][d];
        double[][] a = new double[t][d];
        for (int i = 0; i < t; i++) {
            int ty = (int) types[i];
            for (int j = 0; j < d; j++) {
                q[i][j] = pos[i * d + j] + typ[ty * d + j];
                a[i][j] = g[j] * (x[i * d + j] - b[j]);
                m[i * d + j] = (float) q[i][j];
                m[(t + i) * d + j] = (float) a[i][j];
                m[(2 * t + i) * d + j] = (float) (g[j] * g[j] * q[i][j]);
            }
        }
        float[] r;
        try (NDManager sub = bert.manager().newSubManager()) {
            NDArray mt = sub.create(m, new Shape(3L * t, d)).transpose();
            NDArray w = bert.wordEmbeddings();
            NDArray prod = w.matMul(mt.toType(w.getDataType(), false)); // (V, 3T), on the model's manager
            prod.attach(sub);
            NDArray f = prod.toType(DataType.FLOAT32, false);
            f.attach(sub);
            r = f.toFloatArray();
        }
        long[] ids = new long[t];
        double[] dist = new double[t];
        double[] norms = new double[t];
        for (int i = 0; i < t; i++) {
            double sq = 0;
            double q2 = 0;
            double sa = 0;
            double aq = 0;
            double g2q = 0;
            double g2q2 = 0;
            double y2 = 0;
            for (int j = 0; j < d; j++) {
                sq += q[i][j];
                q2 += q[i][j] * q[i][j];
                sa += a[i][j];
                aq += a[i][j] * q[i][j];
                g2q += g[j] * g[j] * q[i][j];
                g2q2 += g[j] * g[j] * q[i][j] * q[i][j];
                double y = x[i * d + j] - b[j];
                y2 += y * y;
                norms[i] += x[i * d + j] * x[i * d + j];
            }
            norms[i] = Math.sqrt(norms[i]);
            double best = Double.POSITIVE_INFINITY;
            int arg = 0;
            for (int k = 0; k < v; k++) {
                int row = k * 3 * t;
                double wq = r[row + i];
                double wa = r[row + t + i];
                double wg2q = r[row + 2 * t + i];
                double mu = (st[0][k] + sq) / d;
                double var = (st[1][k] + 2 * wq + q2) / d - mu * mu;
                double sigma = Math.sqrt(Math.max(var, 0) + eps);
                double cross = (wa + aq - mu * sa) / sigma;
                double g2u2 = st[2][k] + 2 * wg2q + g2q2;
                double g2u = st[3][k] + g2q;
                double self = (g2u2 - 2 * mu * g2u + mu * mu * g2sum) / (sigma * sigma);
                double dd = y2 - 2 * cross + self;
                if (dd < best) {
                    best = dd;
                    arg = k;
                }
            }
            ids[i] = arg;
        }
        // the residual of the chosen token, recomputed directly in double precision
        double[] chosen = embeddingsOf(ids, types);
        for (int i = 0; i < t; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double e = x[i * d + j] - chosen[i * d + j];
                s += e * e;
            }
            dist[i] = Math.sqrt(s);
        }
        return new NearestTokens(ids, dist, norms);
    }

    /** A model array's values, the conversion freed with {@code sub}. */
    private static double[] copy(NDArray a, NDManager sub) {
        NDArray c = a.toType(DataType.FLOAT64, true);
        c.attach(sub);
        return c.toDoubleArray();
    }

    private double[][] decodingStats() {
        if (decodingStats == null) {
            int d = config().hiddenSize();
            int v = config().vocabSize();
            double[][] st = new double[8][];
            float[] w;
            try (NDManager sub = bert.manager().newSubManager()) {
                NDArray wf = bert.wordEmbeddings().toType(DataType.FLOAT32, true);
                wf.attach(sub);
                w = wf.toFloatArray();
                st[4] = copy(bert.embeddingNormScale(), sub);
                st[5] = copy(bert.embeddingNormOffset(), sub);
                st[6] = copy(bert.positionEmbeddings(), sub);
                st[7] = copy(bert.typeEmbeddings(), sub);
            }
            double[] g = st[4];
            for (int i = 0; i < 4; i++) {
                st[i] = new double[v];
            }
            for (int k = 0; k < v; k++) {
                for (int j = 0; j < d; j++) {
                    double wj = w[k * d + j];
                    double g2 = g[j] * g[j];
                    st[0][k] += wj;
                    st[1][k] += wj * wj;
                    st[2][k] += g2 * wj * wj;
                    st[3][k] += g2 * wj;
                }
            }
            decodingStats = st;
        }
        return decodingStats;
    }

    @Override
    public void close() {
        tokenizer.close();
        bert.close();
    }
}
