package org.leafwalk.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks on the files a run reads, made before anything opens them: opening a FIFO blocks until someone writes to
 * it, and a device or a folder is never what the user meant.
 */
public final class InputFiles {
    private InputFiles() {}

    /**
     * The folder itself, when it exists (after following links); else a message naming it and what it is instead:
     * not there, a file, a link to nothing, or a loop of symbolic links (as the system says, "too many levels").
     */
    public static Path requireFolder(Path dir, String what) {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            dir.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
            if (Files.isSymbolicLink(dir)) {
                String to;
                try {
                    to = Files.readSymbolicLink(dir).toString();
                } catch (IOException | UnsupportedOperationException x) {
                    to = "a path";
                }
                throw new InvalidInputException(dir + ": " + what + " is a symbolic link to " + to
                        + ", which does not exist");
            }
        } catch (java.nio.file.FileSystemException e) {
            String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
            throw new InvalidInputException(dir + ": " + what + " cannot be opened: " + (reason.contains("levels of "
                    + "symbolic links") ? "too many levels of symbolic links (a symbolic link that leads back to itself)"
                    : reason.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + reason.substring(1)), e);
        } catch (IOException e) {
            throw new InvalidInputException(dir + ": " + what + " cannot be opened (" + e.getMessage() + ")", e);
        }
        if (Files.exists(dir)) {
            String kind = AtomicFiles.kindOf(dir);
            throw new InvalidInputException(dir + ": " + what + " is " + (kind == null ? "a file" : kind)
                    + ", not a folder");
        }
        throw new InvalidInputException(dir + ": " + what + " not found");
    }

    /** The file itself, when it exists and is a regular file (after following links); else a message naming it. */
    public static Path requireRegular(Path file, String what) {
        if (!Files.exists(file)) {
            throw new InvalidInputException(file + ": " + what + " not found");
        }
        String kind = AtomicFiles.kindOf(file);
        if (kind != null) {
            throw new InvalidInputException(file + ": " + what + " is " + kind + ", not a regular file");
        }
        return file;
    }

    /** A file's bytes, refused by name when it is not a regular file or is larger than {@code maxBytes}. */
    public static byte[] readBytes(Path file, String what, long maxBytes) {
        requireRegular(file, what);
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new InvalidInputException(file + ": " + what + " is " + human(size) + "; Leafwalk sends at most "
                        + human(maxBytes));
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read " + what + " (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    /** A text file as UTF-8, refused by name when it is too large or not UTF-8 (a Latin-1 file, a binary). */
    public static String readUtf8(Path file, String what, long maxBytes) {
        requireRegular(file, what);
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new InvalidInputException(file + ": " + what + " is " + human(size) + "; Leafwalk reads at most "
                        + human(maxBytes));
            }
            byte[] bytes = Files.readAllBytes(file);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new InvalidInputException(file + ": " + what + " is not UTF-8 text (Latin-1 or another "
                        + "encoding?): save it as UTF-8");
            }
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read " + what + " (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        if (bytes >= 1L << 10) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / (double) (1L << 10));
        }
        return bytes + " bytes";
    }
}
