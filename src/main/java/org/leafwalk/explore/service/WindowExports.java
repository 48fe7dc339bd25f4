package org.leafwalk.explore.service;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.leafwalk.explore.export.Chart;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.export.Figures;
import org.leafwalk.explore.export.LipschitzExport;
import org.leafwalk.explore.export.OutputPlan;
import org.leafwalk.explore.export.TrajectoryExport;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.session.SessionFiles;
import org.leafwalk.explore.walk.Recording;

/**
 * The window's exports, on the compute thread. They follow the command line's rules: never over the model or the
 * input, never onto what is not a regular file; a notice says where each went or why it could not be written.
 */
final class WindowExports {
    private final Workspace workspace;
    private final Analyses analyses;
    private final Consumer<Notice> notices;

    WindowExports(Workspace workspace, Analyses analyses, Consumer<Notice> notices) {
        this.workspace = workspace;
        this.analyses = analyses;
        this.notices = notices;
    }

    /** Writes the walk up to the current step (or the last Lipschitz estimates) to {@code file}. */
    void export(ExportKind kind, Path file, Exports.GifOptions gif) {
        Session s = workspace.session();
        if (s == null) {
            notices.accept(Notice.error("nothing to export yet"));
            return;
        }
        try {
            java.util.Map<Path, byte[]> files = render(s, kind, file, gif);
            if (files == null) {
                return;
            }
            // the command line's rules: checked against the model and the input, written all or nothing
            plan(s).stageChecked("the export", files).commit();
            notices.accept(Notice.info("saved " + file));
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save " + file.getFileName() + ": " + Workspace.describe(e), e));
        }
    }

    /**
     * The files an export of the walk up to the current step consists of, by the paths they go to (a PNG export
     * writes the step's picture beside its dashboard); null when there is nothing to export (a notice says why).
     */
    java.util.Map<Path, byte[]> render(ExportKind kind, Path file, Exports.GifOptions gif) {
        Session s = workspace.session();
        if (s == null) {
            notices.accept(Notice.error("nothing to export yet"));
            return null;
        }
        return render(s, kind, file, gif);
    }

    private java.util.Map<Path, byte[]> render(Session s, ExportKind kind, Path file, Exports.GifOptions gif) {
        {
            java.util.Map<Path, byte[]> files = new java.util.LinkedHashMap<>();
            if (kind == ExportKind.LIPSCHITZ_CSV) {
                if (analyses.lastCurves() == null) {
                    notices.accept(Notice.error("estimate the Lipschitz ratios first"));
                    return null;
                }
                files.put(file, utf8(LipschitzExport.csv(analyses.lastCurves().curves())));
            } else {
                Recording r = s.recording();
                byte[] recorded = TrajectoryExport.recordedFile(kind.name().toLowerCase(java.util.Locale.ROOT), r, null);
                switch (kind) {
                    case SESSION, CSV, JSON, SAFETENSORS, NPZ -> files.put(file, recorded);
                    case GIF -> {
                        try (var drawer = Exports.drawer(s.subject(), r)) {
                            files.put(file, Exports.gifBytes(r, drawer, gif));
                        }
                    }
                    case PNG -> {
                        try (var drawer = Exports.drawer(s.subject(), r)) {
                            files.putAll(Exports.pngBytes(file, r, r.cursor(), drawer, 10));
                        }
                    }
                    default -> throw new IllegalStateException(kind.name());
                }
            }
            return files;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What the window's exports must not touch: the model folder and the input image. */
    private OutputPlan plan(Session s) {
        return new OutputPlan().input("model", workspace.modelDir())
                .input("input image", s != null ? s.subject().inputFile() : null);
    }

    /**
     * Writes every plot the window shows (spectrum, output distribution and drift at the current step; the last
     * Lipschitz curves and per-layer spectra where they were computed) into {@code dir} as PNG and SVG.
     */
    void exportPlots(Path dir) {
        Session s = workspace.session();
        if (s == null) {
            notices.accept(Notice.error("nothing to export yet"));
            return;
        }
        try {
            var files = renderPlots(s, dir);
            plan(s).stageChecked("the plots:", files).commit();
            notices.accept(Notice.info("saved " + files.size() / 2 + " plots as PNG and SVG in " + dir));
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save the plots in " + dir + ": " + Workspace.describe(e), e));
        }
    }

    /** The window's plots as PNG and SVG files in {@code dir}, by their paths; null when nothing is open. */
    java.util.Map<Path, byte[]> renderPlots(Path dir) {
        Session s = workspace.session();
        if (s == null) {
            notices.accept(Notice.error("nothing to export yet"));
            return null;
        }
        return renderPlots(s, dir);
    }

    private java.util.Map<Path, byte[]> renderPlots(Session s, Path dir) {
        Recording r = s.recording();
        java.util.List<Chart> charts = new java.util.ArrayList<>(Figures.ofWalk(r, r.cursor()));
        if (analyses.lastCurves() != null) {
            charts.add(Figures.lipschitz(analyses.lastCurves()));
        }
        if (analyses.lastLayers() != null) {
            charts.add(Figures.layers(analyses.lastLayers()));
        }
        return Figures.files(dir, charts);
    }

    /** Saves a picture the window made (the dashboard). */
    void savePicture(Path file, java.awt.image.BufferedImage image) {
        try {
            plan(workspace.session()).stageChecked("the picture", java.util.Map.of(file,
                    org.leafwalk.io.Images.encodePng(image))).commit();
            notices.accept(Notice.info("saved " + file));
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save " + file.getFileName() + ": " + Workspace.describe(e), e));
        }
    }
}
