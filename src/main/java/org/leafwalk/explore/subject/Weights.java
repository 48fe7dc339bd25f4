package org.leafwalk.explore.subject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.leafwalk.io.Sha256;

/**
 * What names a model folder's weights in sessions, exports and run records: the SHA-256 of model.safetensors, else
 * of model.onnx, hashed once per file version.
 */
public final class Weights {
    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();
    private static final AtomicLong HASHED = new AtomicLong();

    private Weights() {}

    /** SHA-256 of a model folder's weights: model.safetensors, else model.onnx ("" when the folder or file is gone). */
    public static String sha256(Path modelDir) {
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
        String digest;
        try {
            digest = Sha256.of(f);
        } catch (IOException e) {
            digest = "";
        }
        HASHED.incrementAndGet();
        if (!digest.isEmpty()) {
            HASHES.put(key, digest);
        }
        return digest;
    }

    /** How many times a weights file has been read and hashed (the rest were answered from the cache). */
    public static long filesHashed() {
        return HASHED.get();
    }
}
