package org.leafwalk.explore.export;

import java.nio.file.Path;
import org.leafwalk.io.JsonFiles;

/** A JSON document written as a file of its own (a benchmark's record): through the safe writer, atomically. */
public final class JsonOutput {
    private JsonOutput() {}

    /** Writes the document as JSON to {@code file} (atomically, a regular file only). */
    public static void write(Path file, Object document) {
        JsonFiles.write(file, document);
    }
}
