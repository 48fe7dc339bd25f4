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

    /**
     * Reads a session file and checks what it holds against itself (the checks that need no model): every field
     * named in a refusal, the settings as {@link Settings#validateRecorded} checks them, the steps numbered in order,
     * every point finite, every step's probabilities a distribution over the labels, the picture of the session's
     * size. The model is the folder at {@code model.path}; where that is not a folder here, what
     * {@code model.reference} names ({@code default}, {@code minilm}, a folder). The checks against the model are
     * {@link #requireFits}, which {@link Subject#fromRecording} makes.
     */
    public static Loaded load(Path file) {
        JsonObject o = JsonFiles.readObject(file);
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
            r = read(o, f);
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidInputException(file + ": malformed session file (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        requireConsistent(r, file.toString());
        String now = weightsSha256(Path.of(r.modelPath()));
        return new Loaded(r, !now.equals(r.weightsSha256()), now);
    }

    private static Recording read(JsonObject o, Fields f) {
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
        String folder = modelFolder(model, f).toString();
        String reference = f.optionalString(model, "reference");
        return new Recording(reference == null ? folder : reference, folder, f.string(model, "weights_sha256"), f.string(input, "name"), f.base64(input, "png_base64"), settings,
                labels, f.integer(input, "channels"), f.integer(input, "size"), cursor, trajectory, text);
    }

    /**
     * The folder of the session's model: {@code model.path}, or where that is not a folder here (a session from
     * another machine, or written by hand), what {@code model.reference} names.
     */
    private static Path modelFolder(JsonObject model, Fields f) {
        String path = f.optionalString(model, "path");
        String reference = f.optionalString(model, "reference");
        if (path != null && Files.isDirectory(Path.of(path))) {
            return Path.of(path).toAbsolutePath();
        }
        if (reference != null && !reference.isBlank()) {
            Path dir = References.model(reference);
            if (Files.isDirectory(dir)) {
                return dir.toAbsolutePath();
            }
        }
        throw f.refuse("the session's model is not here: "
                + (path == null ? "model.path is missing" : "model.path " + path + " is not a folder")
                + (reference == null ? " and model.reference is missing" : " and model.reference '" + reference
                        + "' names no model (not found)")
                + "; set model.path to the model's folder");
    }

    /** Refuses what the session contradicts itself in; {@code source} names the file. */
    static void requireConsistent(Recording r, String source) {
        try {
            r.settings().validateRecorded();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + ": " + e.getMessage(), e);
        }
        List<TrajectoryEntry> steps = r.trajectory();
        int labels = r.labels().size();
        for (int s = 0; s < steps.size(); s++) {
            TrajectoryEntry e = steps.get(s);
            String at = source + ": steps[" + s + "]";
            if (e.step() != s) {
                throw new InvalidInputException(at + ".step is " + e.step() + ": the steps are numbered 0, 1, 2, "
                        + "... in order (the file was edited)");
            }
            double[] p = e.probabilities();
            if (p.length != labels) {
                throw new InvalidInputException(at + ".probabilities has " + p.length + " values for " + labels
                        + " labels");
            }
            double sum = 0;
            for (int i = 0; i < p.length; i++) {
                if (!Double.isFinite(p[i])) {
                    throw new InvalidInputException(at + ".probabilities[" + i + "] is not a number (" + p[i]
                            + "): a recorded probability is always finite");
                }
                if (p[i] < 0 || p[i] > 1) {
                    throw new InvalidInputException(at + ".probabilities[" + i + "] is " + p[i]
                            + ": a probability is in [0, 1]");
                }
                sum += p[i];
            }
            if (labels > 0 && Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new InvalidInputException(at + ".probabilities sum to " + sum + ", not 1");
            }
            if (labels == 0 ? e.prediction() != -1 : e.prediction() < 0 || e.prediction() >= labels) {
                throw new InvalidInputException(at + ".prediction is " + e.prediction() + " but there are " + labels
                        + " labels" + (labels == 0 ? " (a model without classes predicts -1)" : ""));
            }
        }
        if (r.cursor() < 0 || r.cursor() >= steps.size()) {
            throw new InvalidInputException(source + ": cursor is " + r.cursor() + " but the trajectory has steps 0 "
                    + "to " + (steps.size() - 1));
        }
        if (r.isText()) {
            return;
        }
        if (r.channels() != 1 && r.channels() != 3) {
            throw new InvalidInputException(source + ": input.channels is " + r.channels() + "; a picture has 1 or 3");
        }
        java.awt.image.BufferedImage png;
        try {
            png = org.leafwalk.io.Images.decodePng(r.inputPng());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + ": input.png_base64: " + e.getMessage(), e);
        }
        if (png.getWidth() != r.size() || png.getHeight() != r.size()) {
            throw new InvalidInputException(source + ": input.png_base64 is a " + png.getWidth() + "×"
                    + png.getHeight() + " picture but input.size is " + r.size() + " (the session's picture is as its "
                    + "model read it)");
        }
    }

    /** How far a recorded distribution's sum may be from 1 (they are written with every digit of a double). */
    private static final double SUM_TOLERANCE = 1e-4;

    /**
     * How far a recorded probability may be from the model's at the recorded point: the points are kept as float32,
     * which the float32 models read as they are; a float64 model or another device rounds differently, by far less.
     */
    static final double OUTPUT_TOLERANCE = 1e-4;

    /**
     * Refuses a session whose model is not of its kind or shape, before its input is read: an image session on a
     * text model or back, a layer the model does not have, a picture of another size or channel count than the
     * model reads.
     */
    static void requireModel(Recording r, Explorer model, Path modelDir, String source) {
        boolean byName = !r.modelReference().equals(r.modelPath());
        String named = byName ? "'" + r.modelReference() + "' (" + modelDir + ")" : modelDir.toString();
        if (r.isText() != model.isText()) {
            throw new InvalidInputException(source + ": it was recorded on " + (r.isText() ? "a text" : "an image")
                    + " model, and its model " + named + " is " + (model.isText() ? "a text" : "an image") + " model");
        }
        int layer = r.settings().layer();
        if (layer > 0 && model.isText()) {
            throw new InvalidInputException(source + ": settings.layer is " + layer + ": a layer is chosen on image "
                    + "models only");
        }
        if (layer > model.layers()) {
            throw new InvalidInputException(source + ": settings.layer is " + layer + " but the model has layers 1 to "
                    + model.layers());
        }
        if (!model.isText() && (r.size() != model.config().imageSize()
                || r.channels() != model.config().numChannels())) {
            throw new InvalidInputException(source + ": its input is a " + r.channels() + "-channel " + r.size() + "×"
                    + r.size() + " picture but the model " + named + " reads " + model.config().numChannels()
                    + "-channel " + model.config().imageSize() + "×" + model.config().imageSize() + " pictures (the "
                    + "session belongs to another model, or was edited)");
        }
    }

    /**
     * Refuses a session that does not fit the subject it is opened as: points of another dimension than the model's
     * input space, (text) a start point other than the sentence's embedding under this model, which is what a
     * sentence edited by hand gives (its tokens are no longer those the walk recorded), labels other than the
     * model's; and, when the model's weights are those the session was recorded with ({@code sameWeights}), a step
     * whose recorded probabilities are not what the model gives at its recorded point (a point or probabilities
     * edited by hand). The window and {@code export} check a session through this one method.
     */
    static void requireFits(Recording r, Subject subject, boolean sameWeights, String source) {
        double[] start = subject.start();
        int dimension = start.length;
        if (r.dimension() != dimension) {
            throw new InvalidInputException(source + ": points have dimension " + r.dimension() + " but the model's "
                    + r.settings().space().id() + " space has " + dimension + " (the session belongs to another "
                    + "model or input, or was edited)");
        }
        if (r.isText()) {
            double[] recorded = r.trajectory().get(0).point();
            for (int i = 0; i < start.length; i++) {
                if (Math.abs(start[i] - recorded[i]) > 1e-4 * (1 + Math.abs(start[i]))) {
                    throw new InvalidInputException(source + ": input.text.sentence \"" + r.text().sentence()
                            + "\" does not give the tokens the session recorded (its start point differs at "
                            + "coordinate " + i + "): the sentence was edited, or the model's tokenizer changed");
                }
            }
        }
        if (!r.labels().equals(subject.labels())) {
            throw new InvalidInputException(source + ": labels are " + brief(r.labels()) + " but the model's are "
                    + brief(subject.labels()) + " (the session belongs to another model, or was edited)");
        }
        if (!sameWeights || r.labels().isEmpty()) {
            return;
        }
        List<TrajectoryEntry> steps = r.trajectory();
        double[] points = new double[steps.size() * dimension];
        for (int s = 0; s < steps.size(); s++) {
            System.arraycopy(steps.get(s).point(), 0, points, s * dimension, dimension);
        }
        double[][] outputs = org.leafwalk.geometry.Lipschitz.evaluate(subject.map(), points, steps.size(), dimension,
                32);
        for (int s = 0; s < steps.size(); s++) {
            double[] now = subject.readout(outputs[s]).probabilities();
            double[] recorded = steps.get(s).probabilities();
            for (int i = 0; i < now.length; i++) {
                if (!(Math.abs(now[i] - recorded[i]) <= OUTPUT_TOLERANCE)) {
                    throw new InvalidInputException(String.format(java.util.Locale.ROOT, "%s: steps[%d].probabilities "
                            + "are not what the model gives at the step's point (%s: %.6g recorded, %.6g now): the "
                            + "point or the probabilities were edited", source, s, r.labels().get(i), recorded[i],
                            now[i]));
                }
            }
        }
    }

    /** A list of labels in a line: the first few. */
    private static String brief(List<String> labels) {
        return labels.size() <= 6 ? labels.toString() : "[" + String.join(", ", labels.subList(0, 5)) + ", and "
                + (labels.size() - 5) + " more]";
    }

    /** A session's fields, read with refusals that name the field ({@code model.path}, {@code steps[3].step}). */
    private static final class Fields {
        private final Path file;
        private final Map<JsonElement, String> paths = new java.util.IdentityHashMap<>();

        Fields(Path file) {
            this.file = file;
        }

        InvalidInputException refuse(String what) {
            return new InvalidInputException(file + ": " + what);
        }

        /** A field that is missing or of the wrong type. */
        private InvalidInputException malformed(String what) {
            return refuse("malformed session file: " + what);
        }

        private String where(JsonObject o, String name) {
            String at = paths.get(o);
            return at == null ? name : at + "." + name;
        }

        private JsonElement get(JsonObject o, String name) {
            JsonElement e = o.get(name);
            if (e == null || e.isJsonNull()) {
                throw malformed(where(o, name) + " is missing");
            }
            return e;
        }

        private <T> T as(JsonElement e, String at, String kind, java.util.function.Function<JsonElement, T> read) {
            try {
                return read.apply(e);
            } catch (RuntimeException x) {
                throw malformed(at + " is " + e + ": " + kind + " is expected");
            }
        }

        JsonObject object(JsonObject o, String name) {
            JsonObject v = as(get(o, name), where(o, name), "an object", JsonElement::getAsJsonObject);
            paths.put(v, where(o, name));
            return v;
        }

        JsonObject object(JsonArray a, String at, int i) {
            JsonObject v = as(a.get(i), at + "[" + i + "]", "an object", JsonElement::getAsJsonObject);
            paths.put(v, at + "[" + i + "]");
            return v;
        }

        JsonArray array(JsonObject o, String name) {
            return as(get(o, name), where(o, name), "a list", JsonElement::getAsJsonArray);
        }

        String string(JsonObject o, String name) {
            return as(get(o, name), where(o, name), "a string", e -> e.getAsJsonPrimitive().getAsString());
        }

        String string(JsonArray a, String at, int i) {
            return as(a.get(i), at + "[" + i + "]", "a string", e -> e.getAsJsonPrimitive().getAsString());
        }

        String optionalString(JsonObject o, String name) {
            return o.has(name) && !o.get(name).isJsonNull() ? string(o, name) : null;
        }

        int integer(JsonObject o, String name) {
            return as(get(o, name), where(o, name), "a whole number", Fields::exactInt);
        }

        int integer(JsonArray a, String at, int i) {
            return as(a.get(i), at + "[" + i + "]", "a whole number", Fields::exactInt);
        }

        long longInteger(JsonObject o, String name) {
            return as(get(o, name), where(o, name), "a whole number", e -> e.getAsJsonPrimitive().getAsBigDecimal()
                    .longValueExact());
        }

        private static int exactInt(JsonElement e) {
            return e.getAsJsonPrimitive().getAsBigDecimal().intValueExact();
        }

        double number(JsonObject o, String name) {
            return as(get(o, name), where(o, name), "a number", Fields::number);
        }

        private static double number(JsonElement e) {
            if (!e.getAsJsonPrimitive().isNumber()) {
                throw new IllegalStateException("not a number");
            }
            return e.getAsDouble();
        }

        /** A list of numbers, where a null stands for a number that was not finite (NaN). */
        double[] numbers(JsonObject o, String name) {
            JsonArray a = array(o, name);
            double[] d = new double[a.size()];
            for (int i = 0; i < d.length; i++) {
                JsonElement e = a.get(i);
                d[i] = e.isJsonNull() ? Double.NaN : as(e, where(o, name) + "[" + i + "]", "a number",
                        Fields::number);
            }
            return d;
        }

        boolean flag(JsonObject o, String name) {
            return as(get(o, name), where(o, name), "true or false", e -> {
                if (!e.getAsJsonPrimitive().isBoolean()) {
                    throw new IllegalStateException("not a boolean");
                }
                return e.getAsBoolean();
            });
        }

        boolean optionalFlag(JsonObject o, String name) {
            return o.has(name) && flag(o, name);
        }

        byte[] base64(JsonObject o, String name) {
            String s = string(o, name);
            try {
                return Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw refuse(where(o, name) + " is not base64 (" + e.getMessage() + ")");
            }
        }

        <T> T parse(JsonObject o, String name, java.util.function.Function<String, T> parse) {
            String s = string(o, name);
            try {
                return parse.apply(s);
            } catch (RuntimeException e) {
                throw refuse(where(o, name) + ": " + e.getMessage());
            }
        }
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
