package org.leafwalk.model;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.leafwalk.io.InvalidInputException;

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
        JsonObject c = VitConfig.readConfig(dir);
        String type = c.has("model_type") ? c.get("model_type").getAsString() : "(missing)";
        if (!List.of("bert", "roberta", "distilbert").contains(type)) {
            throw new InvalidInputException(file + ": model_type '" + type
                    + "' is not supported by the token-sequence engine (expected a BERT-family model)");
        }
        BertConfig cfg = new BertConfig(VitConfig.intField(c, file, "vocab_size", 30522), VitConfig.intField(c, file, "hidden_size", 768),
                VitConfig.intField(c, file, "num_hidden_layers", 12), VitConfig.intField(c, file, "num_attention_heads", 12),
                VitConfig.intField(c, file, "intermediate_size", 3072),
                c.has("hidden_act") ? c.get("hidden_act").getAsString() : "gelu",
                c.has("layer_norm_eps") ? c.get("layer_norm_eps").getAsDouble() : 1e-12,
                VitConfig.intField(c, file, "max_position_embeddings", 512), VitConfig.intField(c, file, "type_vocab_size", 2));
        if (cfg.hiddenSize % cfg.numHeads != 0) {
            throw new InvalidInputException(file + ": hidden_size " + cfg.hiddenSize
                    + " is not divisible by num_attention_heads " + cfg.numHeads);
        }
        if (!List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "relu").contains(cfg.hiddenAct)) {
            throw new InvalidInputException(file + ": hidden_act '" + cfg.hiddenAct + "' is not supported");
        }
        return cfg;
    }

}
