package org.leafwalk.explore.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.FileTransaction;
import org.leafwalk.io.InvalidInputException;

/**
 * The files one run reads and writes, checked before any work starts: every output is a regular file or a place for
 * one (paths resolved as the system does, symlinks followed), no output is one of the run's inputs or lies anywhere
 * inside an input folder (a model folder's sub-folders included), no two outputs are the same file, and no output is
 * a read-only file (unless {@link #force}). The outputs are staged in memory and written together when the run
 * succeeded ({@link #commit}: all or nothing, see {@link FileTransaction}); a run that failed or was interrupted
 * leaves the files it was asked to write as they were, and puts what it made beside them under a name that says so
 * ({@link #commitAside}).
 */
public final class OutputPlan {
    private record Input(String what, Path real, boolean folder) {}

    private record Output(String option, Path requested, Path target) {}

    /** The most entries of an input folder looked at for links that lead out of it. */
    private static final int MAX_FOLDER_ENTRIES = 100_000;

    private final List<Input> inputs = new ArrayList<>();
    private final Map<Path, Output> outputs = new LinkedHashMap<>();
    private final Map<Path, byte[]> staged = new LinkedHashMap<>();
    private boolean force;

    /** Replace read-only outputs too (the command's {@code --force}). */
    public OutputPlan force(boolean replaceReadOnly) {
        this.force = replaceReadOnly;
        return this;
    }

    /**
     * A file the run reads; a folder (a model) counts with everything inside it, sub-folders included, and with
     * the files its links lead to (a checkpoint cache's snapshot links its weights from elsewhere).
     */
    public OutputPlan input(String what, Path file) {
        if (file == null || !Files.exists(file)) {
            return this;
        }
        try {
            Path real = file.toRealPath();
            boolean folder = Files.isDirectory(real);
            inputs.add(new Input(what, real, folder));
            if (folder) {
                try (Stream<Path> s = Files.walk(real).limit(MAX_FOLDER_ENTRIES)) {
                    s.filter(Files::isSymbolicLink).forEach(f -> {
                        try {
                            Path to = f.toRealPath();
                            inputs.add(new Input(what + " file " + real.relativize(f), to, Files.isDirectory(to)));
                        } catch (IOException e) {
                            // a dangling link leads to nothing an output could destroy
                        }
                    });
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // an input that cannot be resolved is refused by whoever reads it, with its own message
        }
        return this;
    }

    /** Adds an output named by an option (null: not asked for); refuses a target that is not a regular file. */
    public OutputPlan output(String option, Path file) {
        if (file == null) {
            return this;
        }
        Path target = AtomicFiles.target(file);
        Path key = canonical(target);
        Output before = outputs.get(key);
        if (before != null) {
            throw new InvalidInputException(option + " " + file + " is the same file as " + before.option() + " "
                    + before.requested() + ": give each output its own file");
        }
        outputs.put(key, new Output(option, file, target));
        return this;
    }

    /** Checks every output against every input and that its folder can be made; call before any work starts. */
    public OutputPlan check() {
        for (Map.Entry<Path, Output> e : outputs.entrySet()) {
            Output o = e.getValue();
            for (Input in : inputs) {
                if (in.real().equals(e.getKey())) {
                    throw new InvalidInputException(o.option() + " " + o.requested() + " is the run's " + in.what()
                            + " (" + in.real() + "): writing it would destroy it; choose another file");
                }
                if (in.folder() && e.getKey().startsWith(in.real())) {
                    throw new InvalidInputException(o.option() + " " + o.requested() + " is inside the run's "
                            + in.what() + " (" + in.real() + "): everything a model folder holds is its input, and "
                            + "writing there would destroy it; choose a file outside it");
                }
            }
            Path existing = o.target().getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && !Files.isDirectory(existing)) {
                throw new InvalidInputException(o.option() + " " + o.requested() + ": " + existing
                        + " is not a folder");
            }
            if (existing != null && !Files.isWritable(existing)) {
                throw new InvalidInputException(o.option() + " " + o.requested() + ": cannot write in " + existing
                        + " (permission denied)");
            }
            if (!force && AtomicFiles.readOnly(o.target())) {
                throw new InvalidInputException(o.option() + " " + o.requested() + " is read-only: Leafwalk does not "
                        + "replace a read-only file (as the shell's > does not); make it writable (on the command line, --force replaces it)");
            }
        }
        return this;
    }

    /** Whether the requested file already exists (a file a failed run must keep). */
    public static boolean exists(Path requested) {
        return Files.exists(AtomicFiles.target(requested));
    }

    /**
     * Plans, checks and stages outputs made together (a folder of plots), each named by {@code option} and its file
     * name; nothing is written until {@link #commit}.
     */
    public OutputPlan stageChecked(String option, Map<Path, byte[]> files) {
        files.keySet().forEach(f -> output(option + " " + f.getFileName(), f));
        check();
        files.forEach(this::stage);
        return this;
    }

    /** Keeps the bytes of one output until the run ends. */
    public void stage(Path requested, byte[] bytes) {
        Path key = canonical(AtomicFiles.target(requested));
        if (!outputs.containsKey(key)) {
            throw new IllegalStateException(requested + " was not planned as an output");
        }
        staged.put(key, bytes);
    }

    public boolean hasStaged() {
        return !staged.isEmpty();
    }

    /**
     * The run succeeded: every staged output is written to its file, all or nothing (a failure part-way puts back
     * what was already replaced). Returns what was written, in order.
     */
    public List<Path> commit() {
        FileTransaction t = new FileTransaction().force(force);
        for (Map.Entry<Path, byte[]> e : staged.entrySet()) {
            t.add(outputs.get(e.getKey()).requested(), e.getValue());
        }
        staged.clear();
        return t.commit();
    }

    /**
     * The run did not finish: each staged output goes beside its file as NAME.MARK.EXT (a free name), and the files
     * that were asked for are left as they were. Returns (asked-for file, file written) pairs.
     */
    public List<Path[]> commitAside(String mark) {
        List<Path[]> written = new ArrayList<>();
        FileTransaction t = new FileTransaction();
        for (Map.Entry<Path, byte[]> e : staged.entrySet()) {
            Output o = outputs.get(e.getKey());
            Path aside = aside(o.target(), mark);
            t.add(aside, e.getValue());
            written.add(new Path[] {o.requested(), aside});
        }
        staged.clear();
        t.commit();
        return written;
    }

    /** walk.csv → walk.MARK.csv, walk.leafwalk.json → walk.MARK.leafwalk.json, the first of those that is free. */
    public static Path aside(Path target, String mark) {
        String name = target.getFileName().toString();
        String ext;
        if (name.endsWith(".leafwalk.json")) {
            ext = ".leafwalk.json";
        } else {
            int dot = name.lastIndexOf('.');
            ext = dot > 0 ? name.substring(dot) : "";
        }
        String stem = name.substring(0, name.length() - ext.length());
        Path p = target.resolveSibling(stem + "." + mark + ext);
        for (int i = 2; Files.exists(p) || Files.isSymbolicLink(p); i++) {
            p = target.resolveSibling(stem + "." + mark + "-" + i + ext);
        }
        return p;
    }

    private static Path canonical(Path target) {
        try {
            if (Files.exists(target)) {
                return target.toRealPath();
            }
            Path parent = target.getParent();
            if (parent != null && Files.exists(parent)) {
                return parent.toRealPath().resolve(target.getFileName());
            }
        } catch (IOException e) {
            // fall back to the normalised path
        }
        return target;
    }
}
