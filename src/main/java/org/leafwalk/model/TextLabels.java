package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.leafwalk.io.InvalidInputException;

/**
 * What a text task's logits are, made once when the task is made: the zero-shot label sentences (their pooled
 * embeddings as unit columns the output's cosines are taken with), the masked-LM's k most likely tokens at the
 * [MASK] (one-hot columns that pick their logits from the vocabulary's), or the classifier's classes.
 *
 * @param names the labels' names, one per logit
 * @param directions zero-shot: (d, L) unit label embeddings; else null
 * @param vocabColumns masked-LM: (V, k) one-hot columns of the chosen tokens; else null
 */
record TextLabels(List<String> names, NDArray directions, NDArray vocabColumns) {
    /**
     * @param manager the task's manager, which the arrays belong to
     * @param pooling how the zero-shot sentence embeddings are pooled
     * @param full the sentence's embedding sequence (T·d)
     * @param notes where the label sentences' check notes what it found
     */
    static TextLabels of(TextTask.Kind k, TextModel model, TextInput input, NDManager manager, Pooling pooling,
            int maskPosition, double[] full, List<String> zeroShotLabels, int topK, List<String> notes) {
        DataType dt = model.bert().dataType();
        if (k == TextTask.Kind.ZERO_SHOT) {
            if (zeroShotLabels == null || zeroShotLabels.size() < 2) {
                throw new InvalidInputException("zero-shot needs at least two label sentences");
            }
            LabelNames.check(zeroShotLabels, model.tokenizer(), l -> model.tokenize(l).ids(), notes);
            NDArray directions = directions(model, manager, pooling, zeroShotLabels);
            return new TextLabels(TextTask.shortNames(zeroShotLabels), directions, null);
        } else if (k == TextTask.Kind.MASKED_LM) {
            int kk = topK <= 0 ? 10 : Math.min(topK, model.config().vocabSize());
            int[] top = topTokens(model, manager, input, maskPosition, full, kk);
            float[] oneHot = new float[model.config().vocabSize() * kk];
            List<String> l = new ArrayList<>();
            for (int j = 0; j < kk; j++) {
                oneHot[top[j] * kk + j] = 1;
                l.add(model.tokenizer().token(top[j]));
            }
            NDArray vocabColumns = TextTask.cast(manager.create(oneHot, new Shape(model.config().vocabSize(), kk)), dt);
            return new TextLabels(List.copyOf(l), null, vocabColumns);
        } else {
            return new TextLabels(model.classLabels(), null, null);
        }
    }

    /** The label sentences' pooled embeddings as unit columns, (d, L). */
    private static NDArray directions(TextModel model, NDManager manager, Pooling pooling, List<String> sentences) {
        int d = model.config().hiddenSize();
        float[] dirs = new float[d * sentences.size()];
        for (int j = 0; j < sentences.size(); j++) {
            TextInput in = model.tokenize(sentences.get(j));
            double[] e = sentenceEmbedding(model, manager, pooling, in.ids(), in.types());
            double norm = 0;
            for (double v : e) {
                norm += v * v;
            }
            norm = Math.sqrt(Math.max(norm, 1e-30));
            for (int i = 0; i < d; i++) {
                dirs[i * sentences.size() + j] = (float) (e[i] / norm);
            }
        }
        return TextTask.cast(manager.create(dirs, new Shape(d, sentences.size())), model.bert().dataType());
    }

    /** The pooled last hidden state of a token sequence. */
    private static double[] sentenceEmbedding(TextModel model, NDManager manager, Pooling pooling, long[] ids,
            long[] types) {
        try (NDManager m = manager.newSubManager()) {
            NDArray emb = model.bert().embed(m.create(ids, new Shape(1, ids.length)),
                    m.create(types, new Shape(1, types.length)));
            NDArray h = model.bert().encode(emb, m.ones(new Shape(1, ids.length)));
            return TextModel.toDoubles(pooling.apply(h));
        }
    }

    /** The masked-LM head's k most likely tokens at the [MASK] of the sentence's embeddings, most likely first. */
    private static int[] topTokens(TextModel model, NDManager manager, TextInput input, int maskPosition, double[] full,
            int k) {
        try (NDManager m = manager.newSubManager()) {
            int t = input.length();
            int d = model.config().embeddingSize();
            NDArray emb = TextTask.cast(m.create(full, new Shape(1, t, d)), model.bert().dataType());
            NDArray h = model.bert().encode(emb, m.ones(new Shape(1, t)));
            NDArray at = h.get(":, " + maskPosition + ":" + (maskPosition + 1) + ", :");
            double[] logits = TextModel.toDoubles(model.bert().maskedLmLogits(at));
            return IntStream.range(0, logits.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i)).limit(k)
                    .mapToInt(Integer::intValue).toArray();
        }
    }
}
