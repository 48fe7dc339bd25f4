package org.leafwalk.explore.service;

import java.util.List;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.subject.InputView;
import org.leafwalk.explore.subject.TextView;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;

/**
 * What the window shows after a step, as plain immutable numbers grouped by panel: published by the compute thread,
 * read by the UI thread. No NDArray ever leaves the compute thread.
 *
 * @param version increases with every snapshot published
 * @param busy a drag or a walk is moving
 * @param preview a first-order preview made on the display's side ({@link Preview}), not a computed state
 */
public record Snapshot(
        long version,
        Source source,
        Input input,
        Outputs outputs,
        Spectrum spectrum,
        Directions directions,
        Walk walk,
        Timing timing,
        Settings settings,
        boolean busy,
        boolean preview) {

    /**
     * What is open: the model's folder name, the device it runs on, the input's name, the space and metric, and a
     * line of facts (family, parameters, tokens, input size, the dimension walked).
     */
    /** @param zeroShotImage whether the classes are a CLIPModel's label prompts, which the user may edit */
    public record Source(String model, String device, String input, Space space, Metric metric, String facts,
            boolean zeroShotImage) {}

    /**
     * The point walked.
     *
     * @param dimension n, the input dimension of the space walked in
     * @param view the current point as shown: an image (decoded through the patch projection in embedding space)
     *     or a sentence's token strip
     * @param start the start point as an image; null for a sentence
     */
    public record Input(int dimension, InputView view, InputView.Image start) {}

    /**
     * The output distribution here and at the start, over {@code labels}.
     *
     * @param tracked the classes the class metric sees (the top-k at the start); empty for the representation metric
     */
    public record Outputs(List<String> labels, double[] probabilities, double[] startProbabilities, int prediction,
            int startPrediction, int[] tracked) {
        /** Whether the model has classes (a backbone without a classifier has none, and no prediction). */
        public boolean hasClasses() {
            return !labels.isEmpty();
        }

        public String predictedLabel() {
            return Readout.labelOf(labels, prediction);
        }

        public String startLabel() {
            return Readout.labelOf(labels, startPrediction);
        }
    }

    /**
     * The spectrum of G here.
     *
     * @param eigenvalues the non-zero spectrum, descending
     * @param gramEigenvalues every eigenvalue of the Gram matrix (null ones included), for the spectrum plot
     */
    public record Spectrum(double[] eigenvalues, double[] gramEigenvalues, int rank, double tau) {}

    /**
     * The tracked directions, as the sliders show them.
     *
     * @param eigenvalues the eigenvalue each "changes the prediction" direction follows now
     * @param eigenPictures each such direction as an image (C, H, W), signed, or per-token lengths for a sentence
     * @param nullPictures each "keeps the prediction" direction, the same way
     * @param eigenChanges J·v for each eigendirection v over the outputs the metric sees (the columns of
     *     {@link Outputs#tracked} for a class metric), from the last linearisation; an entry is null where it was
     *     not computed (while a drag moves, only the dragged direction's is)
     * @param nullChanges the same for each null direction
     */
    public record Directions(double[] eigenvalues, double[][] eigenPictures, double[][] nullPictures,
            double[][] eigenChanges, double[][] nullChanges) {}

    /**
     * Where the walk stands.
     *
     * @param step the cursor's step; {@code length} steps are recorded (those undone past the cursor included)
     * @param driftDistance distance from the start at every step up to the cursor (the drift plot's x)
     * @param driftKl KL divergence from the start distribution at those steps (the drift plot's y)
     * @param dragId the slider drag being walked (−1: none)
     * @param dragWalked the signed distance walked along it when this state was made
     */
    public record Walk(int step, int length, double distance, double kl, double lastDelta, double[] driftDistance,
            double[] driftKl, long dragId, double dragWalked) {}

    /**
     * How long the last step took and the walk's rate.
     *
     * @param longSteps an exact step here is long ({@link Session#longSteps}: a ViT-Base), so a display previews
     *     the way ahead while a step computes
     */
    public record Timing(double stepMillis, double stepsPerSecond, boolean longSteps) {}

    /** The current point as an image; null for a sentence. */
    public InputView.Image picture() {
        return input.view() instanceof InputView.Image i ? i : null;
    }

    /** The sentence's token strip; null for an image. */
    public TextView text() {
        return input.view() instanceof TextView t ? t : null;
    }
}
