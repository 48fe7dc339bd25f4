package org.leafwalk.explore;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.leafwalk.explore.ExportKind;

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
        if (!safeToWrite(file, kind == ExportKind.PNG ? Exports.scaledPng(file, 10) : null)) {
            return;
        }
        try {
            if (kind == ExportKind.LIPSCHITZ_CSV) {
                if (analyses.lastCurves() == null) {
                    notices.accept(Notice.error("estimate the Lipschitz ratios first"));
                    return;
                }
                LipschitzExport.writeCsv(file, analyses.lastCurves().curves());
            } else {
                Recording r = s.recording();
                switch (kind) {
                    case SESSION -> SessionFiles.save(file, r);
                    case CSV -> TrajectoryExport.writeCsv(file, r);
                    case JSON -> TrajectoryExport.writeJson(file, r);
                    case SAFETENSORS -> org.leafwalk.io.AtomicFiles.write(file, TrajectoryExport.safetensors(r));
                    case NPZ -> org.leafwalk.io.AtomicFiles.write(file, TrajectoryExport.npz(r));
                    case GIF -> Exports.gif(file, r, s.subject().drawer(r), gif);
                    case PNG -> Exports.png(file, r, r.cursor(), s.subject().drawer(r), 10);
                    default -> throw new IllegalStateException(kind.name());
                }
            }
            notices.accept(Notice.info("saved " + file));
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save " + file.getFileName() + ": " + Workspace.describe(e), e));
        }
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
            Recording r = s.recording();
            java.util.List<Chart> charts = new java.util.ArrayList<>(Figures.ofWalk(r, r.cursor()));
            if (analyses.lastCurves() != null) {
                charts.add(Figures.lipschitz(analyses.lastCurves()));
            }
            if (analyses.lastLayers() != null) {
                charts.add(Figures.layers(analyses.lastLayers()));
            }
            new OutputPlan().input("model", workspace.modelDir()).input("input image", s.subject().inputFile())
                    .stageChecked("the plots:", Figures.files(dir, charts)).commit();
            notices.accept(Notice.info("saved " + charts.size() + " plots as PNG and SVG in " + dir));
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save the plots in " + dir + ": " + Workspace.describe(e), e));
        }
    }

    /** Saves a picture the window made (the dashboard). */
    void savePicture(Path file, java.awt.image.BufferedImage image) {
        if (!safeToWrite(file, null)) {
            return;
        }
        try {
            Exports.savePicture(file, image);
            notices.accept(Notice.info("saved " + file));
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save " + file.getFileName() + ": " + Workspace.describe(e), e));
        }
    }

    private boolean safeToWrite(Path file, Path alsoWritten) {
        try {
            Session s = workspace.session();
            Path input = s != null ? s.subject().inputFile() : null;
            new OutputPlan().input("model", workspace.modelDir()).input("input image", input)
                    .output("the export", file).output("the scaled export", alsoWritten).check();
            return true;
        } catch (RuntimeException e) {
            notices.accept(Notice.error("could not save " + file.getFileName() + ": " + Workspace.describe(e), e));
            return false;
        }
    }
}
