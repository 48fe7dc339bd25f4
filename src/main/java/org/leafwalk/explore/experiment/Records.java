package org.leafwalk.explore.experiment;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.io.Sha256;

/**
 * The finished runs of an experiment, one record each in {@code runs/ID.json}: written through no link (a link
 * planted where a record belongs is refused by name), and read back only when the record is this run's. A record
 * names its run and the experiment it belongs to (the hash of what identifies it: protocol, weights, inputs,
 * settings), and carries the SHA-256 of its contents, so a record edited by hand, made by another experiment, copied
 * or linked from another run's file, or left empty, is refused by name instead of being counted. The checksum is
 * not keyed: it catches a record changed by accident or by hand, not one forged on purpose.
 */
final class Records {
    static final String FOLDER = "runs";
    private static final Gson GSON = new Gson();

    private final Path out;
    private final String experiment;

    /** @param manifest what identifies the experiment (its experiment.json) */
    Records(Path out, Map<String, Object> manifest) {
        this.out = out;
        JsonObject id = GSON.toJsonTree(manifest).getAsJsonObject();
        // where the model and the data were read from does not change the results; what they hold does
        id.remove("model_folder");
        id.remove("data");
        id.remove("model");
        this.experiment = Sha256.of(GSON.toJson(id));
    }

    private Path file(Protocol.Run run) {
        return out.resolve(FOLDER).resolve(run.id() + ".json");
    }

    /**
     * Writes a finished run's record and returns it as read back.
     *
     * @param result what the run measured
     */
    Map<String, Object> write(Protocol.Run run, Map<String, Object> result) {
        result.put("run", run.id());
        result.put("experiment", experiment);
        JsonObject body = JsonParser.parseString(JsonFiles.toJson(result)).getAsJsonObject();
        body.remove("checksum");
        body.addProperty("checksum", checksum(body));
        String text = JsonFiles.toJson(body) + "\n";
        AtomicFiles.writeOwned(out, FOLDER + "/" + run.id() + ".json", text.getBytes(StandardCharsets.UTF_8));
        return asMap(body);
    }

    /**
     * The record of a run that finished earlier, or null when it has none yet.
     *
     * @throws InvalidInputException when something is there that is not this run's record
     */
    Map<String, Object> read(Protocol.Run run) {
        Path f = file(run);
        String name = FOLDER + "/" + run.id() + ".json";
        if (Files.isSymbolicLink(f)) {
            throw refused(f, "is a symbolic link; a run's record is a file of its own");
        }
        AtomicFiles.owned(out, name); // no link on the way to it either (runs/ itself a link to elsewhere)
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw refused(f, "is " + AtomicFiles.kindOf(f) + ", not a run's record");
        }
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw refused(f, "is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException i) {
                throw i;
            }
            throw refused(f, "cannot be read as JSON (" + e.getMessage() + ")");
        }
        if (!o.has("checksum") || !o.get("checksum").isJsonPrimitive()) {
            throw refused(f, "has no checksum, so it was not written by this experiment");
        }
        String said = o.get("checksum").getAsString();
        JsonObject body = o.deepCopy();
        body.remove("checksum");
        if (!said.equals(checksum(body))) {
            throw refused(f, "does not match its checksum: it was changed after the run wrote it");
        }
        if (!o.has("run") || !run.id().equals(o.get("run").getAsString())) {
            throw refused(f, "is the record of run " + (o.has("run") ? o.get("run") : "(none)") + ", not of " + name);
        }
        if (!o.has("experiment") || !experiment.equals(o.get("experiment").getAsString())) {
            throw refused(f, "belongs to another experiment (other weights, inputs or settings)");
        }
        return asMap(o);
    }

    private static InvalidInputException refused(Path f, String why) {
        return new InvalidInputException(f + " " + why + ": Leafwalk counts only the records its runs wrote; "
                + "delete the file to run that run again");
    }

    private static Map<String, Object> asMap(JsonObject o) {
        return GSON.fromJson(o, new TypeToken<Map<String, Object>>() {}.getType());
    }

    /** The SHA-256 of a record's contents in a form reading keeps (Gson keeps numbers as written, and key order). */
    private static String checksum(JsonObject body) {
        return Sha256.of(GSON.toJson(body));
    }

    /** What the inputs are: every name, label and pixel, in order. */
    static String inputsHash(List<Inputs.Item> inputs) {
        MessageDigest d = Sha256.digest();
        for (Inputs.Item it : inputs) {
            d.update(it.name().getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(4 + 8 * it.pixels().length);
            b.putInt(it.label());
            for (double v : it.pixels()) {
                b.putDouble(v);
            }
            d.update(b.array());
        }
        return Sha256.hex(d);
    }
}
