package org.leafwalk.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one safe writer: every file Leafwalk writes goes through here. A file is written to a temporary sibling,
 * flushed to disk, and moved into place only when it is whole ({@link FileTransaction} does it for several files at
 * once, all or nothing). Paths are resolved as the operating system resolves them ({@link PathResolution}: a
 * symlink at any component is followed before a {@code ..} after it). A write to a user's path lands on the file a
 * symlink names (the link stays a link), and only ever on a regular file: a device, a FIFO, a socket or a folder is
 * refused before anything is written. Files Leafwalk keeps for itself (run records, caches) are written with {@link #writeOwned}, which follows
 * no link at all.
 */
public final class AtomicFiles {
    /**
     * Temporary names: short (an output's own name may be 255 bytes long) and marked with the host and the process
     * that writes them: {@code .leafwalk-HOST-PID-RANDOM.SUFFIX}.
     */
    static final String TEMP_PREFIX = ".leafwalk-";

    private static final Pattern TEMP = Pattern.compile("\\.leafwalk-([A-Za-z0-9]{1,16})-(\\d+)-[0-9a-f]+\\."
            + "(tmp|bak|dir|old)");

    static final String HOST = host();

    private AtomicFiles() {}

    /**
     * The absolute path the operating system names by {@code requested}, each symlink followed where it stands;
     * the last component is left as it is (see {@link PathResolution#resolve}).
     */
    public static Path resolve(Path requested) {
        return PathResolution.resolve(requested);
    }

    /**
     * The file a write to {@code requested} changes: the path resolved as the system does, a symlink at its end
     * followed to the file it names (a dangling one to the file it would name). Refuses what is not a regular file
     * or a place for a new one.
     */
    public static Path target(Path requested) {
        Path p = PathResolution.followLinks(resolve(requested), requested);
        String kind = kindOf(p);
        if (kind != null) {
            throw new InvalidInputException(requested + (p.equals(requested.toAbsolutePath().normalize()) ? ""
                    : " (that is " + p + ")") + " is " + kind + ", not a regular file: Leafwalk writes only "
                    + "regular files");
        }
        Path parent = p.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent != null && !Files.isDirectory(parent)) {
            throw new InvalidInputException(requested + ": " + parent + " is not a folder");
        }
        return p;
    }

    /** {@code p} with a symlink at its end followed to what it names (see {@link PathResolution#followLinks}). */
    static Path followLinks(Path p, Path requested) {
        return PathResolution.followLinks(p, requested);
    }

    /** What a path is when it exists and is not a regular file ("a folder", "a FIFO", ...); null otherwise. */
    public static String kindOf(Path p) {
        if (!Files.exists(p)) {
            return null;
        }
        if (Files.isRegularFile(p)) {
            return null;
        }
        if (Files.isDirectory(p)) {
            return "a folder";
        }
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            return switch (mode & 0170000) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a device or other special file";
        }
    }

    /**
     * Whether a file exists that its permissions say is not to be written: no write permission for this user, or
     * (for root, whom the system lets write anything) no write permission for anyone. The shell's {@code >} refuses
     * the first; Leafwalk refuses both unless told to replace it.
     */
    public static boolean readOnly(Path target) {
        if (!Files.isRegularFile(target)) {
            return false;
        }
        if (!Files.isWritable(target)) {
            return true;
        }
        try {
            int mode = (Integer) Files.getAttribute(target, "unix:mode");
            return (mode & 0222) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    /** Writes one file, whole or not at all (a read-only file is refused). */
    public static void write(Path requested, byte[] bytes) {
        new FileTransaction().add(requested, bytes).commit();
    }

    public static void writeString(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a file Leafwalk keeps for itself ({@code folder}/{@code name}: a run record, a cache, a manifest), whole
     * or not at all. Nothing there is followed: a symlink, or anything but a regular file, at the file's place or at
     * any folder between {@code folder} and it is refused by name, so a link planted where a record belongs cannot
     * send the write elsewhere.
     */
    public static void writeOwned(Path folder, String name, byte[] bytes) {
        new FileTransaction().addOwned(folder, name, bytes).commit();
    }

    /** {@link #writeOwned}, readable and writable by its owner only (a secret). */
    public static void writeOwnedPrivate(Path folder, String name, byte[] bytes) {
        new FileTransaction().ownerOnly().addOwned(folder, name, bytes).commit();
    }

    /** The path of an owned file, refused when anything on the way from {@code folder} is a link. */
    public static Path owned(Path folder, String name) {
        Path base = resolve(folder);
        if (Files.isSymbolicLink(base)) {
            throw new InvalidInputException(folder + " is a symbolic link: Leafwalk keeps its own files there and "
                    + "follows no link; remove the link or choose a real folder");
        }
        Path p = base;
        for (Path part : Path.of(name)) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw new IllegalArgumentException("an owned file's name stays inside its folder: " + name);
            }
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                String to;
                try {
                    to = " (to " + Files.readSymbolicLink(p) + ")";
                } catch (IOException e) {
                    to = "";
                }
                throw new InvalidInputException(p + " is a symbolic link" + to + " where Leafwalk keeps its own file: "
                        + "it writes there itself and follows no link; remove the link");
            }
        }
        String kind = kindOf(p);
        if (kind != null) {
            throw new InvalidInputException(p + " is " + kind + " where Leafwalk keeps its own file; remove it");
        }
        return p;
    }

    /** A fresh temporary name in {@code dir} for this process: {@code .leafwalk-HOST-PID-RANDOM.SUFFIX}. */
    static Path tempIn(Path dir, String suffix) {
        long r = java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        return dir.resolve(TEMP_PREFIX + HOST + "-" + ProcessHandle.current().pid() + "-" + Long.toHexString(r) + "."
                + suffix);
    }

    /** Whether a file name is one of Leafwalk's temporary names (this process's or another's). */
    static boolean isOwnTemporary(String name) {
        return TEMP.matcher(name).matches();
    }

    /** This machine's name in a temporary name: letters and digits only, at most 16. */
    private static String host() {
        String h;
        try {
            h = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            h = System.getenv().getOrDefault("HOSTNAME", "host");
        }
        h = h.replaceAll("[^A-Za-z0-9]", "");
        return h.isEmpty() ? "host" : h.substring(0, Math.min(16, h.length()));
    }

    /**
     * Removes what a killed Leafwalk process left in {@code dir}: its temporary files and staging folders, when they
     * were made on this machine by a process that is no longer running and belong to this user (a process of another
     * machine sharing the folder, or of another user, is never taken for a dead one). Backups ({@code .bak}) and
     * folders put aside ({@code .old}) of a replaced file or model are left: they may be a user's only copy.
     */
    static void removeStale(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Integer me = PathResolution.currentUid();
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = TEMP.matcher(p.getFileName().toString());
                if (!m.matches() || !m.group(1).equals(HOST) || m.group(3).equals("bak") || m.group(3).equals("old")) {
                    return;
                }
                long pid = Long.parseLong(m.group(2));
                if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).isPresent()) {
                    return;
                }
                try {
                    if (me == null || me.equals(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
                        stale.add(p);
                    }
                } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                    // cannot tell whose it is: it stays
                }
            });
        } catch (IOException | RuntimeException e) {
            return;
        }
        for (Path p : stale) {
            deleteTree(p);
        }
    }

    /**
     * Deletes a file or a folder Leafwalk made, with what it holds. Inside it nothing is followed: entries are
     * removed relative to their open folder (a folder swapped for a link meanwhile is removed as a link, never
     * descended into).
     */
    static void deleteTree(Path p) {
        try {
            Path parent = p.toAbsolutePath().getParent();
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && parent != null) {
                try (java.nio.file.DirectoryStream<Path> up = Files.newDirectoryStream(parent)) {
                    if (up instanceof java.nio.file.SecureDirectoryStream<Path> sup) {
                        try (java.nio.file.SecureDirectoryStream<Path> here = sup.newDirectoryStream(p.getFileName(),
                                LinkOption.NOFOLLOW_LINKS)) {
                            deleteInside(here);
                        }
                        sup.deleteDirectory(p.getFileName());
                        return;
                    }
                }
                try (Stream<Path> s = Files.list(p)) {
                    for (Path c : s.toList()) {
                        deleteTree(c);
                    }
                }
            }
            Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            // what is left is named as Leafwalk's own temporary file, and a later run removes it
        }
    }

    private static void deleteInside(java.nio.file.SecureDirectoryStream<Path> dir) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path e : dir) {
            names.add(e.getFileName());
        }
        for (Path n : names) {
            boolean folder = dir.getFileAttributeView(n, java.nio.file.attribute.BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes().isDirectory();
            if (folder) {
                try (java.nio.file.SecureDirectoryStream<Path> sub = dir.newDirectoryStream(n,
                        LinkOption.NOFOLLOW_LINKS)) {
                    deleteInside(sub);
                }
                dir.deleteDirectory(n);
            } else {
                dir.deleteFile(n);
            }
        }
    }

    /** Flushes a file's or a folder's contents to the disk; a file system that cannot is taken as it is. */
    static void sync(Path p, boolean folder) {
        try (FileChannel c = FileChannel.open(p, folder ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            c.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // folders cannot be opened for syncing on some systems; the data is written either way
        }
    }

    static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        if (kind.equals("AccessDeniedException")) {
            return "permission denied";
        }
        if (kind.equals("NoSuchFileException")) {
            return "folder does not exist";
        }
        String m = e.getMessage();
        if (m != null && m.contains("Read-only file system")) {
            return "read-only file system";
        }
        if (m != null && m.contains("No space left")) {
            return "no space left on the device";
        }
        if (m != null && m.contains("File name too long")) {
            return "the file name is too long";
        }
        return m == null ? kind : m;
    }
}
