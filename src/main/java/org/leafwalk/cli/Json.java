package org.leafwalk.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.leafwalk.explore.Readout;

/** Small builders for the JSON documents the commands print. */
final class Json {
    private Json() {}

    static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    static List<Double> list(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double v : a) {
            l.add(v);
        }
        return l;
    }

    static List<Double> head(double[] a, int n) {
        List<Double> l = new ArrayList<>();
        for (int i = 0; i < Math.min(n, a.length); i++) {
            l.add(a[i]);
        }
        return l;
    }

    static Map<String, Object> prediction(Readout r) {
        Map<String, Object> p = object();
        p.put("index", r.prediction());
        p.put("label", r.label());
        p.put("probability", r.probabilities()[r.prediction()]);
        return p;
    }
}
