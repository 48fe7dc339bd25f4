package org.leafwalk.explore;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;

/**
 * Session files ({@code .leafwalk.json}): the format version, the model reference and the SHA-256 of its weights,
 * the input as PNG, the settings and seed, and the trajectory with its points (float32, deflated, base64), so a
 * session reopens at any step without recomputing.
 */
public final class SessionFiles {
    public static final String FORMAT = "leafwalk-session";
    /** Version 2 adds text walks (an "input.text" object); image sessions are still written as version 1. */
    public static final int VERSION = 2;

    private SessionFiles() {}

    /** A reopened session, and whether the model's weights still are what they were. */
    public record Loaded(Recording recording, boolean modelChanged, String currentWeightsSha256) {}

    public static void save(Path file, Recording r) {
        AtomicFiles.writeString(file, encode(r, null));
    }

    /**
     * The session file's text. {@code interrupted}: why the walk it records stopped before it was done (null: it
     * was not), kept in the file so that whoever opens it knows.
     */
    public static String encode(Recording r, String interrupted) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("format_version", r.isText() ? 2 : 1);
        JsonObject model = new JsonObject();
        model.addProperty("reference", r.modelReference());
        model.addProperty("path", r.modelPath());
        model.addProperty("weights_sha256", r.weightsSha256());
        o.add("model", model);
        JsonObject input = new JsonObject();
        input.addProperty("name", r.inputName());
        input.addProperty("png_base64", Base64.getEncoder().encodeToString(r.inputPng()));
        input.addProperty("channels", r.channels());
        input.addProperty("size", r.size());
        if (r.isText()) {
            JsonObject text = new JsonObject();
            text.addProperty("sentence", r.text().sentence());
            JsonArray sel = new JsonArray();
            for (int i : r.text().selected()) {
                sel.add(i);
            }
            text.add("selected_positions", sel);
            JsonArray zs = new JsonArray();
            r.text().labels().forEach(zs::add);
            text.add("zero_shot_labels", zs);
            if (r.text().pooling() != null) {
                text.addProperty("pooling", r.text().pooling()); // only when chosen: earlier sessions read the same
            }
            input.add("text", text);
        }
        o.add("input", input);
        Settings s = r.settings();
        o.add("settings", settingsJson(s));
        o.addProperty("seed", s.seed());
        JsonArray labels = new JsonArray();
        r.labels().forEach(labels::add);
        o.add("labels", labels);
        o.addProperty("cursor", r.cursor());
        JsonArray steps = new JsonArray();
        int n = r.dimension();
        ByteBuffer points = ByteBuffer.allocate(4 * n * r.trajectory().size()).order(ByteOrder.LITTLE_ENDIAN);
        for (TrajectoryEntry e : r.trajectory()) {
            JsonObject row = new JsonObject();
            row.addProperty("step", e.step());
            row.addProperty("direction", e.direction());
            row.addProperty("delta", e.delta());
            row.addProperty("distance", e.distance());
            row.addProperty("kl", e.kl());
            if (e.carried()) { // written only for carried steps, so sessions of exact walks read as before
                row.addProperty("jacobian", "carried");
            }
            row.addProperty("prediction", e.prediction());
            row.add("probabilities", array(e.probabilities()));
            row.add("top_eigenvalues", array(e.topEigenvalues()));
            steps.add(row);
            for (double v : e.point()) {
                points.putFloat((float) v);
            }
        }
        o.add("steps", steps);
        JsonObject p = new JsonObject();
        p.addProperty("encoding", "float32-le, deflate, base64");
        p.addProperty("count", r.trajectory().size());
        p.addProperty("dimension", n);
        p.addProperty("data", Base64.getEncoder().encodeToString(deflate(points.array())));
        o.add("points", p);
        if (interrupted != null) {
            o.addProperty("interrupted", interrupted);
        }
        return JsonFiles.toJson(o) + "\n";
    }

    public static Loaded load(Path file) {
        JsonObject o = JsonFiles.readObject(file);
        try {
            if (!o.has("format") || !FORMAT.equals(o.get("format").getAsString())) {
                throw new InvalidInputException(file + ": not a Leafwalk session (no \"format\": \"" + FORMAT + "\")");
            }
            int version = o.get("format_version").getAsInt();
            if (version > VERSION) {
                throw new InvalidInputException(file + ": written by a newer Leafwalk (session format " + version
                        + "; this version reads up to " + VERSION + "): update Leafwalk to open it");
            }
            JsonObject model = o.getAsJsonObject("model");
            JsonObject input = o.getAsJsonObject("input");
            JsonObject st = o.getAsJsonObject("settings");
            Settings settings = new Settings(Space.parse(st.get("space").getAsString()),
                    Metric.parse(st.get("metric").getAsString()), st.get("top_k").getAsInt(),
                    WalkAlgorithm.parse(st.get("algorithm").getAsString()),
                    StepLength.parse(st.get("step_policy").getAsString()), st.get("eta").getAsDouble(),
                    st.get("tau").getAsDouble(), st.get("corrected").getAsBoolean(), o.get("seed").getAsLong(),
                    st.get("null_directions").getAsInt(), st.has("layer") ? st.get("layer").getAsInt() : 0,
                    flag(st, "random_choice"), flag(st, "token_blocks"), flag(st, "embedding_bounds"),
                    st.has("jacobian") ? JacobianMode.parse(st.get("jacobian").getAsString()) : JacobianMode.AUTO);
            List<String> labels = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("labels")) {
                labels.add(e.getAsString());
            }
            JsonObject p = o.getAsJsonObject("points");
            int count = p.get("count").getAsInt();
            int n = p.get("dimension").getAsInt();
            byte[] raw = inflate(Base64.getDecoder().decode(p.get("data").getAsString()), 4L * count * n);
            ByteBuffer points = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            JsonArray steps = o.getAsJsonArray("steps");
            if (steps.size() != count) {
                throw new InvalidInputException(file + ": " + steps.size() + " steps but " + count + " points");
            }
            if (count < 1) {
                throw new InvalidInputException(file + ": points.count is " + count + "; a session holds at least "
                        + "its start point");
            }
            if (n < 1) {
                throw new InvalidInputException(file + ": points.dimension is " + n + "; it must be positive");
            }
            List<TrajectoryEntry> trajectory = new ArrayList<>();
            for (JsonElement el : steps) {
                JsonObject row = el.getAsJsonObject();
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = points.getFloat();
                    if (!Double.isFinite(x[i])) {
                        throw new InvalidInputException(file + ": points: step " + trajectory.size() + " holds "
                                + x[i] + " at coordinate " + i + "; a recorded point is always finite");
                    }
                }
                double[] probabilities = doubles(row.getAsJsonArray("probabilities"));
                if (probabilities.length != labels.size()) {
                    throw new InvalidInputException(file + ": steps[" + trajectory.size() + "].probabilities has "
                            + probabilities.length + " values for " + labels.size() + " labels");
                }
                trajectory.add(new TrajectoryEntry(row.get("step").getAsInt(), row.get("direction").getAsString(),
                        JsonFiles.number(row.get("delta")), x, probabilities,
                        row.get("prediction").getAsInt(), doubles(row.getAsJsonArray("top_eigenvalues")),
                        JsonFiles.number(row.get("kl")), JsonFiles.number(row.get("distance")),
                        row.has("jacobian") && row.get("jacobian").getAsString().equals("carried")));
            }
            int cursor = o.get("cursor").getAsInt();
            if (cursor < 0 || cursor >= count) {
                throw new InvalidInputException(file + ": cursor is " + cursor + " but the trajectory has steps 0 to "
                        + (count - 1));
            }
            TextSetup text = null;
            if (input.has("text")) {
                JsonObject t = input.getAsJsonObject("text");
                JsonArray sel = t.getAsJsonArray("selected_positions");
                int[] positions = new int[sel.size()];
                for (int i = 0; i < positions.length; i++) {
                    positions[i] = sel.get(i).getAsInt();
                }
                List<String> zs = new ArrayList<>();
                t.getAsJsonArray("zero_shot_labels").forEach(e -> zs.add(e.getAsString()));
                text = new TextSetup(t.get("sentence").getAsString(), positions, zs,
                        t.has("pooling") ? t.get("pooling").getAsString() : null);
            }
            Recording r = new Recording(model.get("reference").getAsString(), model.get("path").getAsString(),
                    model.get("weights_sha256").getAsString(), input.get("name").getAsString(),
                    Base64.getDecoder().decode(input.get("png_base64").getAsString()), settings, labels,
                    input.get("channels").getAsInt(), input.get("size").getAsInt(),
                    cursor, trajectory, text);
            String now = weightsSha256(Path.of(r.modelPath()));
            return new Loaded(r, !now.equals(r.weightsSha256()), now);
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidInputException(file + ": malformed session file (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    /**
     * Refuses a session that does not fit the model it is opened with: points of another dimension than the model's
     * input space, or (text) a start point other than the sentence's embedding under this model, which is what a
     * sentence edited by hand gives (its tokens are no longer those the walk recorded).
     *
     * @param start the start point the model gives the session's input (null: not compared)
     */
    public static void requireFits(Recording r, int dimension, double[] start, String source) {
        if (r.dimension() != dimension) {
            throw new InvalidInputException(source + ": points have dimension " + r.dimension() + " but the model's "
                    + r.settings().space().id() + " space has " + dimension + " (the session belongs to another "
                    + "model or input, or was edited)");
        }
        if (start == null || !r.isText()) {
            return;
        }
        double[] recorded = r.trajectory().get(0).point();
        for (int i = 0; i < start.length; i++) {
            if (Math.abs(start[i] - recorded[i]) > 1e-4 * (1 + Math.abs(start[i]))) {
                throw new InvalidInputException(source + ": input.text.sentence \"" + r.text().sentence()
                        + "\" does not give the tokens the session recorded (its start point differs at coordinate "
                        + i + "): the sentence was edited, or the model's tokenizer changed");
            }
        }
    }

    private static boolean flag(JsonObject o, String name) {
        return o.has(name) && o.get(name).getAsBoolean();
    }

    /** SHA-256 of a model folder's weights: model.safetensors, else model.onnx ("" when the folder or file is gone). */
    public static String weightsSha256(Path modelDir) {
        Path f = modelDir.resolve("model.safetensors");
        if (!Files.isRegularFile(f)) {
            f = modelDir.resolve("model.onnx");
        }
        if (!Files.isRegularFile(f)) {
            return "";
        }
        // every export and session save names the weights; MiniLM's are 90 MB, so a file hashes once per
        // (path, file key, size, modification time to the file system's precision)
        String key;
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            key = f.toAbsolutePath().normalize() + "|" + a.fileKey() + "|" + a.size() + "|"
                    + a.lastModifiedTime().toInstant();
        } catch (IOException e) {
            return "";
        }
        String cached = HASHES.get(key);
        if (cached != null) {
            return cached;
        }
        String digest = sha256(f);
        HASHED.incrementAndGet();
        if (!digest.isEmpty()) {
            HASHES.put(key, digest);
        }
        return digest;
    }

    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong HASHED = new java.util.concurrent.atomic.AtomicLong();

    /** How many times a weights file has been read and hashed (the rest were answered from the cache). */
    static long filesHashed() {
        return HASHED.get();
    }

    private static String sha256(Path f) {
        try (var in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int k;
            while ((k = in.read(buf)) > 0) {
                md.update(buf, 0, k);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "";
        }
    }

    private static JsonArray array(double[] a) {
        JsonArray arr = new JsonArray();
        for (double v : a) {
            arr.add(v);
        }
        return arr;
    }

    private static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = JsonFiles.number(a.get(i));
        }
        return d;
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(data);
        d.finish();
        var out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    private static byte[] inflate(byte[] data, long expected) {
        if (expected > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the trajectory is too large");
        }
        Inflater inf = new Inflater();
        inf.setInput(data);
        byte[] out = new byte[(int) expected];
        try {
            int n = 0;
            while (n < out.length && !inf.finished()) {
                int k = inf.inflate(out, n, out.length - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n != out.length) {
                throw new IllegalArgumentException("the points hold " + n + " bytes, expected " + expected);
            }
            return out;
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt point data", e);
        } finally {
            inf.end();
        }
    }

    /** The settings as a session records them (also the metadata of the array exports). */
    static JsonObject settingsJson(Settings s) {
        JsonObject settings = new JsonObject();
        settings.addProperty("space", s.space().id());
        settings.addProperty("metric", s.metric().id());
        settings.addProperty("top_k", s.topK());
        settings.addProperty("algorithm", s.algorithm().id());
        settings.addProperty("step_policy", s.policy().id());
        settings.addProperty("eta", s.eta());
        settings.addProperty("tau", s.tau());
        settings.addProperty("corrected", s.corrected());
        settings.addProperty("null_directions", s.nullDirections());
        settings.addProperty("layer", s.layer());
        // written only when set, so the sessions of earlier versions and theirs read the same
        if (s.randomChoice()) {
            settings.addProperty("random_choice", true);
        }
        if (s.tokenBlocks()) {
            settings.addProperty("token_blocks", true);
        }
        if (s.embeddingBounds()) {
            settings.addProperty("embedding_bounds", true);
        }
        if (s.jacobian() != JacobianMode.AUTO) {
            settings.addProperty("jacobian", s.jacobian().id());
        }
        return settings;
    }
}
