package org.leafwalk.explore.remote;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.leafwalk.explore.failure.Errors;
import org.leafwalk.io.AtomicFiles;
import org.leafwalk.io.InputFiles;
import org.leafwalk.io.InvalidInputException;

/**
 * The server's token: 256 random bits as 64 hex digits, written once to a file only its owner may read, sent by
 * clients as call credentials and compared in constant time.
 */
public final class Tokens {
    /** The header a client sends its token in. */
    static final String HEADER = "authorization";
    static final String SCHEME = "Bearer ";

    private Tokens() {}

    /** Where {@code serve} writes its token, and where a client on the same machine reads it: the state folder. */
    public static Path defaultFile() {
        return Errors.stateFolder().resolve("serve.token");
    }

    /** A new token. */
    static String generate() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The token in {@code file}, or a new one written there (owner-only) when the file does not exist: a server keeps
     * its token across restarts, so its clients' token files stay good.
     */
    public static String readOrCreate(Path file) {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return read(file);
        }
        String t = generate();
        Path abs = file.toAbsolutePath();
        AtomicFiles.writeOwnedPrivate(abs.getParent(), abs.getFileName().toString(),
                (t + "\n").getBytes(StandardCharsets.US_ASCII));
        return t;
    }

    /** The token a client sends: the file's one line of 64 hex digits. */
    public static String read(Path file) {
        String t = InputFiles.readUtf8(file, "token file", 1024).strip();
        if (!t.matches("[0-9a-f]{64}")) {
            throw new InvalidInputException(file + ": not a Leafwalk token (64 hex digits)");
        }
        return t;
    }

    /** Whether {@code given} is {@code expected}, in time that does not depend on where they differ. */
    static boolean matches(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }
}
