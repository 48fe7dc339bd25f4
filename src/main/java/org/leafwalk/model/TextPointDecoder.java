package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Reads a point of a {@link TextTask} back as tokens, as the seed paper decodes: the nearest vocabulary tokens, the
 * masked-LM head's, and the decoded sequence run through the model again. The last rerun is kept, since the decoded
 * tokens change seldom along a walk.
 */
final class TextPointDecoder {
    private final TextTask task;
    private volatile Rerun lastRerun;

    TextPointDecoder(TextTask task) {
        this.task = task;
    }

    /**
     * Reads a point back as tokens: the nearest vocabulary token at every position (with its residual), the
     * masked-LM head's token at every explored position where the model has one, and the decoded token sequence
     * run through the model again (the seed paper's consistency check; through the head's tokens when there is a
     * head, as the paper decodes).
     */
    TextDecoding decode(double[] point) {
        TextModel model = task.model();
        TextInput input = task.input();
        int[] selected = task.selectedRows();
        NDManager manager = task.scope();
        double[] full = task.fullSequence(point);
        int t = input.length();
        // only the selected rows move; the others sit exactly on their own tokens' embeddings
        TextModel.NearestTokens near = model.nearest(full, input.types(), selected, input.ids());
        long[] decoded = near.ids().clone();
        String[] viaHead = null;
        if (model.bert().hasMaskedLmHead()) {
            viaHead = input.tokens().clone();
            long[] headIds = input.ids().clone();
            try (NDManager m = manager.newSubManager()) {
                int d = model.config().embeddingSize();
                NDArray emb = TextTask.cast(m.create(full, new Shape(1, t, d)), model.bert().dataType());
                NDArray h = model.bert().encode(emb, m.ones(new Shape(1, t)));
                long[] arg = model.bert().maskedLmLogits(h).argMax(2).toLongArray();
                for (int p : selected) {
                    headIds[p] = arg[p];
                    viaHead[p] = model.tokenizer().token(arg[p]);
                }
            }
            decoded = headIds;
        }
        // the decoded tokens change seldom along a walk: their forward pass is run once per new sequence
        Rerun last = lastRerun;
        double[] reOutput;
        if (last != null && Arrays.equals(last.ids(), decoded)) {
            reOutput = last.output();
        } else {
            try (NDManager m = manager.newSubManager()) {
                double[] e = model.embeddingsOf(decoded, input.types());
                NDArray emb = TextTask.cast(m.create(e, new Shape(1, t, model.config().embeddingSize())),
                        model.bert().dataType());
                reOutput = TextModel.toDoubles(task.readoutOfSequence(emb));
            }
            lastRerun = new Rerun(decoded.clone(), reOutput);
        }
        reOutput = reOutput.clone();
        String[] nearest = model.tokenizer().tokens(near.ids());
        boolean[] changed = new boolean[t];
        for (int i = 0; i < t; i++) {
            changed[i] = near.ids()[i] != input.ids()[i];
        }
        return new TextDecoding(input.tokens().clone(), nearest, near.distances(), near.norms(), changed, viaHead,
                model.tokenizer().decode(decoded), reOutput);
    }

    private record Rerun(long[] ids, double[] output) {}
}
