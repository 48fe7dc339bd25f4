package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.leafwalk.explore.experiment.Experiment;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.walk.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run a seed paper's protocol over many inputs into a folder (results.csv, results.json, "
                + "report.html with PNG and SVG plots): simec-table (the first paper's Table 1) or equivalence (the "
                + "second paper's representation matching, its reverse, and directional Lipschitz ratios).")
final class ExperimentCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ModelOption modelOption;

    @Option(names = "--protocol", required = true, description = "simec-table or equivalence.")
    String protocol;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "A new or empty folder for the results (runs/, results.csv, results.json, report.html, "
                    + "plots/).")
    Path out;

    @Option(names = "--data", paramLabel = "DIR",
            description = "An IDX data folder whose t10k split gives the test images (default: the model's samples).")
    Path data;

    @Option(names = "--quick", description = "Fewer inputs and iterations (simec-table: 4 inputs, 1 repeat, 100 "
            + "iterations; equivalence: 4 pairs, 30 match steps).")
    boolean quick;

    @Option(names = "--resume", description = "Go on with the experiment already in --out: finished runs are kept "
            + "and skipped.")
    boolean resume;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--workers", defaultValue = "0",
            description = "Worker threads, one model and one core each (default: one per core).")
    int workers;

    @Option(names = "--inputs", description = "simec-table: test inputs, two per class (default: 16).")
    Integer inputs;

    @Option(names = "--repeats", description = "simec-table: repeats per input (default: 3).")
    Integer repeats;

    @Option(names = "--iterations", description = "simec-table: iterations K per walk (default: 1000); equivalence: "
            + "the match's step budget (default: 100).")
    Integer iterations;

    @Option(names = "--pairs", description = "equivalence: pairs of test images of different classes (default: 20).")
    Integer pairs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Experiment.protocol(protocol);
        if (workers < 0) {
            throw new InvalidOption("--workers " + workers + ": the number of worker threads is 1 or more "
                    + "(0, the default: one per core)");
        }
        OptionScope given = new OptionScope(spec);
        if (protocol.equals("simec-table")) {
            given.refuse("--protocol simec-table", "to --protocol equivalence (pairs of test images of different "
                    + "classes)", "--pairs");
        } else {
            given.refuse("--protocol " + protocol, "to --protocol simec-table (its test inputs and repeats per "
                    + "input)", "--inputs", "--repeats");
        }
        Path model = modelOption.path();
        Experiment.Options o = new Experiment.Options(protocol, modelOption.ref, model, data, out, quick, resume,
                seed, workers, common.device, inputs, repeats, iterations, pairs);
        Progress[] bar = new Progress[1];
        long[] done = new long[1];
        Experiment.Outcome r;
        try (Interrupts interrupts = Interrupts.install()) {
            r = Experiment.run(o, new Experiment.Listener() {
                @Override
                public void begin(long total, long already, int runs, int finished) {
                    if (finished > 0) {
                        System.err.println("leafwalk: " + finished + " of " + runs + " runs already in " + out
                                + ": skipped");
                    }
                    bar[0] = Progress.start(protocol, total, protocol.equals("equivalence") ? "steps" : "iterations");
                    bar[0].stepTo(already);
                    done[0] = already;
                }

                @Override
                public synchronized void advance(long n) {
                    done[0] += n;
                    bar[0].stepTo(done[0]);
                }
            }, interrupts::requested);
            if (bar[0] != null) {
                bar[0].close();
                bar[0] = null;
            }
            if (interrupts.requested()) {
                System.err.println("leafwalk: interrupted: " + r.finished() + " of " + r.runs() + " runs are in " + out
                        + "/runs; the same command with --resume goes on");
            }
            if (common.json) {
                System.out.println(Json.text(r.document()));
            } else {
                System.out.print(r.table());
                for (String f : r.findings()) {
                    System.out.println();
                    System.out.println(f);
                }
                System.out.println();
                System.out.println(String.format(Locale.ROOT, "%d of %d runs (%d from before) in %.1f s; written to %s "
                        + "(report.html, results.csv, results.json)", r.finished(), r.runs(), r.skipped(), r.seconds(),
                        out));
            }
            if (interrupts.requested()) {
                return Interrupts.EXIT_CODE;
            }
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        return 0;
    }
}
