package org.leafwalk.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes whole files through a temporary sibling and a move, so a failed write never leaves half a file. The move
 * lands on the file a symlink points to (the link stays a link), and only ever on a regular file: a device, a FIFO,
 * a socket or a folder is refused before anything is written.
 */
public final class AtomicFiles {
    private static final int MAX_LINKS = 40;

    private AtomicFiles() {}

    /**
     * The file a write to {@code requested} changes: symlinks followed to their end (a dangling link to the file it
     * names), the path absolute and normalised. Refuses what is not a regular file or a place for a new one.
     */
    public static Path target(Path requested) {
        Path p = requested.toAbsolutePath().normalize();
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_LINKS) {
                throw new InvalidInputException(requested + ": too many levels of symbolic links");
            }
            try {
                Path link = Files.readSymbolicLink(p);
                p = (p.getParent() == null ? link : p.getParent().resolve(link)).toAbsolutePath().normalize();
            } catch (IOException e) {
                throw new InvalidInputException(requested + ": cannot follow the symbolic link (" + describe(e) + ")",
                        e);
            }
        }
        String kind = kindOf(p);
        if (kind != null) {
            throw new InvalidInputException(requested + (p.equals(requested.toAbsolutePath().normalize()) ? ""
                    : " (a link to " + p + ")") + " is " + kind + ", not a regular file: Leafwalk writes only "
                    + "regular files");
        }
        Path parent = p.getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new InvalidInputException(requested + ": " + parent + " is not a folder");
        }
        return p;
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

    public static void write(Path requested, byte[] bytes) {
        Path target = target(requested);
        Path dir = target.getParent();
        Path tmp = null;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.write(tmp, bytes);
            keepPermissions(target, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is what the user needs to hear about
                }
            }
            throw new InvalidInputException("cannot write " + requested + ": " + describe(e), e);
        }
    }

    /**
     * Temporary files are created owner-only: a replaced file keeps the permissions it had, and a new one reads like
     * any file the user saves.
     */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                    ? Files.readAttributes(target, PosixFileAttributes.class).permissions()
                    : PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }

    public static void writeString(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        if (kind.equals("AccessDeniedException")) {
            return "permission denied";
        }
        if (kind.equals("NoSuchFileException")) {
            return "folder does not exist";
        }
        if (kind.equals("FileSystemException") && e.getMessage() != null && e.getMessage().contains("Read-only")) {
            return "read-only file system";
        }
        String m = e.getMessage();
        return m == null ? kind : m;
    }
}
