package org.leafwalk.explore;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.analysis.Match;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.testing.SevenToOne;

/** The representation tools through the compute service: match, Lipschitz curves and CSV, per-layer spectra. */
class RepresentationServiceTest {
    @TempDir
    Path tmp;

    @Test
    void matchesEstimatesAndReportsEveryLayer() throws Exception {
        List<Snapshot> snaps = new CopyOnWriteArrayList<>();
        List<Notice> notices = new CopyOnWriteArrayList<>();
        List<Analysis> results = new CopyOnWriteArrayList<>();
        Path model = References.model("default");
        try (ExplorationService svc = new ExplorationService("cpu", snaps::add, notices::add)) {
            svc.setAnalysisListener(results::add);
            svc.open(model, SevenToOne.SOURCE);
            HangGuard.awaitIdle(svc);
            // per-layer spectra of the [CLS] state (4 blocks)
            svc.estimateLayerSpectra();
            HangGuard.awaitIdle(svc);
            Analysis.LayerSpectra layers = (Analysis.LayerSpectra) results.stream()
                    .filter(a -> a instanceof Analysis.LayerSpectra).findFirst().orElseThrow();
            assertEquals(4, layers.layers().size());
            for (Analysis.Layer l : layers.layers()) {
                assertTrue(l.rank() >= 1 && l.rank() <= 48, "layer " + l.layer() + " rank " + l.rank());
                assertEquals(784, l.dimension());
                System.out.printf("layer %d: rank %d, λmax %.4g, λmin %.4g%n", l.layer(), l.rank(),
                        l.eigenvalues()[0], l.eigenvalues()[l.eigenvalues().length - 1]);
            }
            // Lipschitz curves in the representation metric, and their CSV
            svc.applySettings(Settings.defaults().withMetric(Metric.REPRESENTATION));
            HangGuard.awaitIdle(svc);
            svc.estimateLipschitz();
            HangGuard.awaitIdle(svc);
            Analysis.LipschitzCurves curves = (Analysis.LipschitzCurves) results.stream()
                    .filter(a -> a instanceof Analysis.LipschitzCurves).findFirst().orElseThrow();
            assertEquals("float64", curves.precision());
            assertEquals(9, curves.curves().size());
            double top = curves.curves().get(0).ratios()[0];
            for (Analysis.Curve c : curves.curves()) {
                if (c.family() == Analysis.Family.NULL) {
                    assertTrue(c.ratios()[0] * 100 < top, "null ratio " + c.ratios()[0] + " vs top " + top);
                }
            }
            Path csv = tmp.resolve("lipschitz.csv");
            svc.export(ExportKind.LIPSCHITZ_CSV, csv, null);
            HangGuard.awaitIdle(svc);
            assertEquals(1 + 9 * 9, Files.readAllLines(csv).size());
            // walking with the representation of block 2 (autograd through the truncated network)
            svc.applySettings(Settings.defaults().withMetric(Metric.REPRESENTATION).withLayer(2));
            HangGuard.awaitIdle(svc);
            svc.stepOnce(WalkAlgorithm.SIMEC);
            HangGuard.awaitIdle(svc);
            Snapshot layered = snaps.get(snaps.size() - 1);
            assertEquals(2, layered.settings().layer());
            assertEquals(1, layered.walk().step());
            assertEquals(layers.layers().get(1).rank(), layered.spectrum().rank(), "the walk's G is block 2's");
            // a match to sample 2 (a one) on the model's own representation, then walking from its result
            svc.applySettings(Settings.defaults().withMetric(Metric.REPRESENTATION));
            HangGuard.awaitIdle(svc);
            svc.startMatch(References.input(SevenToOne.TARGET, model), false, SevenToOne.STEPS,
                    SevenToOne.STEP_SIZE);
            HangGuard.awaitIdle(svc); // idle includes the match: it has run to its end
            Analysis.Match done = (Analysis.Match) results.stream()
                    .filter(a -> a instanceof Analysis.Match m && m.done()).findFirst().orElseThrow();
            assertTrue(done.distance() * 10 <= done.initialDistance(), done.initialDistance() + " -> "
                    + done.distance());
            assertEquals(done.targetPrediction(), done.prediction());
            // the window's match is the command line's: the same steps to the same distance
            var cli = SevenToOne.match().json();
            assertEquals(cli.get("steps").getAsInt(), done.step());
            assertEquals(cli.get("initial_distance").getAsDouble(), done.initialDistance(), 0);
            assertEquals(cli.get("final_distance").getAsDouble(), done.distance(),
                    1e-12 * done.initialDistance());
            svc.adoptMatch();
            HangGuard.awaitIdle(svc);
            Snapshot s = snaps.get(snaps.size() - 1);
            assertEquals("matched.png", s.source().input());
            assertEquals(1, s.outputs().startPrediction(), "the matched image reads as a one");
        }
        assertTrue(notices.stream().noneMatch(n -> n.level() == Notice.Level.ERROR), notices.toString());
        assertNotNull(snaps.get(0));
    }
}
