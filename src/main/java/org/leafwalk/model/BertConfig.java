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
        String type = VitConfig.stringField(c, file, "model_type", "(missing)");
        if (!type.equals("bert")) {
            throw new InvalidInputException(file + ": model_type '" + type
                    + "' is not run by Leafwalk's text engine, which is made for 'bert' (its embeddings, attention "
                    + "and heads differ; Leafwalk opens model_type vit and bert, and ONNX BERT exports)");
        }
        BertConfig cfg = new BertConfig(VitConfig.intField(c, file, "vocab_size", 30522), VitConfig.intField(c, file, "hidden_size", 768),
                VitConfig.intField(c, file, "num_hidden_layers", 12), VitConfig.intField(c, file, "num_attention_heads", 12),
                VitConfig.intField(c, file, "intermediate_size", 3072),
                VitConfig.stringField(c, file, "hidden_act", "gelu"),
                VitConfig.doubleField(c, file, "layer_norm_eps", 1e-12),
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
