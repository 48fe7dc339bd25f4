package org.leafwalk.explore.walk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for the JSON documents the commands print and write, and their text. */
public final class Json {
    private Json() {}

    public static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    /**
     * An object with these keys and values in this order ({@code Map.of} would print them in an order that changes
     * from run to run).
     */
    public static Map<String, Object> of(Object... keysAndValues) {
        Map<String, Object> o = object();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return o;
    }

    public static List<Double> list(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double v : a) {
            l.add(v);
        }
        return l;
    }

    public static List<Double> head(double[] a, int n) {
        List<Double> l = new ArrayList<>();
        for (int i = 0; i < Math.min(n, a.length); i++) {
            l.add(a[i]);
        }
        return l;
    }

    /** The document as JSON text (a NaN or an infinity as null, with a note saying where). */
    public static String text(Object document) {
        return org.leafwalk.io.JsonFiles.toJson(document);
    }

    /** The prediction as {index, label, probability}; null for a model without classes. */
    public static Map<String, Object> prediction(Readout r) {
        if (r.prediction() < 0) {
            return null;
        }
        Map<String, Object> p = object();
        p.put("index", r.prediction());
        p.put("label", r.label());
        p.put("probability", r.probabilities()[r.prediction()]);
        return p;
    }
}
