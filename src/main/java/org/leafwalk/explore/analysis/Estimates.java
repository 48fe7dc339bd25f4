package org.leafwalk.explore.analysis;

import java.util.ArrayList;
import java.util.List;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.Lipschitz;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.io.InvalidInputException;

/** The estimates of the representation geometry at a point, for the window's analyses and the command line. */
public final class Estimates {
    /** The ε ladder of the Lipschitz estimates: 1e-4, 3e-4, 1e-3, …, 1. */
    public static final List<Double> EPSILONS = java.util.Arrays.stream(Lipschitz.DEFAULT_EPSILONS).boxed().toList();

    private Estimates() {}

    /**
     * Directional Lipschitz ratios at {@code x} along the {@code eigen} top eigendirections, {@code nulls} null and
     * {@code randoms} random unit directions of G (the draws seeded by {@code seed}), under {@code subject}'s map
     * with the settings' metric.
     */
    public static Analysis.LipschitzCurves lipschitz(Subject subject, Settings settings, double[] x, int step,
            int eigen, int nulls, int randoms, long seed) {
        DifferentiableMap f = subject.map();
        OutputSpec spec = OutputSpec.choose(settings.metric().engine(), Linearization.evaluate(f, x), f.logitCount(),
                settings.topK());
        Linearization lin = Linearization.at(f, spec, x, settings.tau());
        List<Analysis.Curve> curves = new ArrayList<>();
        for (Lipschitz.Curve c : Lipschitz.estimate(f, lin, spec, eigen, nulls, randoms, seed,
                Lipschitz.DEFAULT_EPSILONS)) {
            curves.add(new Analysis.Curve(Analysis.Family.valueOf(c.kind().name()), c.index(), c.rayleigh(),
                    c.epsilons(), c.ratios()));
        }
        return new Analysis.LipschitzCurves(step, settings.metric().id(), subject.layer(),
                subject.model().precision(), lin.spectrum().rank(), x.length, List.copyOf(curves));
    }

    /** The spectrum of G for every block's [CLS] state at {@code x} (representation metric, M = I). */
    public static Analysis.LayerSpectra layerSpectra(Subject subject, Settings settings, double[] x, int step) {
        int layers = subject.layers();
        if (layers == 0) {
            throw new InvalidInputException("per-layer spectra are for image models");
        }
        List<Analysis.Layer> out = new ArrayList<>();
        for (int l = 1; l <= layers; l++) {
            DifferentiableMap f = subject.with(settings.withLayer(l)).map();
            var y = Linearization.evaluate(f, x);
            var spec = OutputSpec.choose(OutputMetric.REPRESENTATION, y, f.logitCount(), 0);
            var lin = Linearization.at(f, spec, x, settings.tau());
            out.add(new Analysis.Layer(l, lin.spectrum().nonzeroEigenvalues(), lin.spectrum().rank(), x.length));
        }
        return new Analysis.LayerSpectra(step, subject.space().id(), List.copyOf(out));
    }
}
