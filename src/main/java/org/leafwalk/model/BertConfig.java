package org.leafwalk.model;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;

/** The parts of a Hugging Face BERT-family config.json the token-sequence engine needs. */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        String hiddenAct,
        double layerNormEps,
        int maxPositions,
        int typeVocabSize) {

    public static BertConfig load(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(dir + ": not a model folder (no config.json)");
        }
        JsonObject c = JsonFiles.readObject(file);
        String type = c.has("model_type") ? c.get("model_type").getAsString() : "(missing)";
        if (!List.of("bert", "roberta", "distilbert").contains(type)) {
            throw new InvalidInputException(file + ": model_type '" + type
                    + "' is not supported by the token-sequence engine (expected a BERT-family model)");
        }
        BertConfig cfg = new BertConfig(positive(c, file, "vocab_size", 30522), positive(c, file, "hidden_size", 768),
                positive(c, file, "num_hidden_layers", 12), positive(c, file, "num_attention_heads", 12),
                positive(c, file, "intermediate_size", 3072),
                c.has("hidden_act") ? c.get("hidden_act").getAsString() : "gelu",
                c.has("layer_norm_eps") ? c.get("layer_norm_eps").getAsDouble() : 1e-12,
                positive(c, file, "max_position_embeddings", 512), positive(c, file, "type_vocab_size", 2));
        if (cfg.hiddenSize % cfg.numHeads != 0) {
            throw new InvalidInputException(file + ": hidden_size " + cfg.hiddenSize
                    + " is not divisible by num_attention_heads " + cfg.numHeads);
        }
        if (!List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "relu").contains(cfg.hiddenAct)) {
            throw new InvalidInputException(file + ": hidden_act '" + cfg.hiddenAct + "' is not supported");
        }
        return cfg;
    }

    private static int positive(JsonObject c, Path file, String name, int dflt) {
        if (!c.has(name)) {
            return dflt;
        }
        int v = c.get(name).getAsInt();
        if (v <= 0) {
            throw new InvalidInputException(file + ": " + name + " must be positive, got " + v);
        }
        return v;
    }
}
