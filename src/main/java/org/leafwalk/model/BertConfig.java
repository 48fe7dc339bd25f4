package org.leafwalk.model;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.leafwalk.io.InvalidInputException;

/**
 * The parts of a Hugging Face BERT-family config.json the token-sequence engine needs.
 *
 * @param family bert, roberta or xlm-roberta: RoBERTa's layers are BERT's; its positions start after the padding id
 *     and its heads have other names
 * @param positionOffset the position table's row of a sequence's first token (RoBERTa: pad_token_id + 1; BERT: 0)
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        String hiddenAct,
        double layerNormEps,
        int maxPositions,
        int typeVocabSize,
        String family,
        int positionOffset) {

    /** The families this engine runs, by config.json's model_type. */
    public static final List<String> FAMILIES = List.of("bert", "roberta", "xlm-roberta");

    /** A BERT configuration (positions from row 0). */
    public BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
            String hiddenAct, double layerNormEps, int maxPositions, int typeVocabSize) {
        this(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, hiddenAct, layerNormEps, maxPositions,
                typeVocabSize, "bert", 0);
    }

    /** The longest sequence the position table serves. */
    public int maxTokens() {
        return maxPositions - positionOffset;
    }

    /** RoBERTa or XLM-RoBERTa. */
    public boolean roberta() {
        return !family.equals("bert");
    }

    public static BertConfig load(Path dir) {
        Path file = dir.resolve("config.json");
        JsonObject c = VitConfig.readConfig(dir);
        String type = VitConfig.stringField(c, file, "model_type", "(missing)");
        if (!FAMILIES.contains(type)) {
            throw new InvalidInputException(file + ": model_type '" + type
                    + "' is not run by Leafwalk's text engine, which is made for " + String.join(", ", FAMILIES)
                    + " (its embeddings, attention and heads differ; Leafwalk opens model_type vit, "
                    + String.join(", ", FAMILIES) + ", and ONNX BERT exports)");
        }
        int offset = type.equals("bert") ? 0 : VitConfig.intField(c, file, "pad_token_id", 1) + 1;
        BertConfig cfg = new BertConfig(VitConfig.intField(c, file, "vocab_size", 30522), VitConfig.intField(c, file, "hidden_size", 768),
                VitConfig.intField(c, file, "num_hidden_layers", 12), VitConfig.intField(c, file, "num_attention_heads", 12),
                VitConfig.intField(c, file, "intermediate_size", 3072),
                VitConfig.stringField(c, file, "hidden_act", "gelu"),
                VitConfig.doubleField(c, file, "layer_norm_eps", 1e-12),
                VitConfig.intField(c, file, "max_position_embeddings", 512),
                VitConfig.intField(c, file, "type_vocab_size", type.equals("bert") ? 2 : 1), type, offset);
        if (offset < 0 || cfg.maxTokens() < 1) {
            throw new InvalidInputException(file + ": pad_token_id " + (offset - 1) + " leaves no position for a token "
                    + "in max_position_embeddings " + cfg.maxPositions);
        }
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
