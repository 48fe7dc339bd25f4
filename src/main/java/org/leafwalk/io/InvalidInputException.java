package org.leafwalk.io;

/**
 * A file or value the user gave cannot be used. The message names the file (or value) and what is
 * wrong with it, so it can be shown as it is; nothing about the session's state is implied.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
