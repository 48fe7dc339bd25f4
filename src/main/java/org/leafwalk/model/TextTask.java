package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.leafwalk.io.InvalidInputException;

/**
 * One sentence under one text model, as a map from the explored token embeddings to the model's output. The walk
 * moves the selected positions of the embedding sequence (after the embedding LayerNorm, as in the seed paper); the
 * other positions stay at the sentence's own embeddings. The output row is the logits of the task, then the
 * representation:
 * <ul>
 *   <li>zero-shot (a plain encoder such as MiniLM): s·cos(mean-pooled embedding, label sentence embedding), s = 20,
 *       then the mean-pooled sentence embedding;
 *   <li>masked-LM: the vocabulary logits at the first [MASK], restricted to the top-k tokens at the start, then the
 *       mean-pooled hidden state;
 *   <li>classifier: the classifier's logits, then BERT's pooled output.
 * </ul>
 */
public final class TextTask implements AutoCloseable {
    /** The zero-shot logit scale: cosine similarities times this, as a CLIP-style temperature of 0.05. */
    public static final double ZERO_SHOT_SCALE = 20;

    /**
     * The default zero-shot labels. Of seven sentiment pairs tried on MiniLM with four plain review sentences ("This
     * is a positive/negative sentence.", "This is great/terrible.", "I am happy/unhappy.", "It was good/bad.", "A
     * good/bad experience.", ...), this one and "A good/bad experience." read all four right, this one with the
     * larger margins; the others read three.
     */
    public static final List<String> SENTIMENT_LABELS = List.of("It was good.", "It was bad.");
    public static final List<String> TOPIC_LABELS = List.of("This text is about sports.",
            "This text is about politics.", "This text is about science and technology.",
            "This text is about food and cooking.", "This text is about music and art.");

    public enum Kind {
        ZERO_SHOT,
        MASKED_LM,
        CLASSIFIER
    }

    private final TextModel model;
    private final TextInput input;
    private final int[] selected;
    private final Kind kind;
    private final List<String> labels;
    private final NDManager manager;
    private final NDArray baseRest; // (1, T, d): the sentence's embeddings with the selected rows zeroed
    private final NDArray scatter; // (S, T): one-hot placement of the selected rows
    private final NDArray labelDirections; // zero-shot: (d, L) unit label embeddings
    private final NDArray vocabColumns; // masked-LM: (V, k) one-hot columns of the chosen tokens
    private final int maskPosition;
    private final double[] start;
    private final Pooling pooling;

    private TextTask(TextModel model, TextInput input, int[] selected, List<String> zeroShotLabels, int topK,
            Pooling pooling) {
        this.model = model;
        this.pooling = pooling != null ? pooling : model.pooling() != null ? model.pooling() : Pooling.MEAN;
        this.input = input;
        this.selected = selected;
        this.manager = model.bert().manager().newSubManager();
        try {
            int t = input.length();
            int d = model.config().embeddingSize();
            double[] full = model.embeddingsOf(input.ids(), input.types());
            start = new double[selected.length * d];
            double[] rest = full.clone();
            float[] sc = new float[t * selected.length];
            for (int s = 0; s < selected.length; s++) {
                int p = selected[s];
                System.arraycopy(full, p * d, start, s * d, d);
                Arrays.fill(rest, p * d, (p + 1) * d, 0);
                sc[s * t + p] = 1;
            }
            DataType dt = model.bert().dataType();
            baseRest = cast(manager.create(rest, new Shape(1, t, d)), dt);
            scatter = cast(manager.create(sc, new Shape(selected.length, t)), dt);
            int mask = -1;
            for (int i = 0; i < t; i++) {
                if (input.ids()[i] == model.tokenizer().maskId()) {
                    mask = i;
                    break;
                }
            }
            Kind k = switch (model.head()) {
                case CLASSIFIER -> Kind.CLASSIFIER;
                case MASKED_LM -> mask >= 0 ? Kind.MASKED_LM : Kind.ZERO_SHOT;
                case SENTENCE_EMBEDDING -> Kind.ZERO_SHOT;
            };
            this.kind = k;
            this.maskPosition = mask;
            notes.addAll(model.notes());
            noteUnknownWords(model.tokenizer(), input.text());
            if (model.head() == TextModel.Head.MASKED_LM && mask < 0) {
                notes.add("no [MASK] in the sentence: the masked-LM head has nothing to predict, so the walk uses "
                        + "the zero-shot distribution over the label sentences");
            }
            if (k == Kind.ZERO_SHOT && pooling == null && model.pooling() == null) {
                notes.add("the model folder has no " + Pooling.CONFIG + ": the sentence embedding is the mean of "
                        + "the tokens' last hidden states (sentence-transformers' default); --pooling cls, mean or "
                        + "max chooses");
            }
            TextLabels made = TextLabels.of(k, model, input, manager, this.pooling, mask, full, zeroShotLabels, topK,
                    notes);
            labelDirections = made.directions();
            vocabColumns = made.vocabColumns();
            labels = made.names();
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * @param selected the positions to explore, ascending (empty or null: every position)
     * @param zeroShotLabels the label sentences of the zero-shot distribution (plain encoders)
     * @param topK the masked-LM's number of candidate tokens (≤ 0: 10)
     */
    public static TextTask create(TextModel model, TextInput input, int[] selected, List<String> zeroShotLabels,
            int topK) {
        return create(model, input, selected, zeroShotLabels, topK, null);
    }

    /** As {@link #create(TextModel, TextInput, int[], List, int)}, pooled by {@code pooling} (null: the folder's). */
    public static TextTask create(TextModel model, TextInput input, int[] selected, List<String> zeroShotLabels,
            int topK, Pooling pooling) {
        int t = input.length();
        int[] sel = selected == null || selected.length == 0 ? IntStream.range(0, t).toArray()
                : Arrays.stream(selected).sorted().distinct().toArray();
        for (int p : sel) {
            if (p < 0 || p >= t) {
                throw new InvalidInputException("token position " + p + " is outside the sentence's " + t + " tokens");
            }
        }
        return new TextTask(model, input, sel, zeroShotLabels, topK, pooling);
    }

    /** A note on the sentence's words the tokenizer reads as its unknown token, if any. */
    private void noteUnknownWords(TextTokenizer tokenizer, String sentence) {
        TextTokenizer.Words w = tokenizer.words(sentence);
        String file = tokenizer.file().getFileName().toString();
        if (w.noneKnown()) {
            notes.add("the sentence: " + file + " knows none of its words (each reads as " + tokenizer.unknownToken()
                    + "), so the walk starts from unknown tokens that carry no meaning");
        } else if (!w.unknown().isEmpty()) {
            notes.add("the sentence: " + file + " does not know " + String.join(", ", w.unknown().stream()
                    .map(x -> "'" + x + "'").toList()) + " (read as " + tokenizer.unknownToken() + ")");
        }
    }

    /** Names for label sentences: the words in which they differ (see {@link LabelNames}). */
    public static List<String> shortNames(List<String> sentences) {
        return LabelNames.of(sentences);
    }

    static NDArray cast(NDArray a, DataType dt) {
        return a.getDataType() == dt ? a : a.toType(dt, false);
    }


    private final List<String> notes = new ArrayList<>();

    /** The fallbacks this task took (from the model folder and the sentence), for the user to see. */
    /** How the sentence embedding of the zero-shot distribution is pooled. */
    public Pooling pooling() {
        return pooling;
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    public TextModel model() {
        return model;
    }

    public TextInput input() {
        return input;
    }

    public Kind kind() {
        return kind;
    }

    /** The explored positions, ascending. */
    public int[] selected() {
        return selected.clone();
    }

    public List<String> labels() {
        return labels;
    }

    public int logitCount() {
        return labels.size();
    }

    public int outputWidth() {
        return labels.size() + model.config().hiddenSize();
    }

    public int inputDimension() {
        return selected.length * model.config().embeddingSize();
    }

    /** The start point: the selected rows of the sentence's embedding sequence, flattened. */
    public double[] startPoint() {
        return start.clone();
    }

    public NDManager manager() {
        return model.bert().manager();
    }

    /**
     * The full embedding sequence (B, T, d) of points (B, S·d). Every operation starts from x, so what it creates
     * lives on x's manager.
     */
    public NDArray sequence(NDArray x) {
        long b = x.getShape().get(0);
        int d = model.config().embeddingSize();
        NDArray rows = x.reshape(b, selected.length, d).transpose(0, 2, 1); // (B, d, S)
        return rows.matMul(scatter).transpose(0, 2, 1).add(baseRest);
    }

    /** The output row (B, L + d) at points (B, S·d). */
    public NDArray readout(NDArray x) {
        return readoutOfSequence(sequence(x));
    }

    /**
     * The first stage of the forward pass at {@code point} whose values are not all finite ("layer 3's attention
     * scores (Inf)"), or null when the output is finite: the diagnosis of a non-finite output.
     */
    public String firstNonFinite(double[] point) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = cast(m.create(point), model.bert().dataType()).reshape(1, -1);
            return model.bert().firstNonFinite(() -> readout(x), "the head (" + switch (kind) {
                case ZERO_SHOT -> "the pooling and the cosines with the label sentences";
                case MASKED_LM -> "the masked-LM head";
                case CLASSIFIER -> "the pooler and the classifier";
            } + ")");
        }
    }

    NDArray readoutOfSequence(NDArray emb) {
        long b = emb.getShape().get(0);
        long t = emb.getShape().get(1);
        NDArray mask = emb.getManager().ones(new Shape(b, t));
        NDArray h = model.bert().encode(emb, mask);
        return switch (kind) {
            case ZERO_SHOT -> {
                NDArray pooled = pooling.apply(h);
                NDArray unit = pooled.div(pooled.square().sum(new int[] {1}, true).add(1e-12).sqrt());
                yield NDArrays.concat(new ai.djl.ndarray.NDList(unit.matMul(labelDirections).mul(ZERO_SHOT_SCALE),
                        pooled), 1);
            }
            case MASKED_LM -> {
                NDArray at = h.get(":, " + maskPosition + ":" + (maskPosition + 1) + ", :");
                NDArray logits = model.bert().maskedLmLogits(at).reshape(b, -1).matMul(vocabColumns);
                yield NDArrays.concat(new ai.djl.ndarray.NDList(logits, h.mean(new int[] {1})), 1);
            }
            case CLASSIFIER -> {
                NDArray pooled = model.bert().pooled(h);
                yield NDArrays.concat(new ai.djl.ndarray.NDList(model.bert().classify(pooled), pooled), 1);
            }
        };
    }

    /**
     * One forward pass at batch 1 at point x1 (1, S·d) kept for the batched pullback: the readout's rows of J come
     * from k cotangents pulled back together through the head, the encoder ({@link BertModel.Tape}) and the
     * placement of the selected rows, instead of autograd on k copies of the sentence ({@link TextTape}).
     */
    public Tape tape(NDArray x1) {
        return new TextTape(this, x1);
    }

    /** A forward pass of the task kept for the batched pullback. */
    public interface Tape {
        /** The readout at the point, (1, L + d). */
        NDArray output();

        /** Cotangent rows on the readout (k, L + d) to rows of J on the point (k, S·d). */
        NDArray pullback(NDArray cot);
    }

    /** The vocabulary decoder restricted to the chosen tokens, (d, k), made once (masked-LM). */
    private NDArray decoderColumns;

    /** The masked-LM head's decoder restricted to the chosen tokens, made on the task's first pullback. */
    NDArray decoderColumns(BertHeads.MaskedLmHead head) {
        if (decoderColumns == null) {
            decoderColumns = head.decoderW().matMul(vocabColumns); // (d, k) once for the task
            decoderColumns.attach(manager);
        }
        return decoderColumns;
    }

    // what the tape reads of the task
    NDArray labelDirections() {
        return labelDirections;
    }

    NDArray vocabColumns() {
        return vocabColumns;
    }

    int maskPosition() {
        return maskPosition;
    }

    NDArray scatter() {
        return scatter;
    }

    /** The explored positions themselves (not a copy). */
    int[] selectedRows() {
        return selected;
    }

    /** The task's own manager (under the model's): its arrays, and its passes' temporaries in sub-managers of it. */
    NDManager scope() {
        return manager;
    }

    /** The full embedding sequence of a point, flattened (T·d). */
    public double[] fullSequence(double[] point) {
        try (NDManager m = manager.newSubManager()) {
            return TextModel.toDoubles(sequence(point(m, point)));
        }
    }

    private NDArray point(NDManager m, double[] point) {
        return cast(m.create(point, new Shape(1, point.length)), model.bert().dataType());
    }

    /**
     * Reads a point back as tokens: the nearest vocabulary token at every position (with its residual), the
     * masked-LM head's token at every explored position where the model has one, and the decoded token sequence
     * run through the model again (the seed paper's consistency check; through the head's tokens when there is a
     * head, as the paper decodes; see {@link TextPointDecoder}).
     */
    public TextDecoding decode(double[] point) {
        return decoder.decode(point);
    }

    private final TextPointDecoder decoder = new TextPointDecoder(this);

    /** Per position, the length of a direction's part in that token's embedding (unselected positions: 0). */
    public double[] tokenEnergy(double[] direction) {
        int d = model.config().embeddingSize();
        double[] e = new double[input.length()];
        for (int s = 0; s < selected.length; s++) {
            double sum = 0;
            for (int j = 0; j < d; j++) {
                double v = direction[s * d + j];
                sum += v * v;
            }
            e[selected[s]] = Math.sqrt(sum);
        }
        return e;
    }

    @Override
    public void close() {
        manager.close();
    }
}
