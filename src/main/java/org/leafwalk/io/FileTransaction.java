package org.leafwalk.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Several files written as one: every file is first staged whole beside its target (written and flushed to disk
 * under a temporary name), and only when all of them are ready are they moved into place, each by an atomic rename.
 * A staging that fails (a full disk, a folder that cannot be written) replaces nothing; a rename that fails part-way
 * puts back the files already replaced (each replaced file is kept as a hard link until the last rename succeeded).
 * A read-only target is refused unless {@link #force} was asked for. Used once: {@link #commit} ends it.
 */
public final class FileTransaction {
    private record Entry(Path requested, Path target, byte[] bytes) {}

    private final Map<Path, Entry> entries = new LinkedHashMap<>();
    private boolean force;
    private boolean ownerOnly;

    /** Replace read-only files too (a command's {@code --force}). */
    public FileTransaction force(boolean replaceReadOnly) {
        this.force = replaceReadOnly;
        return this;
    }

    /** New and replaced files readable and writable by their owner only (a secret: a server's token). */
    public FileTransaction ownerOnly() {
        this.ownerOnly = true;
        return this;
    }

    /** A file at a user's path (symlinks followed, see {@link AtomicFiles#target}). */
    public FileTransaction add(Path requested, byte[] bytes) {
        Path target = AtomicFiles.target(requested);
        return put(requested, target, bytes);
    }

    /** A file Leafwalk keeps for itself, {@code folder}/{@code name}, through no link (see {@link AtomicFiles#writeOwned}). */
    public FileTransaction addOwned(Path folder, String name, byte[] bytes) {
        Path target = AtomicFiles.owned(folder, name);
        return put(folder.resolve(name), target, bytes);
    }

    private FileTransaction put(Path requested, Path target, byte[] bytes) {
        Entry before = entries.put(target, new Entry(requested, target, bytes));
        if (before != null) {
            throw new InvalidInputException(requested + " and " + before.requested() + " are the same file (one is a "
                    + "link to the other): give each output its own file");
        }
        return this;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Writes every file, all or nothing. Returns the paths as they were asked for, in order.
     *
     * @throws InvalidInputException naming the file that could not be written; nothing was replaced then
     */
    public List<Path> commit() {
        List<Entry> list = new ArrayList<>(entries.values());
        entries.clear();
        for (Entry e : list) {
            if (!force && AtomicFiles.readOnly(e.target())) {
                throw new InvalidInputException(e.requested() + " is read-only"
                        + (e.target().equals(e.requested().toAbsolutePath().normalize()) ? "" : " (" + e.target() + ")")
                        + ": Leafwalk does not replace a read-only file (as the shell's > does not); make it writable (on "
                        + "the command line, --force replaces it)");
            }
        }
        Map<Entry, Path> staged = new LinkedHashMap<>();
        Set<Path> madeFolders = new LinkedHashSet<>();
        try {
            for (Entry e : list) {
                staged.put(e, stage(e, madeFolders));
            }
        } catch (InvalidInputException failure) {
            staged.values().forEach(AtomicFiles::deleteTree);
            removeFolders(madeFolders);
            throw failure;
        }
        List<Path[]> replaced = new ArrayList<>(); // {target, backup or null when the file is new}
        for (Map.Entry<Entry, Path> s : staged.entrySet()) {
            Entry e = s.getKey();
            Path backup = null;
            try {
                if (Files.exists(e.target(), LinkOption.NOFOLLOW_LINKS)) {
                    backup = keep(e.target());
                }
                move(s.getValue(), e.target());
                replaced.add(new Path[] {e.target(), backup});
            } catch (IOException failure) {
                if (backup != null) {
                    AtomicFiles.deleteTree(backup);
                }
                List<Path> kept = new ArrayList<>();
                List<Path> back = rollBack(replaced, kept);
                staged.values().forEach(AtomicFiles::deleteTree);
                removeFolders(madeFolders);
                throw new InvalidInputException("cannot write " + e.requested() + ": " + AtomicFiles.describe(failure)
                        + (back.isEmpty() ? "" : "; the files it had replaced were put back: " + back)
                        + (kept.isEmpty() ? "" : "; these could not be put back, their old contents are in " + kept),
                        failure);
            }
        }
        Set<Path> folders = new LinkedHashSet<>();
        for (Entry e : list) {
            folders.add(e.target().getParent());
        }
        folders.forEach(f -> AtomicFiles.sync(f, true));
        for (Path[] r : replaced) {
            if (r[1] != null) {
                AtomicFiles.deleteTree(r[1]);
            }
        }
        List<Path> written = new ArrayList<>();
        for (Entry e : list) {
            written.add(e.requested());
        }
        return written;
    }

    /** Writes one file's bytes to a temporary sibling of its target, flushed to the disk. */
    private Path stage(Entry e, Set<Path> madeFolders) {
        Path dir = e.target().getParent();
        Path tmp = null;
        try {
            makeFolders(dir, madeFolders);
            AtomicFiles.removeStale(dir);
            tmp = AtomicFiles.tempIn(dir, "tmp");
            // owner-only while it is written: the contents of a private file are never readable by others
            createOwnerOnly(tmp);
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(e.bytes());
            }
            AtomicFiles.sync(tmp, false);
            keepPermissions(e.target(), tmp);
            return tmp;
        } catch (IOException failure) {
            if (tmp != null) {
                AtomicFiles.deleteTree(tmp);
            }
            throw new InvalidInputException("cannot write " + e.requested() + ": " + AtomicFiles.describe(failure),
                    failure);
        }
    }

    private static void makeFolders(Path dir, Set<Path> made) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p);
            made.add(p);
        }
    }

    private static void removeFolders(Set<Path> made) {
        List<Path> list = new ArrayList<>(made);
        for (int i = list.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(list.get(i));
            } catch (IOException e) {
                // not empty (something else was written there meanwhile): it stays
            }
        }
    }

    /** A second name for the file about to be replaced, so it can be put back (kept if the process dies). */
    private static Path keep(Path target) throws IOException {
        Path backup = AtomicFiles.tempIn(target.getParent(), "bak");
        try {
            Files.createLink(backup, target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            // no hard links here: a copy serves
            Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES);
        }
        return backup;
    }

    private static void createOwnerOnly(Path tmp) throws IOException {
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Puts back what a failed commit replaced, newest first; returns the files put back or removed, and adds to
     * {@code kept} the backups that could not be put back (they stay, under their name, for the user).
     */
    private static List<Path> rollBack(List<Path[]> replaced, List<Path> kept) {
        List<Path> back = new ArrayList<>();
        for (int i = replaced.size() - 1; i >= 0; i--) {
            Path target = replaced.get(i)[0];
            Path backup = replaced.get(i)[1];
            try {
                if (backup != null) {
                    move(backup, target);
                } else {
                    Files.deleteIfExists(target);
                }
                back.add(target);
            } catch (IOException e) {
                if (backup != null) {
                    kept.add(backup);
                }
            }
        }
        return back;
    }

    /**
     * Temporary files are created owner-only: a replaced file keeps the permissions it had, and a new one gets what
     * the user's umask gives a new file.
     */
    private void keepPermissions(Path target, Path tmp) throws IOException {
        if (ownerOnly) {
            return; // the temporary is owner-only already, and the file stays so
        }
        try {
            Set<PosixFilePermission> perms = Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                    ? Files.readAttributes(target, PosixFileAttributes.class).permissions()
                    : PosixFilePermissions.fromString(newFileMode());
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }

    /** rw-rw-rw- less this process's umask (read from /proc/self/status; 022 where it cannot be). */
    private static String newFileMode() {
        int umask = 022;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    umask = Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep the usual 022
        }
        int mode = 0666 & ~umask;
        StringBuilder b = new StringBuilder();
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            b.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return b.toString();
    }
}
