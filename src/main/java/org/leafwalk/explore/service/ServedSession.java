package org.leafwalk.explore.service;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.io.InvalidInputException;

/**
 * The requests of a client of {@code leafwalk serve} that carry data where the window's carry paths: an image's
 * bytes instead of its file, a file name for an export whose bytes go back to the client instead of a path to write.
 * Nothing a client sends names a path on the server: models come from the server's catalogue, samples by number.
 */
public final class ServedSession {
    private static final Pattern SAMPLE = Pattern.compile("sample:\\d{1,6}");
    private final ExplorationService service;
    private final ServiceParts parts;

    /** @param names what a recording names a model folder by (the server's catalogue name) */
    public ServedSession(ExplorationService service, java.util.function.Function<Path, String> names) {
        this.service = service;
        this.parts = service.parts();
        parts.workspace().serve(names);
    }

    /**
     * Opens a session file's contents, its model found by {@code models} (never the path it records); when the
     * model's weights changed since, {@code ask} is told, as {@link Exploration#openSession(Path, Consumer)} says.
     */
    public void openSession(String name, String json, org.leafwalk.explore.session.SessionFiles.ModelFolders models,
            Consumer<Consumer<Boolean>> ask) {
        parts.worker().post(() -> {
            org.leafwalk.explore.session.SessionFiles.Loaded loaded;
            try {
                loaded = org.leafwalk.explore.session.SessionFiles.load(name, json, models);
            } catch (RuntimeException e) {
                parts.workspace().notices().accept(Notice.error("cannot open session: " + Workspace.describe(e), e));
                return;
            }
            service.opened(name, loaded, ask);
        });
    }

    /**
     * The walk open now (null: none), for what the client keeps of it: to be read only on the worker thread, where
     * snapshots are published.
     */
    public org.leafwalk.explore.session.Session sessionOnWorker() {
        return parts.workspace().session();
    }

    /** The service the session's other requests go to. */
    public ExplorationService service() {
        return service;
    }

    /**
     * Opens a catalogue model with an image's bytes, a sentence, or a sample it ships ({@code sample:N}; empty: the
     * model's default), as {@link ExplorationService#open(Path, String, boolean)} does.
     */
    public void open(Path modelDir, String imageName, byte[] image, String sentence, String sample,
            boolean fallBackToDefault) {
        if (image == null && sentence == null && !sample.isEmpty() && !SAMPLE.matcher(sample).matches()) {
            throw new InvalidInputException("'" + sample + "': a sample is sample:N (files are sent, not named)");
        }
        service.open(w -> image != null ? w.open(modelDir, imageName, image)
                : sentence != null ? w.openSentence(modelDir, sentence)
                : w.open(modelDir, sample.isEmpty() ? "sample:14" : sample), fallBackToDefault);
    }

    /** Opens an image from its file's bytes on the open model. */
    public void openImage(String name, byte[] data) {
        service.change(w -> w.openImage(name, data));
    }

    /** Starts a representation match toward an image sent as its file's bytes. */
    public void startMatch(String name, byte[] target, boolean keep, int budget, double stepSize) {
        parts.worker().post(() -> {
            parts.stopMotion().run();
            service.analyse(parts.matching().start(name, target, keep, budget, stepSize));
        });
    }

    /**
     * Makes an export of the walk up to the current step, on the worker, and gives its files by name to {@code
     * done} (null when there was nothing to export or it failed: a notice says why).
     */
    public void export(ExportKind kind, String fileName, Exports.GifOptions gif, Consumer<Map<String, byte[]>> done) {
        parts.worker().post(() -> done.accept(named(() -> parts.exports().render(kind, Path.of(fileName), gif))));
    }

    /** The window's plots as PNG and SVG files, by name (see {@link #export}). */
    public void exportPlots(Consumer<Map<String, byte[]>> done) {
        parts.worker().post(() -> done.accept(named(() -> parts.exports().renderPlots(Path.of("")))));
    }

    private Map<String, byte[]> named(java.util.function.Supplier<Map<Path, byte[]>> render) {
        try {
            Map<Path, byte[]> files = render.get();
            if (files == null) {
                return null;
            }
            Map<String, byte[]> out = new LinkedHashMap<>();
            files.forEach((p, b) -> out.put(p.getFileName().toString(), b));
            return out;
        } catch (RuntimeException e) {
            parts.workspace().notices().accept(Notice.error("could not export: " + Workspace.describe(e), e));
            return null;
        }
    }
}
