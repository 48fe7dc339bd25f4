package org.leafwalk.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.leafwalk.io.InvalidInputException;

/**
 * Short names for the label sentences of a zero-shot distribution, and the checks every label list passes: not too
 * many, each one meaning something to the tokenizer, no two read alike.
 */
public final class LabelNames {
    /** The most zero-shot labels a model takes unless {@code -Dleafwalk.max-labels} says otherwise. */
    public static final int DEFAULT_MAX_LABELS = 1000;

    private LabelNames() {}

    /**
     * The most zero-shot labels a model takes: {@code -Dleafwalk.max-labels=N}, else {@value #DEFAULT_MAX_LABELS}
     * (each label is one text-tower pass when it is set and one class of every output row after).
     */
    public static int maxLabels() {
        String p = System.getProperty("leafwalk.max-labels");
        if (p == null || p.isBlank()) {
            return DEFAULT_MAX_LABELS;
        }
        try {
            int n = Integer.parseInt(p.strip());
            if (n >= 2) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidInputException("-Dleafwalk.max-labels=" + p + ": write a whole number of at least 2");
    }

    /** Refuses more zero-shot labels than {@link #maxLabels}, before any is read. */
    public static void requireCount(int labels) {
        int max = maxLabels();
        if (labels > max) {
            throw new InvalidInputException(String.format(java.util.Locale.ROOT, "%,d zero-shot labels: Leafwalk "
                    + "takes at most %,d (each is a text-tower pass and a class of every output row); give fewer, or "
                    + "raise the limit with -Dleafwalk.max-labels=N", labels, max));
        }
    }

    /**
     * Refuses a label list that is too long ({@link #maxLabels}), has a label whose words the tokenizer knows none
     * of (it would read as unknown tokens only, carrying no meaning), or two labels the model reads alike (the same
     * token ids: a label given twice, or labels that differ only in unknown words); notes a label with some unknown
     * words. {@code ids} gives the token ids the model reads for a label (its prompt, for CLIP).
     */
    static void check(List<String> labels, TextTokenizer tokenizer, java.util.function.Function<String, long[]> ids,
            List<String> notes) {
        requireCount(labels.size());
        java.util.Map<String, String> byIds = new java.util.HashMap<>();
        String file = tokenizer.file().getFileName().toString();
        for (String label : labels) {
            TextTokenizer.Words w = tokenizer.words(label);
            if (w.noneKnown()) {
                throw new InvalidInputException("label '" + label + "': " + file + " knows none of its words (each "
                        + "reads as " + tokenizer.unknownToken() + "), so it carries no meaning; use words the "
                        + "tokenizer knows");
            }
            if (!w.unknown().isEmpty()) {
                notes.add("label '" + label + "': " + file + " does not know " + quoted(w.unknown()) + " (read as "
                        + tokenizer.unknownToken() + ")");
            }
            long[] t = ids.apply(label);
            String other = byIds.putIfAbsent(Arrays.toString(t), label);
            if (other != null) {
                throw new InvalidInputException(other.equals(label) ? "label '" + label + "' is given twice"
                        : "labels '" + other + "' and '" + label + "' give the same prompt (the tokens "
                        + String.join(" ", tokenizer.tokens(t)) + "), so the model cannot tell them apart");
            }
        }
    }

    private static String quoted(List<String> words) {
        return words.stream().map(w -> "'" + w + "'").collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * Names for label sentences: the words in which they differ ("This is a positive sentence." and "This is a
     * negative sentence." become "positive" and "negative"); the sentences themselves when that is not unique.
     */
    static List<String> of(List<String> sentences) {
        List<String[]> words = new ArrayList<>();
        for (String x : sentences) {
            words.add(x.strip().replaceAll("[.!?]+$", "").split("\\s+"));
        }
        int minLen = words.stream().mapToInt(w -> w.length).min().orElse(0);
        int pre = 0;
        while (pre < minLen - 1 && allEqual(words, pre, false)) {
            pre++;
        }
        int suf = 0;
        while (pre + suf < minLen - 1 && allEqual(words, suf, true)) {
            suf++;
        }
        List<String> names = new ArrayList<>();
        for (String[] w : words) {
            names.add(String.join(" ", Arrays.copyOfRange(w, pre, w.length - suf)));
        }
        boolean usable = names.stream().distinct().count() == names.size() && names.stream().noneMatch(String::isBlank);
        return List.copyOf(usable ? names : sentences);
    }

    /** Whether every sentence has the same word at index i (counted from the end when fromEnd). */
    private static boolean allEqual(List<String[]> words, int i, boolean fromEnd) {
        String first = null;
        for (String[] w : words) {
            String x = (fromEnd ? w[w.length - 1 - i] : w[i]).toLowerCase(java.util.Locale.ROOT);
            if (first == null) {
                first = x;
            } else if (!first.equals(x)) {
                return false;
            }
        }
        return true;
    }
}
