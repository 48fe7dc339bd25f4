package org.leafwalk.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in lower-case hexadecimal: of a file's bytes, of bytes, of a text as UTF-8. The one place it is computed. */
public final class Sha256 {
    private Sha256() {}

    /** A new SHA-256 digest (every Java platform has one). */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /** The digest's value in hex (it is reset). */
    public static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

    /** The SHA-256 of a file's contents, read in 64 KiB blocks. */
    public static String of(Path file) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int k;
            while ((k = in.read(buf)) > 0) {
                d.update(buf, 0, k);
            }
        }
        return hex(d);
    }

    public static String of(byte[] data) {
        MessageDigest d = digest();
        d.update(data);
        return hex(d);
    }

    public static String of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }
}
