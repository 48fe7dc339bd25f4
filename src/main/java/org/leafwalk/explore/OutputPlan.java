package org.leafwalk.explore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.InvalidInputException;

/**
 * The files one run reads and writes, checked before any work starts: every output is a regular file or a place for
 * one (symlinks followed), no output is one of the run's inputs, and no two outputs are the same file. The outputs
 * are staged in memory and written together when the run succeeded ({@link #commit}); a run that failed or was
 * interrupted leaves the files it was asked to write as they were, and puts what it made beside them under a name
 * that says so ({@link #commitAside}).
 */
public final class OutputPlan {
    private record Input(String what, Path real) {}

    private record Output(String option, Path requested, Path target) {}

    private final List<Input> inputs = new ArrayList<>();
    private final Map<Path, Output> outputs = new LinkedHashMap<>();
    private final Map<Path, byte[]> staged = new LinkedHashMap<>();

    /** A file the run reads; a folder (a model) counts with every file directly in it. */
    public OutputPlan input(String what, Path file) {
        if (file == null || !Files.exists(file)) {
            return this;
        }
        try {
            Path real = file.toRealPath();
            inputs.add(new Input(what, real));
            if (Files.isDirectory(real)) {
                try (Stream<Path> s = Files.list(real)) {
                    s.filter(Files::isRegularFile).forEach(f -> {
                        try {
                            inputs.add(new Input(what + " file " + f.getFileName(), f.toRealPath()));
                        } catch (IOException e) {
                            // a file that cannot be resolved cannot be the same as an output that can
                        }
                    });
                }
            }
        } catch (IOException e) {
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
            }
            for (Input in : inputs) {
                if (Files.isDirectory(in.real()) && e.getKey().startsWith(in.real())
                        && e.getKey().getParent().equals(in.real()) && isModelFile(e.getKey())) {
                    throw new InvalidInputException(o.option() + " " + o.requested() + " would become a file of the "
                            + "run's " + in.what() + " (" + in.real() + "); choose another file");
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
        }
        return this;
    }

    private static boolean isModelFile(Path p) {
        String n = p.getFileName().toString();
        return n.equals("config.json") || n.endsWith(".safetensors") || n.endsWith(".onnx")
                || n.equals("preprocessor_config.json") || n.equals("tokenizer.json") || n.equals("training.json");
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

    /** The run succeeded: every staged output is written to its file. Returns what was written, in order. */
    public List<Path> commit() {
        List<Path> written = new ArrayList<>();
        for (Map.Entry<Path, byte[]> e : staged.entrySet()) {
            Output o = outputs.get(e.getKey());
            AtomicFiles.write(o.requested(), e.getValue());
            written.add(o.requested());
        }
        staged.clear();
        return written;
    }

    /**
     * The run did not finish: each staged output goes beside its file as NAME.MARK.EXT (a free name), and the files
     * that were asked for are left as they were. Returns (asked-for file, file written) pairs.
     */
    public List<Path[]> commitAside(String mark) {
        List<Path[]> written = new ArrayList<>();
        for (Map.Entry<Path, byte[]> e : staged.entrySet()) {
            Output o = outputs.get(e.getKey());
            Path aside = aside(o.target(), mark);
            AtomicFiles.write(aside, e.getValue());
            written.add(new Path[] {o.requested(), aside});
        }
        staged.clear();
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
