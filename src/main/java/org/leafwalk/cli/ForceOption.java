package org.leafwalk.cli;

import picocli.CommandLine.Option;

/** Whether a command may replace read-only output files (the shell's > refuses them; so does Leafwalk, unless told). */
final class ForceOption {
    @Option(names = "--force", description = "Replace output files that are read-only (Leafwalk refuses them "
            + "otherwise).")
    boolean force;
}
