package org.leafwalk.explore.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.leafwalk.explore.session.SessionFiles;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.Csv;
import org.leafwalk.io.JsonFiles;

/**
 * A walk as a table, one row per recorded step: step, direction, delta, distance, prediction, label, the
 * probability of every class (p_&lt;label&gt;), the ten largest eigenvalues (lambda_1 … lambda_10) and
 * kl_from_start. The same rows go to CSV and to JSON.
 */
public final class TrajectoryExport {

    private TrajectoryExport() {}

    public static List<String> columns(List<String> labels) {
        List<String> c = new ArrayList<>(List.of("step", "direction", "delta", "distance", "prediction", "label"));
        for (String l : labels) {
            c.add("p_" + l);
        }
        for (int i = 1; i <= TrajectoryEntry.EIGENVALUES; i++) {
            c.add("lambda_" + i);
        }
        c.add("kl_from_start");
        return c;
    }

    public static String csv(Recording r) {
        Csv csv = new Csv(columns(r.labels()));
        for (TrajectoryEntry e : r.trajectory()) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(e.step()), e.direction(), num(e.delta()),
                    num(e.distance()), Integer.toString(e.prediction()), Readout.labelOf(r.labels(), e.prediction())));
            for (double p : e.probabilities()) {
                row.add(num(p));
            }
            for (int i = 0; i < TrajectoryEntry.EIGENVALUES; i++) {
                row.add(i < e.topEigenvalues().length ? num(e.topEigenvalues()[i]) : "");
            }
            row.add(num(e.kl()));
            csv.row(row);
        }
        return csv.toString();
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

    /**
     * The walk as arrays for notebooks: {@code points} float32 [steps, n] (the input-space points), {@code
     * probabilities} float32 [steps, classes], {@code eigenvalues} float32 [steps, 10] (the largest, NaN where a
     * step had fewer), and per step {@code step}, {@code prediction} (int32), {@code delta}, {@code distance} and
     * {@code kl_from_start} (float32).
     */
    public static List<org.leafwalk.io.ArrayFiles.Array> arrays(Recording r) {
        List<TrajectoryEntry> t = r.trajectory();
        int steps = t.size();
        int n = r.dimension();
        int classes = steps == 0 ? r.labels().size() : t.get(0).probabilities().length;
        float[] points = new float[steps * n];
        float[] probs = new float[steps * classes];
        float[] eig = new float[steps * TrajectoryEntry.EIGENVALUES];
        int[] step = new int[steps];
        int[] pred = new int[steps];
        float[] delta = new float[steps];
        float[] dist = new float[steps];
        float[] kl = new float[steps];
        for (int i = 0; i < steps; i++) {
            TrajectoryEntry e = t.get(i);
            for (int j = 0; j < n; j++) {
                points[i * n + j] = (float) e.point()[j];
            }
            for (int j = 0; j < classes; j++) {
                probs[i * classes + j] = (float) e.probabilities()[j];
            }
            for (int j = 0; j < TrajectoryEntry.EIGENVALUES; j++) {
                eig[i * TrajectoryEntry.EIGENVALUES + j] = j < e.topEigenvalues().length ? (float) e.topEigenvalues()[j] : Float.NaN;
            }
            step[i] = e.step();
            pred[i] = e.prediction();
            delta[i] = (float) e.delta();
            dist[i] = (float) e.distance();
            kl[i] = (float) e.kl();
        }
        long s = steps;
        return List.of(org.leafwalk.io.ArrayFiles.Array.of("points", new long[] {s, n}, points),
                org.leafwalk.io.ArrayFiles.Array.of("probabilities", new long[] {s, classes}, probs),
                org.leafwalk.io.ArrayFiles.Array.of("eigenvalues", new long[] {s, TrajectoryEntry.EIGENVALUES}, eig),
                org.leafwalk.io.ArrayFiles.Array.ofInts("step", new long[] {s}, step),
                org.leafwalk.io.ArrayFiles.Array.ofInts("prediction", new long[] {s}, pred),
                org.leafwalk.io.ArrayFiles.Array.of("delta", new long[] {s}, delta),
                org.leafwalk.io.ArrayFiles.Array.of("distance", new long[] {s}, dist),
                org.leafwalk.io.ArrayFiles.Array.of("kl_from_start", new long[] {s}, kl));
    }

    /**
     * What the arrays leave out, as strings (safetensors metadata holds strings only): the model, the input, the
     * settings (as a session records them), the labels and every step's direction (JSON lists).
     */
    public static Map<String, String> metadata(Recording r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "np");
        m.put("producer", "leafwalk");
        m.put("model", String.valueOf(r.modelReference()));
        if (r.weightsSha256() != null) {
            m.put("weights_sha256", r.weightsSha256());
        }
        m.put("input", String.valueOf(r.inputName()));
        m.put("space", r.settings().space().id());
        m.put("settings", SessionFiles.settingsJson(r.settings()).toString());
        m.put("seed", Long.toString(r.settings().seed()));
        m.put("labels", JsonFiles.toJson(r.labels()).replaceAll("\\s*\\n\\s*", ""));
        m.put("directions", JsonFiles.toJson(r.trajectory().stream().map(TrajectoryEntry::direction).toList())
                .replaceAll("\\s*\\n\\s*", ""));
        if (r.isText()) {
            m.put("sentence", r.text().sentence());
        }
        return m;
    }

    public static byte[] safetensors(Recording r) {
        return org.leafwalk.io.ArrayFiles.safetensors(arrays(r), metadata(r));
    }

    public static byte[] npz(Recording r) {
        return org.leafwalk.io.ArrayFiles.npz(arrays(r), JsonFiles.toJson(metadata(r)));
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.9g", v) : "";
    }

    /**
     * A walk's file that needs only its recording, by the name of the option that asks for it: {@code session},
     * {@code csv}, {@code trajectory-json} (or {@code json}), {@code safetensors}, {@code npz}; null for another (a
     * GIF or PNG needs its model to draw). {@code incomplete}: why a session ended early (null: it did not).
     */
    public static byte[] recordedFile(String kind, Recording r, String incomplete) {
        return switch (kind) {
            case "session" -> SessionFiles.encode(r, incomplete).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            case "csv" -> csv(r)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            case "trajectory-json", "json" -> json(r)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            case "safetensors" -> safetensors(r);
            case "npz" -> npz(r);
            default -> null;
        };
    }
}
