package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.failure.Errors;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.ui.LeafwalkApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ui", mixinStandardHelpOptions = true,
        description = "Open the window (what the jar does with no command).")
final class UiCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ModelOption model;

    @picocli.CommandLine.Mixin
    ConnectOptions remote;

    @Option(names = "--input", defaultValue = "sample:14", paramLabel = "INPUT",
            description = "An image file or sample:N (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--space", defaultValue = "pixels", description = "pixels or embeddings (default: ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--screenshot", converter = OutputFile.class, paramLabel = "PNG",
            description = "Walk a little, save the main window here, and quit.")
    Path screenshot;

    @Option(names = "--classroom-screenshot", converter = OutputFile.class, paramLabel = "PNG",
            description = "Also save classroom mode here before quitting.")
    Path classroomScreenshot;

    @Option(names = "--match-screenshot", converter = OutputFile.class, paramLabel = "PNG",
            description = "Image models: also match the input to sample 2's representation and save that window here.")
    Path matchScreenshot;

    @Option(names = "--benchmark", converter = OutputFile.class, paramLabel = "JSON",
            description = "Measure the time to a usable window and the steps per second of a continuous slider drag "
                    + "(5 s), write them here, and quit.")
    Path benchmark;

    @Option(names = "--session", paramLabel = "FILE",
            description = "Open a saved session (.leafwalk.json) once the window is up.")
    Path session;

    @Option(names = "--demo-distance", defaultValue = "3", hidden = true)
    double demoDistance;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "The model's threads where a step is long (ViT-Base; default 0: every core). Where steps "
                    + "are short the model leaves one core to the display.")
    int threads;

    @Override
    public Integer call() {
        var server = remote.connection();
        Path modelPath = server == null ? model.path() : Path.of(model.ref); // a server's catalogue name
        OutputPlan plan = new OutputPlan().input("model", server == null ? modelPath : null).input("session", session);
        if (input != null && !input.startsWith("text:") && !input.startsWith("sample:")) {
            plan.input("input", Path.of(input));
        }
        plan.output("--screenshot", screenshot).output("--classroom-screenshot", classroomScreenshot)
                .output("--match-screenshot", matchScreenshot).output("--benchmark", benchmark).check();
        LeafwalkApp.launch(new LeafwalkApp.Options(modelPath, input, device, screenshot,
                classroomScreenshot, demoDistance, Space.parse(space).id(), matchScreenshot,
                benchmark, session, Math.max(0, threads), server == null ? null : server.opener()));
        if (LeafwalkApp.failure() != null) {
            boolean bug = LeafwalkApp.failureIsBug();
            System.err.println("leafwalk: " + (bug ? "" : "error: ") + LeafwalkApp.failure());
            return bug ? org.leafwalk.explore.failure.Errors.BUG : org.leafwalk.explore.failure.Errors.USER_ERROR;
        }
        return 0;
    }
}
