package org.leafwalk.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A model folder written as a whole: its files are staged in a hidden folder, and only a run that succeeded puts them
 * in place, so the folder then holds the new model's files and nothing else (a stray file of another model cannot
 * take the new one over). A new folder is staged beside its place and renamed into it. An existing folder is
 * replaced only when asked ({@code force}) and only when everything in it is a model's file (what Leafwalk or a
 * Hugging Face export writes there: weights, configs, tokenizers, ONNX exports, a training record): Leafwalk never
 * deletes a file it does not know, so a folder with notes, a README, a git checkout or a data set in it is refused,
 * naming them. Its files are then exchanged inside it, one rename each (a mount point or a folder whose parent is
 * not writable works as well), and put back if an exchange fails. A run that fails before the commit leaves the
 * folder as it was; a commit that fails keeps what was staged under a visible name, so finished work is not lost.
 */
public final class StagedFolder implements AutoCloseable {
    /** The files a model folder holds (exact names), besides the kinds {@link #modelFile} accepts by extension. */
    private static final Set<String> MODEL_FILES = Set.of("config.json", "preprocessor_config.json",
            "training.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
            "vocab.json", "merges.txt", "sentencepiece.bpe.model", "spiece.model", "added_tokens.json",
            "generation_config.json", "modules.json", "sentence_bert_config.json", "config_sentence_transformers.json",
            "pytorch_model.bin", "model.safetensors.index.json");

    private final Path requested;
    private final String option;
    private final Path target;
    private final boolean existed;
    private Path staging;
    private boolean committed;

    private StagedFolder(Path requested, String option, Path target, boolean existed) {
        this.requested = requested;
        this.option = option;
        this.target = target;
        this.existed = existed;
    }

    /** Whether a file of that name is a model's (a weights file, an ONNX export, a config, a tokenizer). */
    static boolean modelFile(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return MODEL_FILES.contains(name) || n.endsWith(".safetensors") || n.endsWith(".onnx")
                || n.endsWith(".onnx_data");
    }

    /**
     * Checks that the folder {@code requested} may be written (a symlink to a folder: the folder it names, the link
     * stays) and starts writing it; nothing is made until {@link #path} is first asked for.
     *
     * @param option how the user named it, for messages ({@code --out})
     * @param force replace a model folder that is there already
     */
    public static StagedFolder begin(Path requested, String option, boolean force) {
        Path target = AtomicFiles.followLinks(AtomicFiles.resolve(requested), requested);
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new InvalidInputException(option + " " + requested + " is " + (Files.isRegularFile(target) ? "a file"
                    : AtomicFiles.kindOf(target)) + ", not a folder");
        }
        boolean existed = Files.isDirectory(target);
        StagedFolder f = new StagedFolder(requested, option, target, existed);
        if (existed) {
            f.replaceable(force);
        }
        return f;
    }

    /** The folder's entries, refused unless every one is a model's file and replacing them was asked for. */
    private List<Path> replaceable(boolean force) {
        List<Path> held = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> s = Files.list(target)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (AtomicFiles.isOwnTemporary(n)) {
                    continue; // this run's staging, or what a killed run left
                }
                held.add(p);
                if (!modelFile(n) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    foreign.add(n + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : ""));
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + target + ": " + AtomicFiles.describe(e), e);
        }
        if (!foreign.isEmpty()) {
            throw new InvalidInputException(option + " " + requested + " holds " + (held.size() == foreign.size()
                    ? "files" : "files besides a model's") + " Leafwalk does not write (" + list(foreign) + "): it "
                    + "replaces a model folder only as a whole and deletes no file it does not know; choose a new or "
                    + "empty folder");
        }
        if (!held.isEmpty() && !force) {
            List<String> names = held.stream().map(p -> p.getFileName().toString()).toList();
            throw new InvalidInputException(option + " " + requested + " already holds a model (" + list(names)
                    + "); choose another folder, or add --force to replace it as a whole");
        }
        return held;
    }

    private static String list(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(4, names.size()))) + (names.size() > 4 ? ", …" : "");
    }

    /** Where the folder's files are to be written (made when first asked for). */
    public Path path() {
        if (staging == null) {
            Path at = existed ? target : target.getParent();
            try {
                Files.createDirectories(at);
                AtomicFiles.removeStale(at);
                Path s = AtomicFiles.tempIn(at, "dir");
                Files.createDirectory(s);
                staging = s;
            } catch (IOException e) {
                throw new InvalidInputException("cannot write " + option + " " + requested + ": "
                        + AtomicFiles.describe(e), e);
            }
        }
        return staging;
    }

    /** The folder the staged files go to. */
    public Path target() {
        return target;
    }

    /** Puts the staged files in place of the folder's (whose old files are then deleted). */
    public void commit() {
        Path s = path();
        AtomicFiles.sync(s, true);
        try {
            if (existed) {
                exchange(s);
            } else {
                move(s, target);
                AtomicFiles.sync(target.getParent(), true);
            }
            committed = true;
        } catch (IOException | InvalidInputException e) {
            Path kept = keep(s);
            throw new InvalidInputException("cannot write " + option + " " + requested + ": " + (e instanceof
                    IOException io ? AtomicFiles.describe(io) : e.getMessage()) + "; " + (kept != null
                    ? "the new model is kept in " + kept : "the new model could not be kept") + " and "
                    + requested + " is as it was", e);
        }
    }

    /**
     * Exchanges the folder's files for the staged ones inside it: the old ones into a folder of their own, the new
     * ones up, the old ones deleted; put back if a rename fails.
     */
    private void exchange(Path s) throws IOException {
        List<Path> old = replaceable(true); // what is there now: a file that came meanwhile is refused as well
        Path aside = AtomicFiles.tempIn(target, "old");
        Files.createDirectory(aside);
        List<Path[]> done = new ArrayList<>(); // {from, to}, in order
        try {
            for (Path p : old) {
                Path to = aside.resolve(p.getFileName());
                move(p, to);
                done.add(new Path[] {p, to});
            }
            List<Path> fresh;
            try (Stream<Path> st = Files.list(s)) {
                fresh = st.toList();
            }
            for (Path p : fresh) {
                Path to = target.resolve(p.getFileName());
                move(p, to);
                done.add(new Path[] {p, to});
            }
        } catch (IOException e) {
            for (int i = done.size() - 1; i >= 0; i--) {
                try {
                    move(done.get(i)[1], done.get(i)[0]);
                } catch (IOException again) {
                    throw new InvalidInputException("cannot write " + requested + ": " + AtomicFiles.describe(e)
                            + ", and putting its files back failed: the old model's files are in " + aside, e);
                }
            }
            AtomicFiles.deleteTree(aside);
            throw e;
        }
        AtomicFiles.sync(target, true);
        AtomicFiles.deleteTree(aside);
        AtomicFiles.deleteTree(s);
    }

    /** The staged files under a visible name beside the folder, after a commit failed; null when that fails too. */
    private Path keep(Path s) {
        Path dir = existed ? target : target.getParent();
        Path kept = dir.resolve((existed ? "" : target.getFileName() + ".") + "leafwalk-new");
        for (int i = 2; Files.exists(kept, LinkOption.NOFOLLOW_LINKS); i++) {
            kept = dir.resolve((existed ? "" : target.getFileName() + ".") + "leafwalk-new-" + i);
        }
        try {
            move(s, kept);
            committed = true; // nothing for close() to delete
            return kept;
        } catch (IOException e) {
            return null;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** A folder never committed is removed with what was staged in it (a run that failed or was stopped). */
    @Override
    public void close() {
        if (!committed && staging != null) {
            AtomicFiles.deleteTree(staging);
        }
    }
}
