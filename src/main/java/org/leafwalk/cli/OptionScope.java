package org.leafwalk.cli;

import org.leafwalk.explore.failure.InvalidOption;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/**
 * Which options the user gave (not their defaults), so that an option given where it does nothing (another mode of
 * the command, a family it does not shape) is refused by name, saying where it applies, instead of being ignored.
 */
final class OptionScope {
    private final CommandLine.ParseResult parsed;

    OptionScope(CommandSpec spec) {
        this.parsed = spec.commandLine().getParseResult();
    }

    /** Whether {@code option} was on the command line. */
    boolean given(String option) {
        return parsed != null && parsed.hasMatchedOption(option);
    }

    /** Refuses each of {@code options} that was given: in {@code here} it does nothing; it applies {@code where}. */
    void refuse(String here, String where, String... options) {
        for (String option : options) {
            if (given(option)) {
                throw new InvalidOption(option + " does nothing with " + here + ": it applies " + where);
            }
        }
    }
}
