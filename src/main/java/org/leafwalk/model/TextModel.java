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
    private final VocabularySearch search;
    private Pooling pooling; // what the folder's 1_Pooling/config.json names; null: it names none

    private TextModel(BertModel bert, TextTokenizer tokenizer, List<String> classLabels, String source) {
        this.bert = bert;
        this.tokenizer = tokenizer;
        this.classLabels = classLabels;
        this.source = source;
        this.search = new VocabularySearch(this, bert);
        this.head = bert.classifierLabels() > 0 ? Head.CLASSIFIER
                : bert.hasMaskedLmHead() ? Head.MASKED_LM : Head.SENTENCE_EMBEDDING;
    }

    private static final List<String> TEXT_FAMILIES = List.of("bert", "roberta", "xlm-roberta", "distilbert",
            "electra", "albert", "deberta", "deberta-v2", "camembert", "mpnet");

    /**
     * Whether a folder holds a text model. Its config.json decides when it names a model_type (a BERT family: text;
     * anything else, a vision model, even with a stray .onnx beside it); a folder without one is a text model when
     * it holds an ONNX export (as the sentence-transformers exports come).
     */
    public static boolean isTextModel(Path dir) {
        Path cfg = dir.resolve("config.json");
        if (Files.isRegularFile(cfg)) {
            try {
                JsonObject o = JsonFiles.readObject(cfg);
                if (o.has("model_type")) {
                    // the text families route here so that the ones the engine is not made for are refused by name
                    return TEXT_FAMILIES.contains(o.get("model_type").getAsString());
                }
            } catch (RuntimeException e) {
                // an unreadable config is refused with its own message by the reader that opens the folder
            }
        }
        return onnxFile(dir) != null;
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
        org.leafwalk.io.InputFiles.requireFolder(dir, "model folder");
        Pooling pooling = Pooling.ofFolder(dir); // refused before the weights are read
        Path onnx = onnxFile(dir);
        BertModel bert;
        if (onnx != null) {
            OnnxGraph g;
            org.leafwalk.io.InputFiles.requireRegular(onnx, "ONNX model");
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
            List<String> notes = new ArrayList<>();
            TextModel m = new TextModel(bert, t, classLabels(dir, bert.classifierLabels(), notes), dir.toString());
            m.pooling = pooling;
            m.notes.addAll(notes);
            return m;
        } catch (IOException | RuntimeException e) {
            bert.close();
            throw e instanceof RuntimeException r ? r : new InvalidInputException(dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The classifier's labels from id2label, which must name every output of the head (index 0 to count-1, each
     * once); without an id2label the classes are LABEL_i, and a note says so.
     */
    private static List<String> classLabels(Path dir, int count, List<String> notes) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            labels.add("LABEL_" + i);
        }
        Path cfg = dir.resolve("config.json");
        if (count == 0) {
            return List.of();
        }
        JsonObject o = Files.isRegularFile(cfg) ? JsonFiles.readObject(cfg) : null;
        if (o == null || !o.has("id2label")) {
            notes.add((o == null ? "no config.json" : cfg.getFileName() + ": no id2label") + "; the classifier's "
                    + count + " classes are named LABEL_0 … LABEL_" + (count - 1));
            return List.copyOf(labels);
        }
        if (!o.get("id2label").isJsonObject()) {
            throw new InvalidInputException(cfg + ": id2label must be an object of index: label");
        }
        var map = o.getAsJsonObject("id2label");
        if (map.size() != count) {
            throw new InvalidInputException(cfg + ": id2label names " + map.size() + " labels but the classifier "
                    + "head has " + count + " outputs");
        }
        boolean[] seen = new boolean[count];
        for (Map.Entry<String, JsonElement> e : map.entrySet()) {
            int i;
            try {
                i = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException ex) {
                throw new InvalidInputException(cfg + ": id2label key '" + e.getKey() + "' is not an integer");
            }
            if (i < 0 || i >= count || seen[i]) {
                throw new InvalidInputException(cfg + ": id2label key " + i + (seen.length > i && i >= 0
                        ? " appears twice" : " is outside the classifier's outputs 0 to " + (count - 1)));
            }
            seen[i] = true;
            if (!e.getValue().isJsonPrimitive()) {
                throw new InvalidInputException(cfg + ": id2label " + i + " must be a string");
            }
            labels.set(i, e.getValue().getAsString());
        }
        return List.copyOf(labels);
    }

    private final List<String> notes = new ArrayList<>();

    /** What the folder left out and Leafwalk filled in. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** The pooling the folder names ({@link Pooling#CONFIG}); null when it names none. */
    public Pooling pooling() {
        return pooling;
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
     * rounding (see {@link VocabularySearch}).
     */
    public NearestTokens nearest(double[] x, long[] types) {
        return search.nearest(x, types);
    }

    /** The same search at the positions {@code search} only; every other position keeps its id from {@code fixed}. */
    public NearestTokens nearest(double[] x, long[] types, int[] positions, long[] fixed) {
        return search.nearest(x, types, positions, fixed);
    }

    @Override
    public void close() {
        tokenizer.close();
        bert.close();
    }
}
