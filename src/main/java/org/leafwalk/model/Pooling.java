package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;

/**
 * How a sentence-embedding model pools its last hidden state into one vector, as sentence-transformers'
 * {@code 1_Pooling/config.json} says: the [CLS] row, the mean over the tokens, or their maximum per coordinate.
 */
public enum Pooling {
    CLS,
    MEAN,
    MAX;

    /** The file of a sentence-transformers folder that names its pooling. */
    public static final String CONFIG = "1_Pooling/config.json";

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Pooling parse(String s) {
        for (Pooling p : values()) {
            if (p.id().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new InvalidInputException("unknown pooling '" + s + "' (cls, mean, max)");
    }

    /** The pooled rows (B, d) of a hidden state (B, T, d) whose every token is real (no padding). */
    public NDArray apply(NDArray hidden) {
        return switch (this) {
            case CLS -> hidden.get(":, 0, :");
            case MEAN -> hidden.mean(new int[] {1});
            case MAX -> hidden.max(new int[] {1});
        };
    }

    /**
     * The pooling a model folder names in {@link #CONFIG}, or null when it has none. One mode must be set: a
     * combination (sentence-transformers concatenates them) or none is refused, naming the file and the fields.
     */
    static Pooling ofFolder(Path dir) {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonObject o = JsonFiles.readObject(file);
        List<Pooling> set = new ArrayList<>();
        String[][] modes = {{"pooling_mode_cls_token", "CLS"}, {"pooling_mode_mean_tokens", "MEAN"},
                {"pooling_mode_max_tokens", "MAX"}};
        for (String[] m : modes) {
            if (o.has(m[0]) && truth(o.get(m[0]), file, m[0])) {
                set.add(valueOf(m[1]));
            }
        }
        for (String other : List.of("pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens",
                "pooling_mode_lasttoken")) {
            if (o.has(other) && truth(o.get(other), file, other)) {
                throw new InvalidInputException(file + ": " + other + " is not supported (Leafwalk pools by "
                        + "pooling_mode_cls_token, pooling_mode_mean_tokens or pooling_mode_max_tokens)");
            }
        }
        if (set.size() != 1) {
            throw new InvalidInputException(file + ": " + (set.isEmpty() ? "no pooling mode is set"
                    : "pooling modes " + set + " are set together (their concatenation is not supported)")
                    + "; set exactly one of pooling_mode_cls_token, pooling_mode_mean_tokens, "
                    + "pooling_mode_max_tokens");
        }
        return set.get(0);
    }

    private static boolean truth(JsonElement e, Path file, String field) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new InvalidInputException(file + ": " + field + " must be true or false");
        }
        return e.getAsBoolean();
    }
}
