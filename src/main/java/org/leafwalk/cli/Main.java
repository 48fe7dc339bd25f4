package org.leafwalk.cli;

import java.io.PrintWriter;
import org.leafwalk.explore.failure.Errors;
import org.leafwalk.explore.subject.EngineSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The command line: the same engine as the window, so every figure the UI shows can be produced headless. */
@Command(name = "leafwalk", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Walk the input space of a Transformer along the eigendirections of its pullback metric.",
        subcommands = {InspectCommand.class, WalkCommand.class, BenchCommand.class, TrainVitCommand.class,
                EvalCommand.class, ExportCommand.class, ExtractSamplesCommand.class, InitVitCommand.class,
                UiCommand.class, ServeCommand.class, MatchCommand.class, LipschitzCommand.class, ExperimentCommand.class,
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

    /**
     * Runs a command line and returns its exit code: 0, {@link Errors#USER_ERROR} (2) for the user's error (a bad
     * file, option or input, a refused step; one line on stderr naming it), {@link Errors#BUG} (70) for a bug in
     * Leafwalk (one line saying so and where its stack trace was written), 130 for a run stopped by Ctrl-C.
     */
    public static int run(String... args) {
        EngineSetup.ensure();
        debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cl = new CommandLine(new Main());
        cl.registerConverter(java.nio.file.Path.class, new OutputFile.AnyPath());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> failed(cmd.getErr(), ex));
        cl.setParameterExceptionHandler((ex, a) -> {
            // one line, as for every other error; --help has the usage
            PrintWriter err = ex.getCommandLine().getErr();
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println("leafwalk: error: " + ex.getMessage() + " (" + name + " --help lists the options)");
            err.flush();
            return Errors.USER_ERROR;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return failed(new PrintWriter(System.err, true), e);
        }
    }

    /**
     * Tells the user of a failure in one line on {@code err} and returns the exit code: the user's error in its own
     * words (2), or a bug in Leafwalk as one, with the file its stack trace was written to (70); --debug also prints
     * the stack trace.
     */
    static int failed(PrintWriter err, Throwable ex) {
        if (debug) {
            ex.printStackTrace(err);
        }
        err.println("leafwalk: " + (Errors.expected(ex) ? "error: " : "") + Errors.describe(ex));
        err.flush();
        return Errors.exitCode(ex);
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
