package org.leafwalk.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;

/**
 * A Hugging Face tokenizer.json, run by DJL's binding of the Rust tokenizers library (natives inside its jar), and
 * the vocabulary as strings so any token id can be shown. Padding and truncation are off: a text longer than the
 * explorer takes is refused with its length, never cut silently.
 */
public final class TextTokenizer implements AutoCloseable {
    /** The longest token sequence the explorer walks in (n = tokens × hidden size). */
    public static final int MAX_TOKENS = 64;

    private final HuggingFaceTokenizer tokenizer;
    private final String[] vocabulary;
    private final int maskId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, String[] vocabulary) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        int mask = Arrays.asList(vocabulary).indexOf("[MASK]");
        this.maskId = mask >= 0 ? mask : Arrays.asList(vocabulary).indexOf("<mask>"); // RoBERTa's
    }

    public static TextTokenizer load(Path file, int vocabSize) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file.getParent() + ": no tokenizer.json beside the model");
        }
        String[] vocab = vocabulary(file, vocabSize);
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(file,
                    Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "true"));
            return new TextTokenizer(t, vocab);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(file + ": not a readable tokenizer (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The token strings by id: model.vocab as WordPiece and byte-level BPE keep it ({token: id}) or as a Unigram
     * (SentencePiece) model keeps it ([[piece, score], …], the id being the position), and the added tokens.
     */
    private static String[] vocabulary(Path file, int vocabSize) {
        JsonObject o = JsonFiles.readObject(file);
        JsonElement table = o.has("model") && o.get("model").isJsonObject() ? o.getAsJsonObject("model").get("vocab")
                : null;
        if (table == null || !(table.isJsonObject() || table.isJsonArray())) {
            throw new InvalidInputException(file + ": no model.vocab table (Leafwalk reads WordPiece, BPE and Unigram "
                    + "tokenizers)");
        }
        String[] v = new String[vocabSize];
        if (table.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : table.getAsJsonObject().entrySet()) {
                put(v, file, e.getKey(), e.getValue().getAsInt());
            }
        } else {
            var pieces = table.getAsJsonArray();
            for (int id = 0; id < pieces.size(); id++) {
                JsonElement p = pieces.get(id);
                if (!p.isJsonArray() || p.getAsJsonArray().isEmpty()) {
                    throw new InvalidInputException(file + ": model.vocab[" + id + "] is not a [piece, score] pair");
                }
                put(v, file, p.getAsJsonArray().get(0).getAsString(), id);
            }
        }
        if (o.has("added_tokens") && o.get("added_tokens").isJsonArray()) {
            for (JsonElement a : o.getAsJsonArray("added_tokens")) {
                if (a.isJsonObject() && a.getAsJsonObject().has("id") && a.getAsJsonObject().has("content")) {
                    put(v, file, a.getAsJsonObject().get("content").getAsString(),
                            a.getAsJsonObject().get("id").getAsInt());
                }
            }
        }
        for (int i = 0; i < v.length; i++) {
            if (v[i] == null) {
                v[i] = "[" + i + "]";
            }
        }
        return v;
    }

    private static void put(String[] v, Path file, String token, int id) {
        if (id < 0 || id >= v.length) {
            throw new InvalidInputException(file + ": token '" + token + "' has id " + id
                    + " outside the model's vocabulary of " + v.length + " (vocab_size in config.json): the tokenizer "
                    + "belongs to another model");
        }
        v[id] = token;
    }

    /** Tokenizes a sentence with the special tokens the tokenizer adds ([CLS] ... [SEP]). */
    public TextInput tokenize(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("the sentence is empty");
        }
        Encoding e = tokenizer.encode(text);
        long[] ids = e.getIds();
        if (ids.length > MAX_TOKENS) {
            throw new InvalidInputException("the sentence has " + ids.length + " tokens; Leafwalk walks at most "
                    + MAX_TOKENS + " (shorten it)");
        }
        for (long id : ids) {
            if (id < 0 || id >= vocabulary.length) {
                throw new InvalidInputException("the tokenizer gave id " + id + ", outside the model's vocabulary of "
                        + vocabulary.length + " (tokenizer.json does not belong to this model)");
            }
        }
        return new TextInput(text, ids, e.getTypeIds(), tokens(ids));
    }

    /** The token strings of ids. */
    public String[] tokens(long[] ids) {
        String[] s = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            s[i] = vocabulary[(int) ids[i]];
        }
        return s;
    }

    public String token(long id) {
        return vocabulary[(int) id];
    }

    /** Ids back to text, special tokens left out. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    public int maskId() {
        return maskId;
    }

    public int vocabularySize() {
        return vocabulary.length;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
