package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.ImageSubject;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.model.ImageInput;
import org.leafwalk.testing.TinyVit;

/**
 * A SiMEC stretch keeps the outputs of the point where it began, however the walk got there: after SiMExp steps and
 * new settings, after scrubbing or undoing to an earlier step, after a session was reopened.
 */
class SimecAnchorTest {
    @TempDir
    static Path tmp;

    static Path model;

    static final Settings SETTINGS = Settings.DEFAULTS.withStep(StepLength.FIXED, 0.02).withSeed(3);

    @BeforeAll
    static void writeModel() {
        model = TinyVit.write(tmp, "anchor", TinyVit.small(), 9);
    }

    private static Session session(Explorer ex) {
        ImageSubject subject = ImageSubject.open(ex, tmp.resolve("blob.png"),
                new ImageInput("blob", TinyVit.blob(1, 12, 4), 1, 12, List.of()), SETTINGS);
        return new Session("tiny", model, subject, SETTINGS);
    }

    private static void walk(Session s, WalkAlgorithm a, int steps) {
        for (int i = 0; i < steps; i++) {
            s.step(a, 0, 1, Double.POSITIVE_INFINITY);
        }
    }

    /** The largest change of a class probability over {@code steps} SiMEC steps from where the session is now. */
    private static double simecDrift(Session s, int steps) {
        double[] p0 = s.readout().probabilities();
        double drift = 0;
        for (int i = 0; i < steps; i++) {
            drift = Math.max(drift, maxChange(p0, s.step(WalkAlgorithm.SIMEC, 0, 1, Double.POSITIVE_INFINITY)
                    .readout().probabilities()));
        }
        return drift;
    }

    /**
     * How far the outputs are, once the stretch settled onto its level set, from where SiMEC began: {@code steps}
     * steps of δ = 0.02 each carry a second-order drift of about 1e-4 that settling removes, so what is left is
     * how far the level set kept is from the one the stretch began on.
     */
    private static double settledDrift(Session s, int steps) {
        double[] p0 = s.readout().probabilities();
        walk(s, WalkAlgorithm.SIMEC, steps);
        return maxChange(p0, s.settle(true).probabilities());
    }

    private static double maxChange(double[] a, double[] b) {
        double m = 0;
        for (int c = 0; c < a.length; c++) {
            m = Math.max(m, Math.abs(a[c] - b[c]));
        }
        return m;
    }

    @Test
    void afterSimexpStepsAndANewStepScaleSimecKeepsWhereItBegan() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT64); Session s = session(ex)) {
            walk(s, WalkAlgorithm.SIMEXP, 20);
            // steps of 1e-4: what each step leaves for the next one to retract (the first-order change along
            // eigendirections under τ·λmax, which count as null, and the second-order change) is far below 1e-6
            s.apply(s.settings().withStep(StepLength.FIXED, 1e-4));
            double drift = simecDrift(s, 10);
            assertTrue(drift < 1e-6, "SiMEC after SiMExp and a new η moved the probabilities by " + drift);
        }
    }

    @Test
    void afterSimexpStepsWithoutNewSettingsSimecKeepsWhereItBegan() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT64); Session s = session(ex)) {
            walk(s, WalkAlgorithm.SIMEXP, 20);
            double drift = settledDrift(s, 10);
            assertTrue(drift < 1e-6, "SiMEC after SiMExp settled " + drift + " from where it began");
        }
    }

    @Test
    void aNewStepScaleInTheMiddleOfAStretchKeepsItsAnchor() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT64); Session s = session(ex)) {
            walk(s, WalkAlgorithm.SIMEXP, 20);
            double[] p0 = s.readout().probabilities();
            walk(s, WalkAlgorithm.SIMEC, 5);
            s.apply(s.settings().withStep(StepLength.FIXED, 0.01));
            walk(s, WalkAlgorithm.SIMEC, 5);
            double drift = maxChange(p0, s.settle(true).probabilities());
            assertTrue(drift < 1e-6, "the stretch's outputs moved by " + drift + " across a new η");
        }
    }

    @Test
    void afterScrubbingBackSimecKeepsThePointItWalksFrom() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT64); Session s = session(ex)) {
            walk(s, WalkAlgorithm.SIMEXP, 10);
            s.apply(s.settings().withTau(1e-5));
            walk(s, WalkAlgorithm.SIMEC, 3); // a stretch anchored at step 10
            s.scrub(5, false); // back into the SiMExp part, whose outputs differ from step 10's and the start's
            double drift = settledDrift(s, 10);
            assertTrue(drift < 1e-6, "SiMEC from a scrubbed-to step settled " + drift + " from it");
        }
    }

    @Test
    void aReopenedSessionWalksSimecFromItsCursor() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT64)) {
            Recording saved;
            try (Session s = session(ex)) {
                walk(s, WalkAlgorithm.SIMEXP, 20);
                saved = s.recording();
            }
            try (Session again = session(ex)) {
                again.restore(saved, false);
                double drift = settledDrift(again, 10);
                assertTrue(drift < 1e-6, "SiMEC in a reopened session settled " + drift + " from its cursor");
            }
        }
    }

    /** Switching the correction on in an uncorrected stretch keeps where the walk stands, not where it began. */
    @Test
    void theCorrectionSwitchedOnKeepsWhereTheWalkStands() {
        try (Explorer ex = Explorer.open(model, Device.cpu(), DataType.FLOAT64); Session s = session(ex)) {
            s.apply(s.settings().withCorrected(false));
            walk(s, WalkAlgorithm.SIMEC, 20); // drifts: nothing pulls it back
            s.apply(s.settings().withCorrected(true));
            double drift = settledDrift(s, 5);
            assertTrue(drift < 1e-6, "the corrected stretch settled " + drift + " from where it began");
        }
    }
}
