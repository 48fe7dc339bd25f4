package org.leafwalk.explore.service;

import ai.djl.ndarray.types.DataType;
import java.util.function.Consumer;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.analysis.Estimates;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.subject.EngineSetup;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.Subject;

/**
 * The window's analyses at the walk's current point (Lipschitz ratios, per-layer spectra), on the compute thread.
 * Owns the float64 twin of the open image model they run on, opened on first use and closed with the model.
 */
final class Analyses implements AutoCloseable {
    private final Workspace workspace;
    private final Consumer<Notice> notices;
    private Explorer twin;
    private Analysis.LipschitzCurves lastCurves;
    private Analysis.LayerSpectra lastLayers;

    Analyses(Workspace workspace, Consumer<Notice> notices) {
        this.workspace = workspace;
        this.notices = notices;
        workspace.onModelChange(this::close);
    }

    /** The float64 twin of the open model. */
    Explorer twin() {
        if (twin == null) {
            twin = Explorer.open(workspace.modelDir(), EngineSetup.device(workspace.device()), DataType.FLOAT64);
        }
        return twin;
    }

    /** The walk's subject under the twin (a sentence stays under its own model). */
    Subject precise() {
        return workspace.session().subject().precise(this::twin);
    }

    Analysis lipschitz() {
        Session s = workspace.session();
        if (s == null) {
            notices.accept(Notice.error("open an input first"));
            return null;
        }
        lastCurves = Estimates.lipschitz(precise(), s.settings(), s.current().point(), s.trajectory().cursor(), 3, 3,
                3, s.settings().seed());
        return lastCurves;
    }

    Analysis layerSpectra() {
        Session s = workspace.session();
        if (s == null) {
            notices.accept(Notice.error("open an input first"));
            return null;
        }
        if (s.subject().layers() == 0) {
            notices.accept(Notice.error("per-layer spectra are for image models"));
            return null;
        }
        lastLayers = Estimates.layerSpectra(precise(), s.settings(), s.current().point(), s.trajectory().cursor());
        return lastLayers;
    }

    /** The last per-layer spectra (null: none since the model opened). */
    Analysis.LayerSpectra lastLayers() {
        return lastLayers;
    }

    /** The last Lipschitz estimates (null: none since the model opened). */
    Analysis.LipschitzCurves lastCurves() {
        return lastCurves;
    }

    @Override
    public void close() {
        lastCurves = null;
        lastLayers = null;
        if (twin != null) {
            twin.close();
            twin = null;
        }
    }
}
