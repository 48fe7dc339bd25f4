package org.leafwalk.ui;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which classes the output panel shows when a model has more than fit: the ten most probable now, the classes the
 * walk's metric tracks, the start prediction and the class searched for, most probable first. Labels too long for
 * the panel are shortened (ImageNet's "tench, Tinca tinca" to "tench").
 */
final class OutputRows {
    /** Up to this many classes, every one is shown. */
    static final int ALL_UP_TO = 12;
    static final int TOP = 10;
    static final int LABEL_CHARS = 22;

    private OutputRows() {}

    /** The classes to show, in order. */
    static int[] shown(double[] probabilities, int[] tracked, int start, int searched) {
        int n = probabilities.length;
        if (n <= ALL_UP_TO) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
        Set<Integer> rows = new LinkedHashSet<>(Arrays.asList(order).subList(0, TOP));
        for (int t : tracked) {
            rows.add(t);
        }
        if (start >= 0) {
            rows.add(start);
        }
        if (searched >= 0) {
            rows.add(searched);
        }
        return rows.stream().sorted((a, b) -> Double.compare(probabilities[b], probabilities[a]))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The label as the panel writes it: up to its first comma, and at most {@link #LABEL_CHARS} characters. */
    static String shortLabel(String label) {
        int comma = label.indexOf(',');
        String s = comma > 0 ? label.substring(0, comma) : label;
        return s.length() <= LABEL_CHARS ? s : s.substring(0, LABEL_CHARS - 1) + "…";
    }
}
