package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leafwalk.explore.Explorer;
import org.leafwalk.explore.Exports;
import org.leafwalk.explore.Recording;
import org.leafwalk.explore.SessionFiles;
import org.leafwalk.explore.TrajectoryExport;
import org.leafwalk.io.JsonFiles;
import org.leafwalk.model.InputSpace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a saved session (.leafwalk.json) as an animated GIF, PNG, CSV or JSON.")
final class ExportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--session", required = true, paramLabel = "FILE") Path session;
    @Option(names = "--gif", paramLabel = "FILE") Path gif;
    @Option(names = "--png", paramLabel = "FILE",
            description = "The input at --step at native size, and FILE-x10.png scaled up.") Path png;
    @Option(names = "--csv", paramLabel = "FILE") Path csv;
    @Option(names = "--trajectory-json", paramLabel = "FILE") Path json;
    @Option(names = "--step", defaultValue = "-1", description = "Step for --png (default: the saved step).") int step;

    @Mixin
    GifOptionsMixin gifOptions;

    @Override
    public Integer call() {
        SessionFiles.Loaded loaded = SessionFiles.load(session);
        Recording r = loaded.recording();
        if (loaded.modelChanged()) {
            System.err.println("leafwalk: warning: the model's weights changed since the session was saved "
                    + "(exporting the recorded values; reopen it in the window to recompute)");
        }
        List<String> written = new ArrayList<>();
        if (csv != null) {
            TrajectoryExport.writeCsv(csv, r);
            written.add(csv.toString());
        }
        if (json != null) {
            TrajectoryExport.writeJson(json, r);
            written.add(json.toString());
        }
        if (gif != null || png != null) {
            boolean needModel = r.isText() || r.settings().space() == InputSpace.EMBEDDINGS;
            try (Explorer ex = needModel ? Explorer.open(Path.of(r.modelPath()), common.device) : null;
                    Exports.Drawer toImage = Exports.drawer(r, ex)) {
                if (gif != null) {
                    Exports.gif(gif, r, toImage, gifOptions.options());
                    written.add(gif.toString());
                }
                if (png != null) {
                    int s = step < 0 ? r.cursor() : step;
                    if (s >= r.trajectory().size()) {
                        throw new IllegalArgumentException("--step " + s + ": the session has steps 0 to "
                                + (r.trajectory().size() - 1));
                    }
                    Exports.png(png, r, s, toImage, 10).forEach(p -> written.add(p.toString()));
                }
            }
        }
        Map<String, Object> o = Json.object();
        o.put("session", session.toString());
        o.put("steps", r.trajectory().size());
        o.put("model_changed", loaded.modelChanged());
        o.put("written", written);
        if (common.json) {
            System.out.println(JsonFiles.toJson(o));
        } else {
            written.forEach(f -> System.out.println("wrote " + f));
        }
        return 0;
    }
}
