package org.leafwalk.explore;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;

/**
 * Resolves what a user types for a model or an input: {@code default} (the shipped MNIST ViT), {@code fashion}
 * (the shipped Fashion-MNIST ViT) or a folder; {@code sample:N} (the N-th shipped sample of the model's data set)
 * or a file. The shipped assets are found under the Leafwalk home: the {@code leafwalk.home} property, the
 * LEAFWALK_HOME variable, the folder above the jar's, or the working folder.
 */
public final class References {
    public static final String DEFAULT_MODEL = "default";

    private References() {}

    public static Path home() {
        String prop = System.getProperty("leafwalk.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("LEAFWALK_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try {
            Path code = Path.of(References.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code.toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("assets/models"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the working folder
        }
        return Path.of("").toAbsolutePath();
    }

    public static Path assets() {
        return home().resolve("assets");
    }

    public static Path model(String ref) {
        return switch (ref) {
            case DEFAULT_MODEL, "mnist" -> shipped("mnist-vit");
            case "fashion", "fashion-mnist" -> shipped("fashion-mnist-vit");
            default -> Path.of(ref);
        };
    }

    private static Path shipped(String name) {
        Path p = assets().resolve("models").resolve(name);
        if (!Files.isDirectory(p)) {
            throw new InvalidInputException("the shipped model " + name + " is not at " + p
                    + " (set leafwalk.home or LEAFWALK_HOME to the folder that holds assets/)");
        }
        return p;
    }

    /** The shipped samples of a model's data set, sorted by file name. */
    public static List<Path> samples(Path modelDir) {
        Path dir = assets().resolve("samples").resolve("mnist");
        Path record = modelDir.resolve("training.json");
        if (Files.isRegularFile(record)) {
            JsonObject o = JsonFiles.readObject(record);
            if (o.has("samples")) {
                dir = modelDir.resolve(o.get("samples").getAsString()).normalize();
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("no samples folder at " + dir);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException(dir + ": cannot list samples (" + e.getMessage() + ")", e);
        }
    }

    public static Path input(String ref, Path modelDir) {
        if (!ref.startsWith("sample:")) {
            return Path.of(ref);
        }
        List<Path> all = samples(modelDir);
        int n;
        try {
            n = Integer.parseInt(ref.substring("sample:".length()).trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("'" + ref + "': write sample:N with N from 0 to " + (all.size() - 1));
        }
        if (n < 0 || n >= all.size()) {
            throw new InvalidInputException("'" + ref + "': there are " + all.size() + " samples, sample:0 to sample:"
                    + (all.size() - 1));
        }
        return all.get(n);
    }
}
