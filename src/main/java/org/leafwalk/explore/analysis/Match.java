package org.leafwalk.explore.analysis;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.ImageSubject;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.geometry.Bounds;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.RepresentationMatch;
import org.leafwalk.geometry.Vectors;
import org.leafwalk.io.Csv;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;

/**
 * A representation match in pixel space, for the window and the command line: walk from a source image to the
 * [CLS] representation of a target image (Gauss-Newton with a line search), or ({@code keep}) keep the source's
 * representation while the pixels are pulled toward the target. Pixels stay in [0,1]. Confined to one thread.
 */
public final class Match {
    final Explorer model;
    final RepresentationMatch m;
    final boolean keep;
    private final int budget;
    final double[] source;
    final double[] target;
    final Bounds box;
    final Readout sourceRead;
    final Readout targetRead;
    private final Csv csv = new Csv(
            List.of("step", "representation_distance", "pixel_distance_to_target", "prediction", "probability"));
    RepresentationMatch.Progress last;

    private Match(Explorer model, double[] source, double[] target, int layer, boolean keep, double stepSize,
            int budget) {
        this.model = model;
        this.keep = keep;
        this.budget = Math.max(1, budget);
        this.source = source.clone();
        this.target = target.clone();
        DifferentiableMap f = model.map(InputSpace.PIXELS, layer);
        this.box = model.bounds(InputSpace.PIXELS, false);
        this.m = keep ? RepresentationMatch.keepingRepresentation(f, this.source, this.target, box, stepSize)
                : RepresentationMatch.toRepresentation(f, this.source, this.target, box);
        this.sourceRead = model.readout(Linearization.evaluate(f, this.source));
        this.targetRead = model.readout(Linearization.evaluate(f, this.target));
        csv.row(row(0, m.initialDistance(), Vectors.distance(this.source, this.target), sourceRead));
    }

    /** A match from the image of {@code source} toward the image file {@code target}, on the model it was read by. */
    public static Match from(ImageSubject source, Path target, boolean keep, double stepSize, int budget) {
        return from(source, source.model().loadImage(target), keep, stepSize, budget);
    }

    /** A match toward a target image already read by the source's model. */
    public static Match from(ImageSubject source, ImageInput t, boolean keep, double stepSize, int budget) {
        Explorer model = source.model();
        return new Match(model, source.image().pixels(), t.pixels(), source.layer(), keep, stepSize, budget);
    }

    /**
     * A match between two images read by an opened image model (files or sample:N); {@code layer}: whose [CLS]
     * state is matched (≤ 0: the model's own representation).
     */
    public static Match open(Explorer model, Path modelDir, String source, String target, int layer, boolean keep,
            double stepSize, int budget) {
        if (model.isText()) {
            throw new InvalidInputException("match works on image models");
        }
        ImageInput s = model.loadImage(References.input(source, modelDir));
        ImageInput t = model.loadImage(References.input(target, modelDir));
        return new Match(model, s.pixels(), t.pixels(), layer, keep, stepSize, budget);
    }

    /** A match between two images given as pixels in [0,1] (the batch experiments' test images). */
    public static Match between(Explorer model, double[] source, double[] target, int layer, boolean keep,
            double stepSize, int budget) {
        return new Match(model, source, target, layer, keep, stepSize, budget);
    }

    /** One Gauss-Newton step; done when the representation distance is below {@code tolerance} of the initial. */
    public Analysis.Match step(double tolerance) {
        last = m.step(tolerance * m.initialDistance());
        Readout r = model.readout(last.state().output());
        csv.row(row(last.step(), last.distance(), Vectors.distance(last.state().point(), target), r));
        boolean done = last.done() || last.step() >= budget;
        return progress(last.step(), last.distance(), done,
                last.done() ? last.reason() : done ? "the step budget is spent" : "");
    }

    /** Where the match stands before its first step. */
    public Analysis.Match progress() {
        return progress(0, m.initialDistance(), false, "");
    }

    private Analysis.Match progress(int step, double distance, boolean done, String reason) {
        var cfg = model.config();
        double[] x = m.current().point();
        Readout r = model.readout(m.current().output());
        return new Analysis.Match(keep, step, budget, source, x.clone(), target, cfg.numChannels(), cfg.imageSize(),
                distance, m.initialDistance(), Vectors.distance(x, target), cfg.labels(), r.probabilities(),
                r.prediction(), sourceRead.prediction(), targetRead.prediction(), done, reason);
    }

    /** The image reached. */
    public double[] current() {
        return m.current().point().clone();
    }

    /** Every step's distances and prediction, as CSV. */
    public String csv() {
        return csv.toString();
    }

    /** The source image. */
    public double[] source() {
        return source.clone();
    }

    /** The target image. */
    public double[] target() {
        return target.clone();
    }

    /** The model the match runs on. */
    public Explorer model() {
        return model;
    }

    private static List<String> row(int step, double dist, double pixels, Readout r) {
        return List.of(Integer.toString(step), String.format(Locale.ROOT, "%.9g", dist),
                String.format(Locale.ROOT, "%.9g", pixels), r.label(), String.format(Locale.ROOT, "%.9g",
                        r.confidence()));
    }
}
