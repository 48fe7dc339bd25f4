package org.leafwalk.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder written as a whole (a model folder): everything goes into a hidden staging folder beside it, and only a
 * run that succeeded puts it in place, replacing what the folder held before by a rename, so the new folder holds
 * the new files and nothing else (a stray file of another model cannot take the new one over). A run that fails or
 * is killed leaves the old folder as it was; what a killed one staged is removed by the next run that writes beside
 * it. A folder that already holds files is replaced only when asked ({@code force}) and only when it is a model
 * folder (it holds a config.json, weights or an ONNX export): Leafwalk never deletes a folder of other files.
 */
public final class StagedFolder implements AutoCloseable {
    /** Files that make a folder a model's (or a dataset's samples of one). */
    private static final List<String> MODEL_MARKS = List.of("config.json", "model.safetensors", "pytorch_model.bin",
            "preprocessor_config.json", "tokenizer.json", "training.json");

    private final Path requested;
    private final Path target;
    private final Path staging;
    private boolean committed;

    private StagedFolder(Path requested, Path target, Path staging) {
        this.requested = requested;
        this.target = target;
        this.staging = staging;
    }

    /**
     * Starts writing the folder {@code requested} (a symlink to a folder: the folder it names, the link stays).
     *
     * @param option how the user named it, for messages ({@code --out})
     * @param force replace a model folder that is there already
     */
    public static StagedFolder begin(Path requested, String option, boolean force) {
        Path target = AtomicFiles.resolve(requested);
        for (int hops = 0; Files.isSymbolicLink(target); hops++) {
            if (hops == 40) {
                throw new InvalidInputException(option + " " + requested + ": too many levels of symbolic links");
            }
            try {
                Path link = Files.readSymbolicLink(target);
                target = AtomicFiles.resolve(target.getParent().resolve(link));
            } catch (IOException e) {
                throw new InvalidInputException(option + " " + requested + ": cannot follow the symbolic link ("
                        + AtomicFiles.describe(e) + ")", e);
            }
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new InvalidInputException(option + " " + requested + " is " + (Files.isRegularFile(target) ? "a file"
                    : AtomicFiles.kindOf(target)) + ", not a folder");
        }
        if (Files.isDirectory(target)) {
            List<String> held = entries(target);
            if (!held.isEmpty()) {
                boolean model = held.stream().anyMatch(n -> MODEL_MARKS.contains(n) || n.endsWith(".onnx")
                        || n.endsWith(".safetensors"));
                if (!model) {
                    throw new InvalidInputException(option + " " + requested + " holds files that are not a model's ("
                            + String.join(", ", held.subList(0, Math.min(3, held.size())))
                            + (held.size() > 3 ? ", …" : "") + "): Leafwalk replaces only a model folder as a whole; "
                            + "choose a new or empty folder");
                }
                if (!force) {
                    throw new InvalidInputException(option + " " + requested + " already holds a model ("
                            + String.join(", ", held.subList(0, Math.min(3, held.size()))) + (held.size() > 3 ? ", …"
                            : "") + "); choose another folder, or add --force to replace it as a whole");
                }
            }
        }
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
            AtomicFiles.removeStale(parent);
            Path staging = AtomicFiles.tempIn(parent, "dir");
            Files.createDirectory(staging);
            return new StagedFolder(requested, target, staging);
        } catch (IOException e) {
            throw new InvalidInputException("cannot write " + option + " " + requested + ": "
                    + AtomicFiles.describe(e), e);
        }
    }

    private static List<String> entries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + dir + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** Where the folder's files are to be written. */
    public Path path() {
        return staging;
    }

    /** The folder the staged one becomes. */
    public Path target() {
        return target;
    }

    /** Puts the staged folder in place of the target (whose old contents are then deleted). */
    public void commit() {
        Path old = null;
        try {
            AtomicFiles.sync(staging, true);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                old = AtomicFiles.tempIn(target.getParent(), "old");
                move(target, old);
            }
            try {
                move(staging, target);
            } catch (IOException e) {
                if (old != null) {
                    move(old, target);
                    old = null;
                }
                throw e;
            }
            AtomicFiles.sync(target.getParent(), true);
            committed = true;
        } catch (IOException e) {
            throw new InvalidInputException("cannot write " + requested + ": " + AtomicFiles.describe(e)
                    + (Files.isDirectory(target) ? "; it is as it was" : ""), e);
        }
        if (old != null) {
            AtomicFiles.deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** A folder that was not committed is removed with what was staged in it. */
    @Override
    public void close() {
        if (!committed) {
            AtomicFiles.deleteTree(staging);
        }
    }
}
