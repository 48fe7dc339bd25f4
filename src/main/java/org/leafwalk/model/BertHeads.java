package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.Tensor;

/**
 * How the BERT family's checkpoints name their parts: the layer names of each family, ALBERT's shared layers, and
 * the masked-LM and classifier heads under BERT's, RoBERTa's, DistilBERT's, ELECTRA's and ALBERT's names, read into
 * the arrays the engine computes with.
 */
final class BertHeads {
    private BertHeads() {}

    /** Makes the engine's arrays (on its manager, in its precision). */
    interface Maker {
        NDArray of(float[] data, long... shape);
    }

    record MaskedLmHead(NDArray denseW, NDArray denseB, NDArray lnG, NDArray lnB, NDArray decoderW,
            NDArray decoderB) {}


    /** BertForSequenceClassification's head: the pooler (tanh dense on [CLS]) and a linear classifier. */
    /** @param activation tanh (BERT's pooler, RoBERTa), relu (DistilBERT) or gelu (ELECTRA) */
    record ClassifierHead(NDArray poolerW, NDArray poolerB, NDArray w, NDArray b, int labels,
            String activation) {}

    /** Where a family keeps a layer's weights (DistilBERT names BERT's parts its own way). */
    record LayerNames(String layer, String query, String key, String value, String attentionOut,
            String attentionNorm, String up, String down, String outputNorm) {
        static final LayerNames BERT = new LayerNames("encoder.layer.", "attention.self.query",
                "attention.self.key", "attention.self.value", "attention.output.dense", "attention.output.LayerNorm",
                "intermediate.dense", "output.dense", "output.LayerNorm");
        static final LayerNames ALBERT = new LayerNames("encoder.albert_layer_groups.", "attention.query",
                "attention.key", "attention.value", "attention.dense", "attention.LayerNorm", "ffn", "ffn_output",
                "full_layer_layer_norm");
        static final LayerNames DISTILBERT = new LayerNames("transformer.layer.", "attention.q_lin",
                "attention.k_lin", "attention.v_lin", "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2",
                "output_layer_norm");
    }


    /**
     * The weights of each layer in order. ALBERT shares them: its num_hidden_layers passes run the layers of
     * num_hidden_groups groups (layer l the group l·groups/layers), each group inner_group_num layers in turn.
     */
    static List<String> layerPrefixes(BertConfig c, LayerNames n, Path file) {
        List<String> out = new ArrayList<>();
        if (!c.albert()) {
            for (int l = 0; l < c.numLayers(); l++) {
                out.add(n.layer() + l + ".");
            }
            return out;
        }
        int groups = c.albertGroups();
        int inner = c.albertInner();
        for (int l = 0; l < c.numLayers(); l++) {
            int g = l * groups / c.numLayers();
            for (int j = 0; j < inner; j++) {
                out.add(n.layer() + g + ".albert_layers." + j + ".");
            }
        }
        return out;
    }


    /**
     * Where each family keeps its masked-LM head: a dense layer (to the embedding width), the activation, a layer
     * norm, then the decoder, tied to the word embeddings when the checkpoint has no decoder of its own.
     */
    record HeadNames(String dense, String norm, String decoder, String bias, String decoderBias) {
        static final HeadNames BERT = new HeadNames("cls.predictions.transform.dense",
                "cls.predictions.transform.LayerNorm", "cls.predictions.decoder.weight", "cls.predictions.bias",
                "cls.predictions.decoder.bias");
        static final HeadNames ROBERTA = new HeadNames("lm_head.dense", "lm_head.layer_norm", "lm_head.decoder.weight",
                "lm_head.bias", "lm_head.decoder.bias");
        static final HeadNames DISTILBERT = new HeadNames("vocab_transform", "vocab_layer_norm",
                "vocab_projector.weight", "vocab_projector.bias", "vocab_projector.bias");
        static final HeadNames ELECTRA = new HeadNames("generator_predictions.dense", "generator_predictions.LayerNorm",
                "generator_lm_head.weight", "generator_lm_head.bias", "generator_lm_head.bias");
        static final HeadNames ALBERT = new HeadNames("predictions.dense", "predictions.LayerNorm",
                "predictions.decoder.weight", "predictions.bias", "predictions.decoder.bias");
        static final java.util.List<HeadNames> ALL = java.util.List.of(BERT, ROBERTA, DISTILBERT, ELECTRA, ALBERT);
    }

    /** The masked-LM head the checkpoint holds under any family's names, or null. */
    static MaskedLmHead maskedLmHead(Take t, BertConfig c, Maker array) {
        HeadNames n = HeadNames.ALL.stream().filter(h -> t.w.containsKey(h.dense() + ".weight")).findFirst()
                .orElse(null);
        if (n == null) {
            return null;
        }
        int d = c.hiddenSize();
        int e = c.embeddingSize();
        int v = c.vocabSize();
        Take top = new Take(t.file, t.w, "");
        float[] decoder = t.w.containsKey(n.decoder()) ? top.get(n.decoder(), v, e)
                : t.get("embeddings.word_embeddings.weight", v, e); // tied to the input embeddings
        float[] bias = t.w.containsKey(n.bias()) ? top.get(n.bias(), v) : top.get(n.decoderBias(), v);
        return new MaskedLmHead(array.of(transpose(top.get(n.dense() + ".weight", e, d), e, d), d, e),
                array.of(top.get(n.dense() + ".bias", e), e), array.of(top.norm(n.norm(), "weight", "gamma", e), e),
                array.of(top.norm(n.norm(), "bias", "beta", e), e), array.of(transpose(decoder, v, e), e, v),
                array.of(bias, v));
    }


    /**
     * RobertaForSequenceClassification's head: tanh(dense(first token)) then out_proj, the same computation as
     * BERT's pooler and classifier under other names.
     */
    static ClassifierHead robertaClassifierHead(Take t, Map<String, Tensor> w, BertConfig c, String activation, Maker array) {
        int d = c.hiddenSize();
        Take top = new Take(t.file, w, "");
        long[] shape = w.get("classifier.out_proj.weight").shape();
        if (shape.length != 2 || shape[1] != d) {
            throw new InvalidInputException(t.file + ": classifier.out_proj.weight has shape "
                    + Arrays.toString(shape) + " but the hidden size is " + d);
        }
        int labels = (int) shape[0];
        return new ClassifierHead(array.of(transpose(top.get("classifier.dense.weight", d, d), d, d), d, d),
                array.of(top.get("classifier.dense.bias", d), d),
                array.of(transpose(top.get("classifier.out_proj.weight", labels, d), labels, d), d, labels),
                array.of(top.get("classifier.out_proj.bias", labels), labels), labels, activation);
    }

    /** DistilBertForSequenceClassification's head: ReLU(pre_classifier(first token)), then the classifier. */
    static ClassifierHead distilClassifierHead(Take t, Map<String, Tensor> w, BertConfig c, Maker array) {
        int d = c.hiddenSize();
        Take top = new Take(t.file, w, "");
        long[] shape = w.get("classifier.weight") == null ? new long[0] : w.get("classifier.weight").shape();
        if (shape.length != 2 || shape[1] != d) {
            throw new InvalidInputException(t.file + ": classifier.weight has shape " + Arrays.toString(shape)
                    + " but the hidden size is " + d);
        }
        int labels = (int) shape[0];
        return new ClassifierHead(array.of(transpose(top.get("pre_classifier.weight", d, d), d, d), d, d),
                array.of(top.get("pre_classifier.bias", d), d),
                array.of(transpose(top.get("classifier.weight", labels, d), labels, d), d, labels),
                array.of(top.get("classifier.bias", labels), labels), labels, "relu");
    }

    static ClassifierHead classifierHead(Take t, Map<String, Tensor> w, BertConfig c, Maker array) {
        int d = c.hiddenSize();
        Take top = new Take(t.file, w, "");
        long[] shape = w.get("classifier.weight").shape();
        if (shape.length != 2 || shape[1] != d) {
            throw new InvalidInputException(t.file + ": classifier.weight has shape " + Arrays.toString(shape)
                    + " but the hidden size is " + d);
        }
        int labels = (int) shape[0];
        String pooler = c.albert() ? "pooler" : "pooler.dense";
        return new ClassifierHead(array.of(transpose(t.get(pooler + ".weight", d, d), d, d), d, d),
                array.of(t.get(pooler + ".bias", d), d),
                array.of(transpose(top.get("classifier.weight", labels, d), labels, d), d, labels),
                array.of(top.get("classifier.bias", labels), labels), labels, "tanh");
    }


    /** Tensor lookup by Hugging Face name with shape checks naming the source. */
    record Take(Path file, Map<String, Tensor> w, String prefix) {
        float[] get(String name, long... shape) {
            Tensor t = w.get(prefix + name);
            if (t == null) {
                throw new InvalidInputException(file + ": missing tensor '" + prefix + name + "'");
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw new InvalidInputException(file + ": tensor '" + prefix + name + "' has shape " + t.shapeString()
                        + " but config.json implies " + Arrays.toString(shape));
            }
            return t.data();
        }

        /** LayerNorm parameters, under today's names or the old gamma/beta ones. */
        float[] norm(String base, String modern, String old, long d) {
            return w.containsKey(prefix + base + "." + modern) ? get(base + "." + modern, d) : get(base + "." + old, d);
        }
    }

    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
