package org.leafwalk.cli;

import java.util.Set;
import java.util.concurrent.Callable;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.service.CommandJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Classify an input and print the non-zero spectrum of the pullback metric G = Jᵀ M J.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    SubjectOptions options;

    @Mixin
    ConnectOptions remote;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        var server = remote.connection();
        var r = options.request(CommandJob.Command.INSPECT, server, options.settings(), "0", 0, Set.of(),
                Exports.GifOptions.defaults());
        CommandJob.Result result = options.run(r, server, common.device, null, t0);
        System.out.print(common.json ? result.document() + "\n" : result.text());
        return 0;
    }
}
