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
 * A BERT-family checkpoint's tensors as the engine's arrays: the embedding tables and their LayerNorm, ELECTRA's and
 * ALBERT's projection to the hidden size, every block's weights (query, key and value concatenated into one matrix
 * with the attention scale folded into the query, the linear layers transposed to multiply from the right), and the
 * heads the checkpoint has. The names are BERT's, RoBERTa's, DistilBERT's, ELECTRA's or ALBERT's, with or without
 * the family's prefix.
 *
 * @param positionEmbeddings the table from the first token's row on (RoBERTa's positions start after the padding id)
 * @param projectW (E, d) when the embeddings are narrower than the hidden states (or ALBERT's), else null (with
 *     {@code projectB})
 * @param mlm null when the checkpoint has none
 * @param classifier null when the checkpoint has none
 */
record BertWeights(NDArray wordEmbeddings, NDArray positionEmbeddings, NDArray typeEmbeddings, NDArray embLnG,
        NDArray embLnB, NDArray projectW, NDArray projectB, List<BertWeights.Layer> layers,
        BertHeads.MaskedLmHead mlm, BertHeads.ClassifierHead classifier) {

    /** One post-norm block's weights: attention (fused query/key/value, output), its LayerNorm, the feed-forward's. */
    record Layer(NDArray qkvW, NDArray qkvB, NDArray outW, NDArray outB, NDArray ln1G, NDArray ln1B,
            NDArray fc1W, NDArray fc1B, NDArray fc2W, NDArray fc2B, NDArray ln2G, NDArray ln2B) {}

    /** Reads the weights of {@code c}'s family from the named tensors of {@code file}; {@code array} makes arrays. */
    static BertWeights read(BertConfig c, Path file, Map<String, Tensor> w, BertHeads.Maker array) {
        String base = c.roberta() ? "roberta." : c.distil() ? "distilbert." : c.electra() ? "electra."
                : c.albert() ? "albert." : "bert.";
        String prefix = w.containsKey(base + "embeddings.word_embeddings.weight") ? base : "";
        if (!w.containsKey(prefix + "embeddings.word_embeddings.weight")) {
            throw new InvalidInputException(file + ": model_type " + c.family() + " reads " + base
                    + "embeddings.word_embeddings.weight (or the name without '" + base + "'), which the file does not "
                    + "hold; it holds " + w.keySet().stream().sorted().limit(3).toList() + (w.size() > 3 ? "…" : "")
                    + " (the checkpoint is of another family than config.json says)");
        }
        int d = c.hiddenSize();
        int e = c.embeddingSize();
        int inter = c.intermediateSize();
        BertHeads.Take t = new BertHeads.Take(file, w, prefix);
        NDArray wordEmbeddings = array.of(t.get("embeddings.word_embeddings.weight", c.vocabSize(), e), c.vocabSize(), e);
        // the table from the first token's row on: RoBERTa's positions start after the padding id
        float[] positions = t.get("embeddings.position_embeddings.weight", c.maxPositions(), e);
        NDArray positionEmbeddings = array.of(Arrays.copyOfRange(positions, c.positionOffset() * e, positions.length),
                c.maxTokens(), e);
        // DistilBERT has no token types: one row of zeros adds nothing
        NDArray typeEmbeddings = c.typeVocabSize() == 0 ? array.of(new float[e], 1, e)
                : array.of(t.get("embeddings.token_type_embeddings.weight", c.typeVocabSize(), e), c.typeVocabSize(), e);
        NDArray embLnG = array.of(t.norm("embeddings.LayerNorm", "weight", "gamma", e), e);
        NDArray embLnB = array.of(t.norm("embeddings.LayerNorm", "bias", "beta", e), e);
        // ELECTRA's embeddings_project maps narrower embeddings to the hidden size before the encoder
        String projection = c.albert() ? "encoder.embedding_hidden_mapping_in" : "embeddings_project";
        NDArray projectW;
        NDArray projectB;
        if (e != d || c.albert()) {
            projectW = array.of(BertHeads.transpose(t.get(projection + ".weight", d, e), d, e), e, d);
            projectB = array.of(t.get(projection + ".bias", d), d);
        } else {
            projectW = null;
            projectB = null;
        }
        double scale = 1 / Math.sqrt((double) d / c.numHeads());
        List<Layer> layers = new ArrayList<>();
        BertHeads.LayerNames n = c.distil() ? BertHeads.LayerNames.DISTILBERT : c.albert() ? BertHeads.LayerNames.ALBERT : BertHeads.LayerNames.BERT;
        for (String p : BertHeads.layerPrefixes(c, n, file)) {
            float[] q = t.get(p + n.query() + ".weight", d, d);
            float[] k = t.get(p + n.key() + ".weight", d, d);
            float[] v = t.get(p + n.value() + ".weight", d, d);
            float[] qb = t.get(p + n.query() + ".bias", d);
            float[] kb = t.get(p + n.key() + ".bias", d);
            float[] vb = t.get(p + n.value() + ".bias", d);
            float[] qkv = new float[d * 3 * d];
            float[] qkvB = new float[3 * d];
            for (int o = 0; o < d; o++) {
                for (int i = 0; i < d; i++) {
                    qkv[i * 3 * d + o] = (float) (q[o * d + i] * scale);
                    qkv[i * 3 * d + d + o] = k[o * d + i];
                    qkv[i * 3 * d + 2 * d + o] = v[o * d + i];
                }
                qkvB[o] = (float) (qb[o] * scale);
                qkvB[d + o] = kb[o];
                qkvB[2 * d + o] = vb[o];
            }
            layers.add(new Layer(array.of(qkv, d, 3 * d), array.of(qkvB, 3 * d),
                    array.of(BertHeads.transpose(t.get(p + n.attentionOut() + ".weight", d, d), d, d), d, d),
                    array.of(t.get(p + n.attentionOut() + ".bias", d), d),
                    array.of(t.norm(p + n.attentionNorm(), "weight", "gamma", d), d),
                    array.of(t.norm(p + n.attentionNorm(), "bias", "beta", d), d),
                    array.of(BertHeads.transpose(t.get(p + n.up() + ".weight", inter, d), inter, d), d, inter),
                    array.of(t.get(p + n.up() + ".bias", inter), inter),
                    array.of(BertHeads.transpose(t.get(p + n.down() + ".weight", d, inter), d, inter), inter, d),
                    array.of(t.get(p + n.down() + ".bias", d), d),
                    array.of(t.norm(p + n.outputNorm(), "weight", "gamma", d), d),
                    array.of(t.norm(p + n.outputNorm(), "bias", "beta", d), d)));
        }
        BertHeads.MaskedLmHead mlm = BertHeads.maskedLmHead(t, c, array);
        BertHeads.ClassifierHead classifier = c.distil() ? (w.containsKey("pre_classifier.weight") ? BertHeads.distilClassifierHead(t, w, c, array) : null)
                : w.containsKey("classifier.weight") ? BertHeads.classifierHead(t, w, c, array)
                : w.containsKey("classifier.out_proj.weight") ? BertHeads.robertaClassifierHead(t, w, c, c.electra() ? "gelu" : "tanh", array)
                : null;
        return new BertWeights(wordEmbeddings, positionEmbeddings, typeEmbeddings, embLnG, embLnB, projectW, projectB,
                layers, mlm, classifier);
    }
}
