package org.leafwalk.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.export.Figures;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.export.TrajectoryExport;
import org.leafwalk.explore.failure.InvalidOption;
import org.leafwalk.explore.session.SessionChecks;
import org.leafwalk.explore.session.SessionFiles;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Recording;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a saved session (.leafwalk.json) as an animated GIF, PNG, CSV, JSON, safetensors or "
                + "NumPy .npz.")
final class ExportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ForceOption force;

    @Option(names = "--session", required = true, paramLabel = "FILE") Path session;
    @Option(names = "--gif", converter = OutputFile.class, paramLabel = "FILE") Path gif;
    @Option(names = "--png", converter = OutputFile.class, paramLabel = "FILE",
            description = "The input at --step at native size, and FILE-x10.png scaled up.") Path png;
    @Option(names = "--csv", converter = OutputFile.class, paramLabel = "FILE") Path csv;
    @Option(names = "--trajectory-json", converter = OutputFile.class, paramLabel = "FILE") Path json;
    @Option(names = "--safetensors", converter = OutputFile.class, paramLabel = "FILE",
            description = "Points, probabilities and eigenvalues as safetensors, the settings as metadata.")
    Path safetensors;
    @Option(names = "--npz", converter = OutputFile.class, paramLabel = "FILE", description = "The same arrays as a NumPy .npz archive.") Path npz;
    @Option(names = "--plots", paramLabel = "DIR", description = "The spectrum, output distribution and drift at "
            + "--step as PNG and SVG in DIR (spectrum, outputs, drift).") Path plots;
    @Option(names = "--step", defaultValue = "-1", description = "Step for --png and --plots (default: the saved step).") int step;

    @Mixin
    GifOptionsMixin gifOptions;

    @Spec
    CommandSpec spec;

    private static final int PNG_SCALE = 10;

    @Override
    public Integer call() {
        Exports.GifOptions gifOpts = gifOptions.options(gif != null);
        if (step < -1) {
            throw new InvalidOption("--step " + step + ": a step index is 0 or more (-1: the saved step)");
        }
        if (png == null && plots == null) {
            new OptionScope(spec).refuse("export without --png or --plots", "to the step --png draws and --plots "
                    + "plots (the other exports hold every step)", "--step");
        }
        SessionFiles.Loaded loaded = SessionFiles.load(session);
        Recording r = loaded.recording();
        OutputPlan plan = new OutputPlan().force(force.force).input("session", session).input("model", Path.of(r.modelPath()))
                .output("--csv", csv).output("--trajectory-json", json).output("--safetensors", safetensors)
                .output("--npz", npz).output("--gif", gif).output("--png", png)
                .output("--png (scaled)", png == null ? null : Exports.scaledPng(png, PNG_SCALE)).check();
        int s = step < 0 ? r.cursor() : step;
        if ((png != null || plots != null) && s >= r.trajectory().size()) {
            throw new InvalidOption("--step " + s + ": the session has steps 0 to "
                    + (r.trajectory().size() - 1));
        }
        // the session is checked against its model as the window checks it, drawn with it or not
        try (Explorer ex = Explorer.open(Path.of(r.modelPath()), common.device)) {
            SessionChecks.reopen(ex, Path.of(r.modelPath()), loaded, session.toString()).close();
            if (loaded.modelChanged()) {
                System.err.println("leafwalk: warning: the model's weights changed since the session was saved "
                        + "(exporting the recorded values; reopen it in the window to recompute)");
            }
            if (csv != null) {
                plan.stage(csv, TrajectoryExport.csv(r).getBytes(StandardCharsets.UTF_8));
            }
            if (json != null) {
                plan.stage(json, TrajectoryExport.json(r).getBytes(StandardCharsets.UTF_8));
            }
            if (safetensors != null) {
                plan.stage(safetensors, TrajectoryExport.safetensors(r));
            }
            if (npz != null) {
                plan.stage(npz, TrajectoryExport.npz(r));
            }
            if (plots != null) {
                plan.stageChecked("--plots", Figures.files(plots, Figures.ofWalk(r, s)));
            }
            if (gif != null || png != null) {
                try (Exports.Drawer toImage = Exports.drawer(r, ex)) {
                    if (gif != null) {
                        plan.stage(gif, Exports.gifBytes(r, toImage, gifOpts));
                    }
                    if (png != null) {
                        Exports.pngBytes(png, r, s, toImage, PNG_SCALE).forEach(plan::stage);
                    }
                }
            }
        }
        List<String> written = new ArrayList<>();
        plan.commit().forEach(p -> written.add(p.toString()));
        Map<String, Object> o = Json.object();
        o.put("session", session.toString());
        o.put("steps", r.trajectory().size());
        o.put("model_changed", loaded.modelChanged());
        o.put("written", written);
        if (common.json) {
            System.out.println(Json.text(o));
        } else {
            written.forEach(f -> System.out.println("wrote " + f));
        }
        return 0;
    }

}
