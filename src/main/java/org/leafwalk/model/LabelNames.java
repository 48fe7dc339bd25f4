package org.leafwalk.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Short names for the label sentences of a zero-shot distribution. */
final class LabelNames {
    private LabelNames() {}

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
