package org.leafwalk.cli;

import ai.djl.ndarray.types.DataType;
import picocli.CommandLine.Option;

/** --precision for the estimates whose small differences float32 would round away (match, lipschitz). */
final class PrecisionOption {
    @Option(names = "--precision", defaultValue = "float64", paramLabel = "P",
            description = "float64 (default: small differences are not lost in float32 rounding) or float32.")
    String precision;

    DataType dataType() {
        return switch (precision) {
            case "float64" -> DataType.FLOAT64;
            case "float32" -> DataType.FLOAT32;
            default -> throw new IllegalArgumentException("--precision is float64 or float32, not " + precision);
        };
    }
}
