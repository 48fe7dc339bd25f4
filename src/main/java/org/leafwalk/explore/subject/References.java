package org.leafwalk.explore.subject;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.leafwalk.io.InputFiles;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;

/**
 * Resolves what a user types for a model or an input: {@code default} (the shipped MNIST ViT), {@code fashion}
 * (the shipped Fashion-MNIST ViT), {@code minilm} (the embedded all-MiniLM-L6-v2 text model) or a folder;
 * {@code sample:N} (the N-th shipped sample of the model's data set), a file, or {@code text:...} (a sentence). The shipped assets are found under the Leafwalk home: the {@code leafwalk.home} property, the
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
            case "mnist-paper" -> shipped("mnist-paper");
            case org.leafwalk.model.EmbeddedTextModel.REFERENCE, "all-minilm-l6-v2" ->
                    org.leafwalk.model.EmbeddedTextModel.folder();
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
    /** Whether the model's folder names samples of its own (else {@link #samples} falls back to MNIST's). */
    public static boolean ownSamples(Path modelDir) {
        Path record = modelDir.resolve("training.json");
        return Files.isRegularFile(record) && JsonFiles.readObject(record).has("samples");
    }

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

    /** Whether a model folder holds a text model (a BERT-family config or an ONNX export). */
    public static boolean isTextModel(Path dir) {
        return org.leafwalk.model.TextModel.isTextModel(dir);
    }

    /** Example sentences offered beside a text model. */
    public static List<String> sampleSentences() {
        return List.of("I loved this movie, the acting was wonderful!",
                "The service was slow and the food arrived cold.",
                "The team won the championship after a dramatic final.",
                "Parliament passed the new budget on Tuesday.",
                "The capital of France is [MASK].",
                "Researchers found a new way to store energy in batteries.");
    }

    /** A sentence: {@code text:...} itself, or the contents of a text file. */
    public static String text(String ref) {
        if (ref.startsWith("text:")) {
            return ref.substring("text:".length());
        }
        Path p = Path.of(ref);
        if (!Files.exists(p)) {
            throw new InvalidInputException("'" + ref + "': a text model reads a sentence: write --input text:\"...\" "
                    + "or give a .txt file");
        }
        return InputFiles.readUtf8(p, "sentence file", MAX_SENTENCE_FILE).strip();
    }

    /** A sentence file larger than this holds no sentence a text model reads (they take at most 64 tokens). */
    private static final long MAX_SENTENCE_FILE = 1L << 20;

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
