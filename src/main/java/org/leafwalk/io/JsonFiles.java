package org.leafwalk.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON documents in and out, with errors that name the file. */
public final class JsonFiles {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping()
            .setPrettyPrinting().create();

    /** Larger JSON than this is no config or session Leafwalk wrote or reads. */
    private static final long MAX_BYTES = 512L << 20;

    private JsonFiles() {}

    public static JsonObject readObject(Path file) {
        String text = InputFiles.readUtf8(file, "JSON file", MAX_BYTES);
        try {
            return JsonParser.parseString(text).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new InvalidInputException(file + ": not a valid JSON object", e);
        }
    }

    /**
     * The value as JSON that every parser reads: a NaN or an infinity (which JSON has no word for) is written as
     * null, and a top-level object says where in its {@code notes}.
     */
    public static String toJson(Object value) {
        JsonElement tree = value instanceof JsonElement e ? e.deepCopy() : GSON.toJsonTree(value);
        List<String> where = new ArrayList<>();
        tree = finite(tree, "", where);
        if (!where.isEmpty() && tree.isJsonObject()) {
            JsonObject o = tree.getAsJsonObject();
            JsonArray notes = o.has("notes") && o.get("notes").isJsonArray() ? o.getAsJsonArray("notes")
                    : new JsonArray();
            notes.add("non-finite numbers (NaN or infinity) written as null: " + String.join(", ",
                    where.subList(0, Math.min(5, where.size()))) + (where.size() > 5 ? " and " + (where.size() - 5)
                    + " more" : ""));
            o.add("notes", notes);
        }
        return GSON.toJson(tree);
    }

    private static JsonElement finite(JsonElement e, String path, List<String> where) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double v = e.getAsDouble();
            if (!Double.isFinite(v)) {
                where.add(path.isEmpty() ? "the value" : path);
                return JsonNull.INSTANCE;
            }
            return e;
        }
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                a.set(i, finite(a.get(i), path + "[" + i + "]", where));
            }
        } else if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                m.setValue(finite(m.getValue(), path.isEmpty() ? m.getKey() : path + "." + m.getKey(), where));
            }
        }
        return e;
    }

    /** A number that may have been written as null (non-finite): NaN then. */
    public static double number(JsonElement e) {
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    public static void write(Path file, Object value) {
        AtomicFiles.writeString(file, toJson(value) + "\n");
    }
}
