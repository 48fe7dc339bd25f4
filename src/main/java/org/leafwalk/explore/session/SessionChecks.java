package org.leafwalk.explore.session;

import java.nio.file.Path;
import java.util.List;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.ImageSubject;
import org.leafwalk.explore.subject.Subject;
import org.leafwalk.explore.subject.TextSubject;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.io.InvalidInputException;

/**
 * Whether a saved session can be trusted and opened: it agrees with itself (steps, probabilities, cursor, picture),
 * it belongs to a model of its kind and shape, and it fits the subject its input opens as; and that subject.
 */
public final class SessionChecks {
    private SessionChecks() {}

    /**
     * The input a session was recorded from, under an opened model; refused, naming the session's field, when the
     * model is not of the session's kind or shape, or the session does not fit it ({@link #requireFits}:
     * with the weights it was recorded with, every step's probabilities are read again at its point). The one check
     * of the window and of {@code export}; {@code source} names the file in the message.
     */
    public static Subject reopen(Explorer model, Path modelDir, SessionFiles.Loaded loaded, String source) {
        Recording r = loaded.recording();
        requireModel(r, model, modelDir, source);
        // a refused session leaves the model as it was: the window may be walking on it
        List<String> labelsBefore = !r.isText() && model.zeroShotImage() ? model.config().labels() : null;
        Subject subject = null;
        try {
            if (labelsBefore != null) {
                model.setZeroShotLabels(r.labels()); // the classes the walk was recorded over
            }
            subject = r.isText() ? TextSubject.open(model, r.text(), r.settings())
                    : ImageSubject.open(model, Path.of(r.inputName()), org.leafwalk.model.ImageInput.fromImage(
                            r.inputName(), org.leafwalk.io.Images.decodePng(r.inputPng()), model.config()),
                            r.settings());
            requireFits(r, subject, !loaded.modelChanged(), source);
            return subject;
        } catch (RuntimeException e) {
            if (subject != null) {
                subject.close();
            }
            if (labelsBefore != null && !labelsBefore.equals(model.config().labels())) {
                model.setZeroShotLabels(labelsBefore);
            }
            throw e;
        }
    }

    /** Refuses what the session contradicts itself in; {@code source} names the file. */
    static void requireConsistent(Recording r, String source) {
        try {
            r.settings().validateRecorded();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + ": " + e.getMessage(), e);
        }
        List<TrajectoryEntry> steps = r.trajectory();
        int labels = r.labels().size();
        for (int s = 0; s < steps.size(); s++) {
            TrajectoryEntry e = steps.get(s);
            String at = source + ": steps[" + s + "]";
            if (e.step() != s) {
                throw new InvalidInputException(at + ".step is " + e.step() + ": the steps are numbered 0, 1, 2, "
                        + "... in order (the file was edited)");
            }
            double[] p = e.probabilities();
            if (p.length != labels) {
                throw new InvalidInputException(at + ".probabilities has " + p.length + " values for " + labels
                        + " labels");
            }
            double sum = 0;
            for (int i = 0; i < p.length; i++) {
                if (!Double.isFinite(p[i])) {
                    throw new InvalidInputException(at + ".probabilities[" + i + "] is not a number (" + p[i]
                            + "): a recorded probability is always finite");
                }
                if (p[i] < 0 || p[i] > 1) {
                    throw new InvalidInputException(at + ".probabilities[" + i + "] is " + p[i]
                            + ": a probability is in [0, 1]");
                }
                sum += p[i];
            }
            if (labels > 0 && Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new InvalidInputException(at + ".probabilities sum to " + sum + ", not 1");
            }
            if (labels == 0 ? e.prediction() != -1 : e.prediction() < 0 || e.prediction() >= labels) {
                throw new InvalidInputException(at + ".prediction is " + e.prediction() + " but there are " + labels
                        + " labels" + (labels == 0 ? " (a model without classes predicts -1)" : ""));
            }
        }
        if (r.cursor() < 0 || r.cursor() >= steps.size()) {
            throw new InvalidInputException(source + ": cursor is " + r.cursor() + " but the trajectory has steps 0 "
                    + "to " + (steps.size() - 1));
        }
        if (r.isText()) {
            return;
        }
        if (r.channels() != 1 && r.channels() != 3) {
            throw new InvalidInputException(source + ": input.channels is " + r.channels() + "; a picture has 1 or 3");
        }
        java.awt.image.BufferedImage png;
        try {
            png = org.leafwalk.io.Images.decodePng(r.inputPng());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + ": input.png_base64: " + e.getMessage(), e);
        }
        if (png.getWidth() != r.size() || png.getHeight() != r.size()) {
            throw new InvalidInputException(source + ": input.png_base64 is a " + png.getWidth() + "×"
                    + png.getHeight() + " picture but input.size is " + r.size() + " (the session's picture is as its "
                    + "model read it)");
        }
    }

    /** How far a recorded distribution's sum may be from 1 (they are written with every digit of a double). */
    private static final double SUM_TOLERANCE = 1e-4;

    /**
     * How far a recorded probability may be from the model's at the recorded point: the points are kept as float32,
     * which the float32 models read as they are; a float64 model or another device rounds differently, by far less.
     */
    static final double OUTPUT_TOLERANCE = 1e-4;

    /**
     * Refuses a session whose model is not of its kind or shape, before its input is read: an image session on a
     * text model or back, a layer the model does not have, a picture of another size or channel count than the
     * model reads.
     */
    static void requireModel(Recording r, Explorer model, Path modelDir, String source) {
        boolean byName = !r.modelReference().equals(r.modelPath());
        String named = byName ? "'" + r.modelReference() + "' (" + modelDir + ")" : modelDir.toString();
        if (r.isText() != model.isText()) {
            throw new InvalidInputException(source + ": it was recorded on " + (r.isText() ? "a text" : "an image")
                    + " model, and its model " + named + " is " + (model.isText() ? "a text" : "an image") + " model");
        }
        int layer = r.settings().layer();
        if (layer > 0 && model.isText()) {
            throw new InvalidInputException(source + ": settings.layer is " + layer + ": a layer is chosen on image "
                    + "models only");
        }
        if (layer > model.layers()) {
            throw new InvalidInputException(source + ": settings.layer is " + layer + " but the model has layers 1 to "
                    + model.layers());
        }
        if (!model.isText() && (r.size() != model.config().imageSize()
                || r.channels() != model.config().numChannels())) {
            throw new InvalidInputException(source + ": its input is a " + r.channels() + "-channel " + r.size() + "×"
                    + r.size() + " picture but the model " + named + " reads " + model.config().numChannels()
                    + "-channel " + model.config().imageSize() + "×" + model.config().imageSize() + " pictures (the "
                    + "session belongs to another model, or was edited)");
        }
    }

    /**
     * Refuses a session that does not fit the subject it is opened as: points of another dimension than the model's
     * input space, (text) a start point other than the sentence's embedding under this model, which is what a
     * sentence edited by hand gives (its tokens are no longer those the walk recorded), labels other than the
     * model's; and, when the model's weights are those the session was recorded with ({@code sameWeights}), a step
     * whose recorded probabilities are not what the model gives at its recorded point (a point or probabilities
     * edited by hand). The window and {@code export} check a session through this one method.
     */
    static void requireFits(Recording r, Subject subject, boolean sameWeights, String source) {
        double[] start = subject.start();
        int dimension = start.length;
        if (r.dimension() != dimension) {
            throw new InvalidInputException(source + ": points have dimension " + r.dimension() + " but the model's "
                    + r.settings().space().id() + " space has " + dimension + " (the session belongs to another "
                    + "model or input, or was edited)");
        }
        if (r.isText()) {
            double[] recorded = r.trajectory().get(0).point();
            for (int i = 0; i < start.length; i++) {
                if (Math.abs(start[i] - recorded[i]) > 1e-4 * (1 + Math.abs(start[i]))) {
                    throw new InvalidInputException(source + ": input.text.sentence \"" + r.text().sentence()
                            + "\" does not give the tokens the session recorded (its start point differs at "
                            + "coordinate " + i + "): the sentence was edited, or the model's tokenizer changed");
                }
            }
        }
        if (!r.labels().equals(subject.labels())) {
            throw new InvalidInputException(source + ": labels are " + brief(r.labels()) + " but the model's are "
                    + brief(subject.labels()) + " (the session belongs to another model, or was edited)");
        }
        if (!sameWeights || r.labels().isEmpty()) {
            return;
        }
        List<TrajectoryEntry> steps = r.trajectory();
        double[] points = new double[steps.size() * dimension];
        for (int s = 0; s < steps.size(); s++) {
            System.arraycopy(steps.get(s).point(), 0, points, s * dimension, dimension);
        }
        double[][] outputs = org.leafwalk.geometry.Lipschitz.evaluate(subject.map(), points, steps.size(), dimension,
                32);
        for (int s = 0; s < steps.size(); s++) {
            double[] now = subject.readout(outputs[s]).probabilities();
            double[] recorded = steps.get(s).probabilities();
            for (int i = 0; i < now.length; i++) {
                if (!(Math.abs(now[i] - recorded[i]) <= OUTPUT_TOLERANCE)) {
                    throw new InvalidInputException(String.format(java.util.Locale.ROOT, "%s: steps[%d].probabilities "
                            + "are not what the model gives at the step's point (%s: %.6g recorded, %.6g now): the "
                            + "point or the probabilities were edited", source, s, r.labels().get(i), recorded[i],
                            now[i]));
                }
            }
        }
    }

    /** A list of labels in a line: the first few. */
    private static String brief(List<String> labels) {
        return labels.size() <= 6 ? labels.toString() : "[" + String.join(", ", labels.subList(0, 5)) + ", and "
                + (labels.size() - 5) + " more]";
    }
}
