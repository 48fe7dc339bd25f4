package org.leafwalk.explore.remote;

import com.google.protobuf.ByteString;
import java.util.List;
import org.leafwalk.io.InvalidInputException;

/**
 * What a server takes from a client: the largest image file, sentence and set of labels, and names that are names,
 * never paths. Each refusal says what was sent and what is allowed.
 *
 * @param maxImageBytes the largest image file a client may send
 * @param maxSessionBytes the largest session file
 * @param maxSentenceChars the longest sentence
 * @param maxLabels the most zero-shot labels
 * @param maxSessions the most sessions open at once
 * @param idleMillis a session the client sends nothing to for this long, and that computes nothing, is closed
 */
public record Limits(long maxImageBytes, long maxSessionBytes, int maxSentenceChars, int maxLabels, int maxSessions,
        long idleMillis) {
    /** 32 MiB of image, 256 MiB of session, 10,000 characters, 1,000 labels, 16 sessions, 30 minutes idle. */
    public static final Limits DEFAULTS = new Limits(32L << 20, 256L << 20, 10_000, 1_000, 16, 30 * 60_000L);

    public Limits {
        if (maxImageBytes < 1 || maxSessionBytes < 1 || maxSentenceChars < 1 || maxLabels < 2 || maxSessions < 1 || idleMillis < 1) {
            throw new InvalidInputException("a server's limits are positive (and at least 2 labels)");
        }
    }

    public Limits withMaxSessions(int n) {
        return new Limits(maxImageBytes, maxSessionBytes, maxSentenceChars, maxLabels, n, idleMillis);
    }

    public Limits withIdleMillis(long ms) {
        return new Limits(maxImageBytes, maxSessionBytes, maxSentenceChars, maxLabels, maxSessions, ms);
    }

    /** The largest message joined from chunks: an image and room for what comes with it. */
    long maxMessageBytes() {
        return Math.max(maxImageBytes, maxSessionBytes) + (1 << 20);
    }

    /** A session file's contents, as UTF-8 text. */
    String session(ByteString data) {
        if (data.size() > maxSessionBytes) {
            throw new InvalidInputException("a session file of " + data.size() + " bytes: the server takes at most "
                    + maxSessionBytes + " bytes");
        }
        if (!data.isValidUtf8()) {
            throw new InvalidInputException("a session file that is not UTF-8 text");
        }
        return data.toStringUtf8();
    }

    byte[] image(ByteString data) {
        if (data.isEmpty()) {
            throw new InvalidInputException("an empty image file was sent");
        }
        if (data.size() > maxImageBytes) {
            throw new InvalidInputException("an image file of " + data.size() + " bytes: the server takes at most "
                    + maxImageBytes + " bytes");
        }
        return data.toByteArray();
    }

    /** The name a client gives an image: its last part only, never a path on the server. */
    String imageName(String name) {
        String n = name.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1);
        if (n.isBlank() || n.equals(".") || n.equals("..")) {
            n = "image";
        }
        return n.length() > 255 ? n.substring(0, 255) : n;
    }

    /** An export's file name: a name, not a path (the files are written on the client). */
    String fileName(String name) {
        if (name.isEmpty() || name.length() > 255 || name.contains("/") || name.contains("\\") || name.equals(".")
                || name.equals("..") || name.indexOf('\0') >= 0) {
            throw new InvalidInputException("'" + Catalogue.abbreviated(name) + "' is not a file name (an export's "
                    + "files are written on the client, the server is sent their name only)");
        }
        return name;
    }

    String sentence(String s) {
        if (s.length() > maxSentenceChars) {
            throw new InvalidInputException("a sentence of " + s.length() + " characters: the server takes at most "
                    + maxSentenceChars);
        }
        return s;
    }

    List<String> labels(List<String> labels) {
        if (labels.size() > maxLabels) {
            throw new InvalidInputException(labels.size() + " labels: the server takes at most " + maxLabels);
        }
        labels.forEach(this::sentence);
        return List.copyOf(labels);
    }

    static double finite(double v) {
        if (!Double.isFinite(v)) {
            throw new InvalidInputException("a number that is not finite (" + v + ")");
        }
        return v;
    }
}
