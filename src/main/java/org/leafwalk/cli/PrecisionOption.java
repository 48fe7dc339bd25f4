package org.leafwalk.cli;

import org.leafwalk.explore.subject.Explorer;
import picocli.CommandLine.Option;

/** --precision for the estimates whose small differences float32 would round away (match, lipschitz). */
final class PrecisionOption {
    @Option(names = "--precision", defaultValue = "float64", paramLabel = "P",
            description = "float64 (default: small differences are not lost in float32 rounding) or float32.")
    String precision;

    /** The precision asked for, checked. */
    String checked() {
        return Explorer.requirePrecision(precision);
    }
}
