package org.leafwalk.explore.walk;

import java.util.List;
import org.leafwalk.model.Pooling;
import org.leafwalk.model.TextTask;

/**
 * A text input as the user set it up: the sentence, the token positions explored (empty: every token), the label
 * sentences of the zero-shot distribution (used by plain encoders such as MiniLM) and how that distribution pools
 * the sentence embedding.
 *
 * @param pooling cls, mean or max; null: as the model folder says ({@code 1_Pooling/config.json}), else mean
 */
public record TextSetup(String sentence, int[] selected, List<String> labels, String pooling) {
    /** The zero-shot labels of a sentiment: "It was good." and "It was bad.". */
    public static final List<String> SENTIMENT_LABELS = TextTask.SENTIMENT_LABELS;

    /** Five topic labels: sports, politics, science and technology, food and cooking, music and art. */
    public static final List<String> TOPIC_LABELS = TextTask.TOPIC_LABELS;

    public TextSetup {
        selected = selected == null ? new int[0] : selected.clone();
        labels = List.copyOf(labels == null ? TextTask.SENTIMENT_LABELS : labels);
        if (pooling != null) {
            pooling = Pooling.parse(pooling).id();
        }
    }

    /** A set-up pooled as the model folder says. */
    public TextSetup(String sentence, int[] selected, List<String> labels) {
        this(sentence, selected, labels, null);
    }

    /** The pooling asked for, or null: the model folder's. */
    public Pooling poolingChoice() {
        return pooling == null ? null : Pooling.parse(pooling);
    }

    public static TextSetup of(String sentence) {
        return new TextSetup(sentence, new int[0], TextTask.SENTIMENT_LABELS);
    }

    public TextSetup withSelected(int[] s) {
        return new TextSetup(sentence, s, labels, pooling);
    }

    public TextSetup withLabels(List<String> l) {
        return new TextSetup(sentence, selected, l, pooling);
    }

    public TextSetup withSentence(String s) {
        return new TextSetup(s, new int[0], labels, pooling);
    }

    @Override
    public int[] selected() {
        return selected.clone();
    }
}
