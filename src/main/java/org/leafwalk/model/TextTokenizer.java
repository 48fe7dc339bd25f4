package org.leafwalk.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * A model's own tokenizer leaves at most this many of its word-embedding rows unnamed, or {@link #MIN_ROWS_NAMED}
     * of them, whichever is more. Checkpoints pad the matrix to a multiple of 8 or 64 (at most 63 rows), or by a few
     * unused rows (T5 names 32,100 of 32,128, DeBERTa-v3 128,001 of 128,100), never by more; a tokenizer that names
     * fewer rows is another model's, and would read nearly every word as unknown.
     */
    static final int PADDING_ROWS = 64;

    /** The share of the rows a model's own tokenizer names at least, when that leaves more than 64 unnamed. */
    static final double MIN_ROWS_NAMED = 0.9;

    private final HuggingFaceTokenizer tokenizer;
    private final String[] vocabulary;
    private final int maskId;
    private final int unknownId; // -1: the tokenizer has no unknown token (byte-level BPE reads every byte)
    private final Path file;

    private TextTokenizer(Path file, HuggingFaceTokenizer tokenizer, String[] vocabulary, int unknownId) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.unknownId = unknownId;
        int mask = Arrays.asList(vocabulary).indexOf("[MASK]");
        this.maskId = mask >= 0 ? mask : Arrays.asList(vocabulary).indexOf("<mask>"); // RoBERTa's
    }

    public static TextTokenizer load(Path file, int vocabSize) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file.getParent() + ": no tokenizer.json beside the model");
        }
        Map<String, Integer> ids = new HashMap<>();
        String[] vocab = vocabulary(file, vocabSize, ids);
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(file,
                    Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "true"));
            return new TextTokenizer(file, t, vocab, unknownId(file, ids));
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(file + ": not a readable tokenizer (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The token strings by id: model.vocab as WordPiece and byte-level BPE keep it ({token: id}) or as a Unigram
     * (SentencePiece) model keeps it ([[piece, score], …], the id being the position), and the added tokens. Refused
     * when the table does not fit the model's {@code rows} word embeddings: an id past them, or more of them unnamed
     * than a checkpoint pads ({@link #PADDING_ROWS}, {@link #MIN_ROWS_NAMED}). {@code ids} receives each token's id.
     */
    private static String[] vocabulary(Path file, int rows, Map<String, Integer> ids) {
        JsonObject o = JsonFiles.readObject(file);
        JsonElement table = o.has("model") && o.get("model").isJsonObject() ? o.getAsJsonObject("model").get("vocab")
                : null;
        if (table == null || !(table.isJsonObject() || table.isJsonArray())) {
            throw new InvalidInputException(file + ": no model.vocab table (Leafwalk reads WordPiece, BPE and Unigram "
                    + "tokenizers)");
        }
        Map<Integer, String> byId = new LinkedHashMap<>();
        if (table.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : table.getAsJsonObject().entrySet()) {
                byId.put(e.getValue().getAsInt(), e.getKey());
            }
        } else {
            var pieces = table.getAsJsonArray();
            for (int id = 0; id < pieces.size(); id++) {
                JsonElement p = pieces.get(id);
                if (!p.isJsonArray() || p.getAsJsonArray().isEmpty()) {
                    throw new InvalidInputException(file + ": model.vocab[" + id + "] is not a [piece, score] pair");
                }
                byId.put(id, p.getAsJsonArray().get(0).getAsString());
            }
        }
        if (o.has("added_tokens") && o.get("added_tokens").isJsonArray()) {
            for (JsonElement a : o.getAsJsonArray("added_tokens")) {
                if (a.isJsonObject() && a.getAsJsonObject().has("id") && a.getAsJsonObject().has("content")) {
                    byId.put(a.getAsJsonObject().get("id").getAsInt(), a.getAsJsonObject().get("content").getAsString());
                }
            }
        }
        int highest = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        int lowest = byId.keySet().stream().mapToInt(Integer::intValue).min().orElse(0);
        if (highest >= rows || lowest < 0) {
            int id = highest >= rows ? highest : lowest;
            throw new InvalidInputException(file + ": its vocabulary of " + byId.size() + " tokens names id " + id
                    + " ('" + byId.get(id) + "'), outside the model's " + rows + " word-embedding rows (vocab_size): "
                    + "the tokenizer belongs to another model");
        }
        if (rows - byId.size() > Math.max(PADDING_ROWS, (1 - MIN_ROWS_NAMED) * rows)) {
            throw new InvalidInputException(file + ": its vocabulary has " + byId.size() + " tokens, but the model's "
                    + "word-embedding matrix has " + rows + " rows (a model's own tokenizer leaves at most "
                    + PADDING_ROWS + " or " + Math.round(100 * (1 - MIN_ROWS_NAMED)) + "% of them unnamed, the "
                    + "padding of a checkpoint): the tokenizer belongs to another model; use the tokenizer.json the "
                    + "model was trained with");
        }
        String[] v = new String[rows];
        byId.forEach((id, token) -> {
            v[id] = token;
            ids.putIfAbsent(token, id);
        });
        for (int i = 0; i < v.length; i++) {
            if (v[i] == null) {
                v[i] = "[" + i + "]";
            }
        }
        return v;
    }

    /** The id of model.unk_token (WordPiece, WordLevel, BPE) or model.unk_id (Unigram); -1 when there is none. */
    private static int unknownId(Path file, Map<String, Integer> ids) {
        JsonObject model = JsonFiles.readObject(file).getAsJsonObject("model");
        JsonElement token = model.get("unk_token");
        if (token != null && token.isJsonPrimitive()) {
            return ids.getOrDefault(token.getAsString(), -1);
        }
        JsonElement id = model.get("unk_id");
        return id != null && id.isJsonPrimitive() && id.getAsJsonPrimitive().isNumber() ? id.getAsInt() : -1;
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

    /**
     * What the tokenizer made of a text's words: how many it read (words as its pre-tokenizer splits them, special
     * tokens left out), and those it read as its unknown token only, in the text's spelling.
     */
    public record Words(int count, List<String> unknown) {
        /** Whether the text has words and the tokenizer knows none of them. */
        public boolean noneKnown() {
            return count > 0 && unknown.size() == count;
        }
    }

    /** The words of {@code text} and those the tokenizer does not know (see {@link Words}). */
    public Words words(String text) {
        if (text == null || text.isBlank()) {
            return new Words(0, List.of());
        }
        Encoding e = tokenizer.encode(text);
        long[] ids = e.getIds();
        long[] special = e.getSpecialTokenMask();
        long[] word = e.getWordIds();
        var spans = e.getCharTokenSpans();
        Map<Long, int[]> words = new LinkedHashMap<>(); // word index: first token, last token, unknown tokens
        for (int i = 0; i < ids.length; i++) {
            if (special[i] != 0) {
                continue;
            }
            long w = word[i] >= 0 ? word[i] : -1 - i; // a token of no word is a word of its own
            int[] s = words.computeIfAbsent(w, k -> new int[] {-1, -1, 0});
            s[0] = s[0] < 0 ? i : s[0];
            s[1] = i;
            s[2] += ids[i] == unknownId ? 1 : 0;
        }
        List<String> unknown = new ArrayList<>();
        for (int[] s : words.values()) {
            if (unknownId >= 0 && s[2] == s[1] - s[0] + 1) {
                unknown.add(spelling(text, spans, s[0], s[1]));
            }
        }
        return new Words(words.size(), List.copyOf(unknown));
    }

    /**
     * The text of tokens first to last, by their character spans (counted in code points, as the tokenizers library
     * counts); the unknown token's string when they have none.
     */
    private String spelling(String text, ai.djl.huggingface.tokenizers.jni.CharSpan[] spans, int first, int last) {
        int points = text.codePointCount(0, text.length());
        if (spans != null && spans.length > last && spans[first] != null && spans[last] != null) {
            int a = spans[first].getStart();
            int b = spans[last].getEnd();
            if (a >= 0 && a < b && b <= points) {
                return text.substring(text.offsetByCodePoints(0, a), text.offsetByCodePoints(0, b));
            }
        }
        return vocabulary[unknownId];
    }

    /** The tokenizer.json read. */
    public Path file() {
        return file;
    }

    /** The unknown token's string ([UNK], <unk>), or null when the tokenizer has none. */
    public String unknownToken() {
        return unknownId < 0 ? null : vocabulary[unknownId];
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
