package org.leafwalk.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;

/**
 * A tiny BERT with random weights in the Hugging Face layout (BertModel with both heads: masked-LM and a classifier
 * of {@link #LABELS} classes) and a WordPiece tokenizer.json over {@link #VOCAB}: a real checkpoint for tests.
 */
public final class TinyBert {
    public static final int V = 30;
    public static final int D = 8;
    public static final int H = 2;
    public static final int L = 2;
    public static final int I = 16;
    public static final int P = 16;
    public static final int LABELS = 3;
    public static final String[] VOCAB = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on",
        "mat", "dog", "a", "is", "good", "bad", "movie", "was", "great", "terrible", ".", "!", ",", "i", "loved", "it",
        "hated", "film", "very", "not", "##s"};

    private TinyBert() {}

    /**
     * Writes the checkpoint into {@code dir}; returns its tensors by name.
     *
     * @param modelType config.json's model_type
     * @param extraConfig more config.json fields ("\"id2label\": {...}"), or null
     */
    public static Map<String, Tensor> write(Path dir, Random rng, String modelType, String extraConfig)
            throws java.io.IOException {
        Map<String, Tensor> w = new LinkedHashMap<>();
        Builder b = new Builder(w, rng);
        b.put("embeddings.word_embeddings.weight", 0.5, V, D);
        b.put("embeddings.position_embeddings.weight", 0.3, P, D);
        b.put("embeddings.token_type_embeddings.weight", 0.3, 2, D);
        b.put("embeddings.LayerNorm.weight", 0, D);
        b.put("embeddings.LayerNorm.bias", 0.1, D);
        for (int l = 0; l < L; l++) {
            String p = "encoder.layer." + l + ".";
            for (String m : new String[] {"query", "key", "value"}) {
                b.put(p + "attention.self." + m + ".weight", 0.4, D, D);
                b.put(p + "attention.self." + m + ".bias", 0.1, D);
            }
            b.put(p + "attention.output.dense.weight", 0.4, D, D);
            b.put(p + "attention.output.dense.bias", 0.1, D);
            b.put(p + "attention.output.LayerNorm.weight", 0, D);
            b.put(p + "attention.output.LayerNorm.bias", 0.1, D);
            b.put(p + "intermediate.dense.weight", 0.4, I, D);
            b.put(p + "intermediate.dense.bias", 0.1, I);
            b.put(p + "output.dense.weight", 0.3, D, I);
            b.put(p + "output.dense.bias", 0.1, D);
            b.put(p + "output.LayerNorm.weight", 0, D);
            b.put(p + "output.LayerNorm.bias", 0.1, D);
        }
        // BertForMaskedLM's head (decoder tied to the word embeddings) and BertForSequenceClassification's
        b.put("pooler.dense.weight", 0.4, D, D);
        b.put("pooler.dense.bias", 0.1, D);
        b.putRaw("classifier.weight", 0.5, LABELS, D);
        b.putRaw("classifier.bias", 0.1, LABELS);
        b.putRaw("cls.predictions.transform.dense.weight", 0.4, D, D);
        b.putRaw("cls.predictions.transform.dense.bias", 0.1, D);
        b.putRaw("cls.predictions.transform.LayerNorm.weight", 0, D);
        b.putRaw("cls.predictions.transform.LayerNorm.bias", 0.1, D);
        b.putRaw("cls.predictions.bias", 0.2, V);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson());
        SafeTensors.write(dir.resolve("model.safetensors"), w);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"" + modelType + "\", \"vocab_size\": " + V
                + ", \"hidden_size\": " + D + ", \"num_hidden_layers\": " + L + ", \"num_attention_heads\": " + H
                + ", \"intermediate_size\": " + I + ", \"hidden_act\": \"gelu\", \"layer_norm_eps\": 1e-12,"
                + " \"max_position_embeddings\": " + P + ", \"type_vocab_size\": 2"
                + (extraConfig == null ? "" : ", " + extraConfig) + "}");
        return w;
    }

    private record Builder(Map<String, Tensor> w, Random rng) {
        void put(String name, double scale, long... shape) {
            putRaw("bert." + name, scale, shape);
        }

        void putRaw(String name, double scale, long... shape) {
            int n = 1;
            for (long s : shape) {
                n *= (int) s;
            }
            float[] data = new float[n];
            for (int i = 0; i < n; i++) {
                data[i] = (float) (scale == 0 ? 1 + 0.1 * rng.nextGaussian() : rng.nextGaussian() * scale);
            }
            w.put(name, new Tensor(name, shape, data));
        }
    }

    /** A WordPiece tokenizer.json over {@link #VOCAB}, in the layout the tokenizers library writes. */
    public static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder();
        StringBuilder added = new StringBuilder();
        for (int i = 0; i < VOCAB.length; i++) {
            vocab.append(i == 0 ? "" : ",").append('"').append(VOCAB[i]).append("\":").append(i);
            if (VOCAB[i].startsWith("[")) {
                added.append(added.length() == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"content\":\"")
                        .append(VOCAB[i]).append("\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                                + "\"normalized\":false,\"special\":true}");
            }
        }
        String special = "{\"SpecialToken\":{\"id\":\"%s\",\"type_id\":%d}}";
        return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[" + added + "],"
                + "\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,"
                + "\"strip_accents\":null,\"lowercase\":true},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
                + "\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[" + String.format(special, "[CLS]", 0)
                + ",{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}," + String.format(special, "[SEP]", 0) + "],\"pair\":["
                + String.format(special, "[CLS]", 0) + ",{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
                + String.format(special, "[SEP]", 0) + ",{\"Sequence\":{\"id\":\"B\",\"type_id\":1}},"
                + String.format(special, "[SEP]", 1) + "],\"special_tokens\":{\"[CLS]\":{\"id\":\"[CLS]\",\"ids\":[2],"
                + "\"tokens\":[\"[CLS]\"]},\"[SEP]\":{\"id\":\"[SEP]\",\"ids\":[3],\"tokens\":[\"[SEP]\"]}}},"
                + "\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},"
                + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\","
                + "\"max_input_chars_per_word\":100,\"vocab\":{" + vocab + "}}}";
    }

}
