package org.leafwalk.explore.session;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.subject.Weights;
import org.leafwalk.explore.walk.JacobianMode;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.TextSetup;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;
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

    /**
     * Reads a session file and checks what it holds against itself (the checks that need no model): every field
     * named in a refusal, the settings as {@link Settings#validateRecorded} checks them, the steps numbered in order,
     * every point finite, every step's probabilities a distribution over the labels, the picture of the session's
     * size. The model is the folder at {@code model.path}; where that is not a folder here, what
     * {@code model.reference} names ({@code default}, {@code minilm}, a folder). The checks against the model are
     * {@link #requireFits}, which {@link Subject#fromRecording} makes.
     */
    public static Loaded load(Path file) {
        return load(file.toString(), JsonFiles.readObject(file), SessionFiles::modelFolder);
    }

    /**
     * The model folder a session names: its recorded {@code model.path} and {@code model.reference} (either may be
     * null) to the folder that is its model here, or a refusal saying why there is none.
     */
    @FunctionalInterface
    public interface ModelFolders {
        Path folder(String path, String reference);
    }

    /**
     * A session file's contents that came without the file (a client of {@code leafwalk serve} sent them), read as
     * {@link #load(Path)} reads a file, its model found by {@code models} (a server's catalogue).
     */
    public static Loaded load(String name, String json, ModelFolders models) {
        JsonObject o;
        try {
            o = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new InvalidInputException(name + ": not a session file (not a JSON object)", e);
        }
        return load(name, o, models);
    }

    private static Loaded load(String file, JsonObject o, ModelFolders models) {
        Fields f = new Fields(file);
        Recording r;
        try {
            if (!o.has("format") || !FORMAT.equals(o.get("format").getAsString())) {
                throw new InvalidInputException(file + ": not a Leafwalk session (no \"format\": \"" + FORMAT + "\")");
            }
            int version = f.integer(o, "format_version");
            if (version > VERSION) {
                throw new InvalidInputException(file + ": written by a newer Leafwalk (session format " + version
                        + "; this version reads up to " + VERSION + "): update Leafwalk to open it");
            }
            r = read(o, f, models);
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidInputException(file + ": malformed session file (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        SessionChecks.requireConsistent(r, file);
        String now = Weights.sha256(Path.of(r.modelPath()));
        return new Loaded(r, !now.equals(r.weightsSha256()), now);
    }

    private static Recording read(JsonObject o, Fields f, ModelFolders models) {
        JsonObject model = f.object(o, "model");
        JsonObject input = f.object(o, "input");
        JsonObject st = f.object(o, "settings");
        Settings settings = new Settings(f.parse(st, "space", Space::parse), f.parse(st, "metric", Metric::parse),
                f.integer(st, "top_k"), f.parse(st, "algorithm", WalkAlgorithm::parse),
                f.parse(st, "step_policy", StepLength::parse), f.number(st, "eta"), f.number(st, "tau"),
                f.flag(st, "corrected"), f.longInteger(o, "seed"), f.integer(st, "null_directions"),
                st.has("layer") ? f.integer(st, "layer") : 0, f.optionalFlag(st, "random_choice"),
                f.optionalFlag(st, "token_blocks"), f.optionalFlag(st, "embedding_bounds"),
                st.has("jacobian") ? f.parse(st, "jacobian", JacobianMode::parse) : JacobianMode.AUTO);
        List<String> labels = new ArrayList<>();
        JsonArray labelArray = f.array(o, "labels");
        for (int i = 0; i < labelArray.size(); i++) {
            labels.add(f.string(labelArray, "labels", i));
        }
        JsonObject p = f.object(o, "points");
        int count = f.integer(p, "count");
        int n = f.integer(p, "dimension");
        JsonArray steps = f.array(o, "steps");
        if (steps.size() != count) {
            throw f.refuse(steps.size() + " steps but " + count + " points");
        }
        if (count < 1) {
            throw f.refuse("points.count is " + count + "; a session holds at least its start point");
        }
        if (n < 1) {
            throw f.refuse("points.dimension is " + n + "; it must be positive");
        }
        byte[] raw;
        try {
            raw = inflate(f.base64(p, "data"), 4L * count * n);
        } catch (InvalidInputException e) {
            throw f.refuse("points.data: " + e.getMessage());
        }
        ByteBuffer points = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        List<TrajectoryEntry> trajectory = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            JsonObject row = f.object(steps, "steps", s);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = points.getFloat();
                if (!Double.isFinite(x[i])) {
                    throw f.refuse("points: step " + s + " holds " + x[i] + " at coordinate " + i
                            + "; a recorded point is always finite");
                }
            }
            trajectory.add(new TrajectoryEntry(f.integer(row, "step"), f.string(row, "direction"),
                    JsonFiles.number(row.get("delta")), x, f.numbers(row, "probabilities"), f.integer(row, "prediction"),
                    f.numbers(row, "top_eigenvalues"), JsonFiles.number(row.get("kl")),
                    JsonFiles.number(row.get("distance")),
                    row.has("jacobian") && f.string(row, "jacobian").equals("carried")));
        }
        int cursor = f.integer(o, "cursor");
        TextSetup text = null;
        if (input.has("text")) {
            JsonObject t = f.object(input, "text");
            JsonArray sel = f.array(t, "selected_positions");
            int[] positions = new int[sel.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = f.integer(sel, "input.text.selected_positions", i);
            }
            List<String> zs = new ArrayList<>();
            JsonArray zsArray = f.array(t, "zero_shot_labels");
            for (int i = 0; i < zsArray.size(); i++) {
                zs.add(f.string(zsArray, "input.text.zero_shot_labels", i));
            }
            text = new TextSetup(f.string(t, "sentence"), positions, zs,
                    t.has("pooling") ? f.parse(t, "pooling", org.leafwalk.model.Pooling::parse).id() : null);
        }
        String reference = f.optionalString(model, "reference");
        String folder;
        try {
            folder = models.folder(f.optionalString(model, "path"), reference).toString();
        } catch (InvalidInputException e) {
            throw f.refuse(e.getMessage());
        }
        return new Recording(reference == null ? folder : reference, folder, f.string(model, "weights_sha256"), f.string(input, "name"), f.base64(input, "png_base64"), settings,
                labels, f.integer(input, "channels"), f.integer(input, "size"), cursor, trajectory, text);
    }

    /**
     * The folder of the session's model: {@code model.path}, or where that is not a folder here (a session from
     * another machine, or written by hand), what {@code model.reference} names.
     */
    private static Path modelFolder(String path, String reference) {
        if (path != null && Files.isDirectory(Path.of(path))) {
            return Path.of(path).toAbsolutePath();
        }
        if (reference != null && !reference.isBlank()) {
            Path dir = References.model(reference);
            if (Files.isDirectory(dir)) {
                return dir.toAbsolutePath();
            }
        }
        throw new InvalidInputException("the session's model is not here: "
                + (path == null ? "model.path is missing" : "model.path " + path + " is not a folder")
                + (reference == null ? " and model.reference is missing" : " and model.reference '" + reference
                        + "' names no model (not found)")
                + "; set model.path to the model's folder");
    }

    private static JsonArray array(double[] a) {
        JsonArray arr = new JsonArray();
        for (double v : a) {
            arr.add(v);
        }
        return arr;
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
            throw new InvalidInputException("the trajectory is too large (" + expected + " bytes of points)");
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
                throw new InvalidInputException("the points hold " + n + " bytes, expected " + expected);
            }
            return out;
        } catch (DataFormatException e) {
            throw new InvalidInputException("corrupt point data (" + e.getMessage() + ")", e);
        } finally {
            inf.end();
        }
    }

    /** The settings as a session records them (also the metadata of the array exports). */
    public static JsonObject settingsJson(Settings s) {
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
