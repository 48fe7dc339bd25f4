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
 * @param embeddingSize the width of the embedding sequence the walk explores (ELECTRA's embedding_size, projected to
 *     the hidden size before the encoder; the hidden size for the others)
 * @param albertGroups ALBERT's num_hidden_groups (1 elsewhere): the groups of layers the depth shares
 * @param albertInner ALBERT's inner_group_num (1 elsewhere): the layers in each group
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
        int positionOffset,
        int embeddingSize,
        int albertGroups,
        int albertInner) {

    /** The families this engine runs, by config.json's model_type. */
    public static final List<String> FAMILIES = List.of("bert", "roberta", "xlm-roberta", "distilbert", "electra",
            "albert");

    /** A BERT configuration (positions from row 0). */
    public BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
            String hiddenAct, double layerNormEps, int maxPositions, int typeVocabSize) {
        this(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, hiddenAct, layerNormEps, maxPositions,
                typeVocabSize, "bert", 0, hiddenSize, 1, 1);
    }

    /** ALBERT: factorised embeddings projected to the hidden size, and layers shared across the depth. */
    public boolean albert() {
        return family.equals("albert");
    }

    /** ELECTRA: BERT's layers, after a projection when its embeddings are narrower than its hidden states. */
    public boolean electra() {
        return family.equals("electra");
    }

    /** The longest sequence the position table serves. */
    public int maxTokens() {
        return maxPositions - positionOffset;
    }

    /** DistilBERT: BERT's layers under other names, no token types, a ReLU on its classifier's first layer. */
    public boolean distil() {
        return family.equals("distilbert");
    }

    /** RoBERTa or XLM-RoBERTa. */
    public boolean roberta() {
        return family.equals("roberta") || family.equals("xlm-roberta");
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
        boolean distil = type.equals("distilbert");
        int offset = type.equals("roberta") || type.equals("xlm-roberta")
                ? VitConfig.intField(c, file, "pad_token_id", 1) + 1 : 0;
        int hidden = VitConfig.intField(c, file, distil ? "dim" : "hidden_size", 768);
        // DistilBERT names its sizes dim, n_layers, n_heads, hidden_dim and activation; it has no token types
        BertConfig cfg = new BertConfig(VitConfig.intField(c, file, "vocab_size", 30522),
                hidden, VitConfig.intField(c, file, distil ? "n_layers" : "num_hidden_layers", distil ? 6 : 12),
                VitConfig.intField(c, file, distil ? "n_heads" : "num_attention_heads", 12),
                VitConfig.intField(c, file, distil ? "hidden_dim" : "intermediate_size", 3072),
                VitConfig.stringField(c, file, distil ? "activation" : "hidden_act",
                        type.equals("albert") ? "gelu_new" : "gelu"),
                distil ? 1e-12 : VitConfig.doubleField(c, file, "layer_norm_eps", 1e-12),
                VitConfig.intField(c, file, "max_position_embeddings", 512),
                distil ? 0 : VitConfig.intField(c, file, "type_vocab_size",
                        type.equals("bert") || type.equals("electra") ? 2 : 1), type, offset,
                type.equals("electra") || type.equals("albert")
                        ? VitConfig.intField(c, file, "embedding_size", type.equals("albert") ? 128 : hidden) : hidden,
                type.equals("albert") ? VitConfig.intField(c, file, "num_hidden_groups", 1) : 1,
                type.equals("albert") ? VitConfig.intField(c, file, "inner_group_num", 1) : 1);
        if (cfg.albertGroups < 1 || cfg.albertInner < 1 || cfg.albertGroups > cfg.numLayers) {
            throw new InvalidInputException(file + ": num_hidden_groups " + cfg.albertGroups + " and inner_group_num "
                    + cfg.albertInner + " do not fit num_hidden_layers " + cfg.numLayers);
        }
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
