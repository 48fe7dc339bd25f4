package org.leafwalk.explore;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.leafwalk.geometry.Bounds;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.Linearization;
import org.leafwalk.geometry.RepresentationMatch;
import org.leafwalk.geometry.Vectors;
import org.leafwalk.io.Images;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;

/**
 * A representation match in pixel space, for the window and the command line: walk from a source image to the
 * [CLS] representation of a target image (Gauss-Newton with a line search), or ({@code keep}) keep the source's
 * representation while the pixels are pulled toward the target. Pixels stay in [0,1]. Confined to one thread.
 */
public final class Match {
    private final Explorer model;
    private final RepresentationMatch m;
    private final boolean keep;
    private final int budget;
    private final double[] source;
    private final double[] target;
    private final Bounds box;
    private final Readout sourceRead;
    private final Readout targetRead;
    private final StringBuilder csv = new StringBuilder(
            "step,representation_distance,pixel_distance_to_target,prediction,probability\n");
    private RepresentationMatch.Progress last;

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
        csv.append(row(0, m.initialDistance(), Vectors.distance(this.source, this.target), sourceRead));
    }

    /** A match from the image of {@code source} toward the image file {@code target}, on the model it was read by. */
    static Match from(ImageSubject source, Path target, boolean keep, double stepSize, int budget) {
        Explorer model = source.model();
        ImageInput t = model.loadImage(target);
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
        csv.append(row(last.step(), last.distance(), Vectors.distance(last.state().point(), target), r));
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

    /** The image reached as PNG, {@code scale} pixels per input pixel. */
    public byte[] resultPng(int scale) {
        var cfg = model.config();
        return Images.encodePng(Frames.input(current(), cfg.numChannels(), cfg.imageSize(), scale));
    }

    /** Source, result and target side by side, as PNG. */
    public byte[] comparisonPng() {
        var cfg = model.config();
        int s = 8;
        List<BufferedImage> parts = new ArrayList<>();
        for (double[] px : new double[][] {source, current(), target}) {
            parts.add(Frames.input(px, cfg.numChannels(), cfg.imageSize(), s));
        }
        int w = parts.get(0).getWidth();
        BufferedImage img = new BufferedImage(3 * w + 16, w, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < 3; i++) {
            g.drawImage(parts.get(i), i * (w + 8), 0, null);
        }
        g.dispose();
        return Images.encodePng(img);
    }

    /** The match's summary (what match.json holds, after the caller's model, source and target). */
    public void describe(Map<String, Object> o, int layer, String sourceRef, String targetRef) {
        Readout end = model.readout(m.current().output());
        double[] result = m.current().point();
        o.put("mode", keep ? "keep-representation" : "match-representation");
        o.put("layer", layer <= 0 ? model.config().numLayers() : layer);
        o.put("source", sourceRef);
        o.put("target", targetRef);
        o.put("steps", last == null ? 0 : last.step());
        o.put("stopped", last == null ? "" : last.reason());
        o.put("initial_distance", m.initialDistance());
        o.put("final_distance", m.distance(m.current().selected()));
        o.put("initial_pixel_distance", Vectors.distance(source, target));
        o.put("final_pixel_distance", Vectors.distance(result, target));
        o.put("pixels_in_range", box.contains(result));
        o.put("source_prediction", Json.prediction(sourceRead));
        o.put("target_prediction", Json.prediction(targetRead));
        o.put("final_prediction", Json.prediction(end));
    }

    /** One line for the terminal. */
    public String summary(Path out) {
        Readout end = model.readout(m.current().output());
        return String.format(Locale.ROOT, "%s: representation distance %.4g -> %.4g in %d steps (%s); %s (p=%.3f) -> "
                        + "%s (p=%.3f), target %s; pixel distance to the target %.3g -> %.3g; written to %s",
                keep ? "keep" : "match", m.initialDistance(), m.distance(m.current().selected()),
                last == null ? 0 : last.step(), last == null ? "" : last.reason(), sourceRead.label(),
                sourceRead.confidence(), end.label(),
                end.confidence(), targetRead.label(), Vectors.distance(source, target),
                Vectors.distance(current(), target), out);
    }

    private static String row(int step, double dist, double pixels, Readout r) {
        return String.format(Locale.ROOT, "%d,%.9g,%.9g,%s,%.9g%n", step, dist, pixels, r.label(),
                r.confidence());
    }
}
