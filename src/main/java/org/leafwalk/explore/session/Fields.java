package org.leafwalk.explore.session;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.leafwalk.io.InvalidInputException;

/** A session's fields, read with refusals that name the field ({@code model.path}, {@code steps[3].step}). */
final class Fields {
    private final String file;
    private final Map<JsonElement, String> paths = new java.util.IdentityHashMap<>();

    Fields(String file) {
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