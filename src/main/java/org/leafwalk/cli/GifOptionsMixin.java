package org.leafwalk.cli;

import org.leafwalk.explore.export.Exports;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How an animated GIF of a walk is drawn. */
final class GifOptionsMixin {
    @Option(names = "--frame-every", defaultValue = "1", description = "A GIF frame every N steps (default: ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--gif-delay", defaultValue = "100", description = "Milliseconds per frame (default: ${DEFAULT-VALUE}).")
    int delay;

    @Option(names = "--gif-loop", defaultValue = "0", description = "Times to play; 0 loops forever (default: ${DEFAULT-VALUE}).")
    int loops;

    @Option(names = "--gif-scale", defaultValue = "8", description = "Pixels per input pixel (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--gif-input-only", description = "Only the input, without the output bars and step counter.")
    boolean inputOnly;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * How the GIF is drawn, checked; null without one ({@code gif}: whether --gif was given), where a GIF option
     * given is refused by name: it would do nothing.
     */
    Exports.GifOptions options(boolean gif) {
        if (!gif) {
            new OptionScope(command).refuse(command.name() + " without --gif", "to the animated GIF of --gif",
                    "--frame-every", "--gif-delay", "--gif-loop", "--gif-scale", "--gif-input-only");
            return null;
        }
        Exports.GifOptions o = new Exports.GifOptions(every, delay, loops, scale, !inputOnly);
        o.validate();
        return o;
    }
}
