package org.leafwalk.explore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.JsonFiles;

/**
 * A walk as a table, one row per recorded step: step, direction, delta, distance, prediction, label, the
 * probability of every class (p_&lt;label&gt;), the ten largest eigenvalues (lambda_1 … lambda_10) and
 * kl_from_start. The same rows go to CSV and to JSON.
 */
public final class TrajectoryExport {
    public static final int EIGENVALUES = 10;

    private TrajectoryExport() {}

    public static List<String> columns(List<String> labels) {
        List<String> c = new ArrayList<>(List.of("step", "direction", "delta", "distance", "prediction", "label"));
        for (String l : labels) {
            c.add("p_" + l);
        }
        for (int i = 1; i <= EIGENVALUES; i++) {
            c.add("lambda_" + i);
        }
        c.add("kl_from_start");
        return c;
    }

    public static String csv(Recording r) {
        StringBuilder sb = new StringBuilder();
        List<String> cols = columns(r.labels());
        for (int i = 0; i < cols.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(cols.get(i)));
        }
        sb.append('\n');
        for (TrajectoryEntry e : r.trajectory()) {
            sb.append(e.step()).append(',').append(quote(e.direction())).append(',').append(num(e.delta()))
                    .append(',').append(num(e.distance())).append(',').append(e.prediction()).append(',')
                    .append(quote(Readout.labelOf(r.labels(), e.prediction())));
            for (double p : e.probabilities()) {
                sb.append(',').append(num(p));
            }
            for (int i = 0; i < EIGENVALUES; i++) {
                sb.append(',').append(i < e.topEigenvalues().length ? num(e.topEigenvalues()[i]) : "");
            }
            sb.append(',').append(num(e.kl())).append('\n');
        }
        return sb.toString();
    }

    public static List<Map<String, Object>> rows(Recording r) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TrajectoryEntry e : r.trajectory()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", e.step());
            row.put("direction", e.direction());
            row.put("delta", e.delta());
            row.put("distance", e.distance());
            row.put("prediction", e.prediction());
            row.put("label", Readout.labelOf(r.labels(), e.prediction()));
            Map<String, Double> p = new LinkedHashMap<>();
            for (int i = 0; i < r.labels().size(); i++) {
                p.put(r.labels().get(i), e.probabilities()[i]);
            }
            row.put("probabilities", p);
            List<Double> ev = new ArrayList<>();
            for (double v : e.topEigenvalues()) {
                ev.add(v);
            }
            row.put("eigenvalues", ev);
            row.put("kl_from_start", e.kl());
            if (e.carried()) {
                row.put("jacobian", "carried");
            }
            rows.add(row);
        }
        return rows;
    }

    public static void writeCsv(Path file, Recording r) {
        AtomicFiles.writeString(file, csv(r));
    }

    public static void writeJson(Path file, Recording r) {
        AtomicFiles.writeString(file, json(r));
    }

    /** The trajectory as a JSON document (what --trajectory-json writes). */
    public static String json(Recording r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", r.modelReference());
        o.put("input", r.inputName());
        o.put("space", r.settings().space().id());
        o.put("metric", r.settings().metric().id());
        o.put("labels", r.labels());
        if (r.isText()) {
            o.put("sentence", r.text().sentence());
            o.put("explored_positions", java.util.Arrays.stream(r.text().selected()).boxed().toList());
            o.put("zero_shot_labels", r.text().labels());
        }
        o.put("steps", rows(r));
        return JsonFiles.toJson(o) + "\n";
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.9g", v) : "";
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
