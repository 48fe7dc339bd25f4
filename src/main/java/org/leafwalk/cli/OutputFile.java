package org.leafwalk.cli;

import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An output file as the user typed it: an empty name is no file, and a name that ends in a slash names a folder
 * (the shell's and the system's reading), so neither is taken for a file (Path would drop the slash).
 */
final class OutputFile implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        if (value.isEmpty()) {
            throw new TypeConversionException("the file name is empty");
        }
        if (value.endsWith("/") || value.endsWith("/.") || value.endsWith("/..") || value.equals(".")
                || value.equals("..")) {
            throw new TypeConversionException("'" + value + "' names a folder, not a file; give a file name ("
                    + (value.endsWith("/") ? value : value + "/") + "NAME)");
        }
        return Path.of(value);
    }

    /** Any other path: an empty one names nothing (Path would read it as the current folder). */
    static final class AnyPath implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("the path is empty");
            }
            return Path.of(value);
        }
    }
}
