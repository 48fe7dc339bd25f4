package org.leafwalk.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.geometry.Bounds;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.Lipschitz;
import org.leafwalk.geometry.OutputMetric;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.geometry.RepresentationMatch;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;

/**
 * The second seed paper's two faces on the shipped MNIST ViT: very different inputs can be walked to one
 * representation, and along null directions the representation barely moves while along the top eigendirection
 * it moves fast.
 */
class RepresentationGeometryTest {
    static Explorer ex;

    @BeforeAll
    static void open() {
        ex = Explorer.open(References.model("default"), Device.cpu(), DataType.FLOAT64);
    }

    @AfterAll
    static void close() {
        ex.close();
    }

    private static double[] sample(int i) {
        ImageInput img = ex.loadImage(References.input("sample:" + i, References.model("default")));
        return img.pixels();
    }

    @Test
    void matchingTwoDifferentDigitsShrinksTheRepresentationDistanceTenfold() {
        DifferentiableMap f = ex.map(InputSpace.PIXELS);
        Bounds box = ex.bounds(InputSpace.PIXELS, false);
        double[] source = sample(14); // a seven
        double[] target = sample(2); // a one
        RepresentationMatch m = RepresentationMatch.toRepresentation(f, source, target, box);
        RepresentationMatch.Progress p = null;
        for (int i = 0; i < 60; i++) {
            p = m.step(1e-3 * m.initialDistance());
            if (p.done()) {
                break;
            }
        }
        System.out.printf("match: representation distance %.4g -> %.4g in %d steps (%s)%n", p.initialDistance(),
                p.distance(), p.step(), p.reason());
        assertTrue(p.distance() * 10 <= p.initialDistance(), p.initialDistance() + " -> " + p.distance());
        assertTrue(box.contains(p.state().point()), "pixels left [0,1]");
        Readout now = ex.readout(p.state().output());
        Readout goal = ex.readout(Linearization.evaluate(f, target));
        assertEquals(goal.prediction(), now.prediction(), "the matched input is read as the target's class");
    }

    @Test
    void keepingTheRepresentationWhilePullingTowardAnotherDigit() {
        DifferentiableMap f = ex.map(InputSpace.PIXELS);
        Bounds box = ex.bounds(InputSpace.PIXELS, false);
        double[] source = sample(14);
        double[] target = sample(2);
        RepresentationMatch m = RepresentationMatch.keepingRepresentation(f, source, target, box, 0.5);
        double start = distance(source, target);
        RepresentationMatch.Progress p = null;
        for (int i = 0; i < 30; i++) {
            p = m.step(0);
            if (p.done()) {
                break;
            }
        }
        System.out.printf("keep: pixel distance to the target %.4g -> %.4g, representation drift %.3g%n", start,
                p.inputDistance(), p.distance());
        assertTrue(p.inputDistance() < 0.8 * start, "pixels approached " + start + " -> " + p.inputDistance());
        assertTrue(p.distance() < 0.01, "the representation drifted by " + p.distance());
        assertTrue(box.contains(p.state().point()));
        Readout now = ex.readout(p.state().output());
        Readout src = ex.readout(Linearization.evaluate(f, source));
        assertEquals(src.prediction(), now.prediction(), "still the source's class");
    }

    @Test
    void nullDirectionsAreAtLeastAHundredTimesFlatterThanTheTopEigendirection() {
        DifferentiableMap f = ex.map(InputSpace.PIXELS);
        double[] x = sample(14);
        double[] out = Linearization.evaluate(f, x);
        OutputSpec spec = OutputSpec.choose(OutputMetric.REPRESENTATION, out, f.logitCount(), 0);
        Linearization lin = Linearization.at(f, spec, x, 1e-6);
        List<Lipschitz.Curve> curves = Lipschitz.estimate(f, lin, spec, 3, 4, 4, 7, Lipschitz.DEFAULT_EPSILONS);
        Lipschitz.Curve top = curves.stream().filter(c -> c.kind() == Lipschitz.Kind.EIGEN && c.index() == 0)
                .findFirst().orElseThrow();
        assertEquals(top.rayleigh(), top.ratios()[0], 1e-3 * top.rayleigh(), "the ratio tends to √λmax");
        for (Lipschitz.Curve c : curves) {
            System.out.printf("%s %d: %s%n", c.kind().id(), c.index(), java.util.Arrays.toString(c.ratios()));
            if (c.kind() == Lipschitz.Kind.NULL) {
                for (int j = 0; j < 3; j++) { // ε = 1e-4, 3e-4, 1e-3
                    assertTrue(c.ratios()[j] * 100 <= top.ratios()[j], "null " + c.index() + " at ε = "
                            + c.epsilons()[j] + ": " + c.ratios()[j] + " vs top " + top.ratios()[j]);
                }
            }
        }
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
