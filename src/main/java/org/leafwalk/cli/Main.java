package org.leafwalk.cli;

import java.io.PrintWriter;
import org.leafwalk.explore.Explorer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: the same engine as the window, so every figure the UI shows can be produced headless. */
@Command(name = "leafwalk", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Walk the input space of a Transformer along the eigendirections of its pullback metric.",
        subcommands = {InspectCommand.class, WalkCommand.class, BenchCommand.class, TrainVitCommand.class,
                EvalCommand.class, ExportCommand.class, ExtractSamplesCommand.class, InitVitCommand.class,
                UiCommand.class, MatchCommand.class, LipschitzCommand.class, ExperimentCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static volatile boolean debug;

    public static void main(String[] args) {
        // no command: the window, on the default model and a sample digit
        // no arguments: the window; one session file (a double-click on a .leafwalk.json): the window on it
        String[] a = args.length == 0 ? new String[] {"ui"}
                : args.length == 1 && args[0].endsWith(".leafwalk.json") ? new String[] {"ui", "--session", args[0]}
                : args;
        System.exit(run(a));
    }

    /** Runs a command line and returns its exit code (2 for any error, with one line on stderr). */
    public static int run(String... args) {
        Explorer.Offline.ensure();
        for (String a : args) {
            if (a.equals("--debug")) {
                debug = true;
            }
        }
        CommandLine cl = new CommandLine(new Main());
        cl.registerConverter(java.nio.file.Path.class, new OutputFile.AnyPath());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (debug) {
                ex.printStackTrace(err);
            }
            err.println("leafwalk: error: " + describe(ex));
            err.flush();
            return 2;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            // one line, as for every other error; --help has the usage
            PrintWriter err = ex.getCommandLine().getErr();
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println("leafwalk: error: " + ex.getMessage() + " (" + name + " --help lists the options)");
            err.flush();
            return 2;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            if (debug) {
                e.printStackTrace();
            }
            System.err.println("leafwalk: error: out of memory (" + Runtime.getRuntime().maxMemory() / 1048576
                    + " MiB of heap): the input or model is too large for this Java heap; -Xmx raises it");
            return 2;
        }
    }

    static String describe(Throwable ex) {
        String m = ex.getMessage();
        boolean expected = org.leafwalk.explore.Errors.expected(ex);
        if (m == null || m.isBlank()) {
            m = ex.getClass().getSimpleName();
        }
        return expected ? m : m + " (" + ex.getClass().getSimpleName() + "; --debug shows where)";
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"leafwalk " + (v == null ? "dev" : v)};
        }
    }
}
