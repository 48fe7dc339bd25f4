package org.leafwalk.explore;

import java.util.List;

/**
 * What the window shows after a step, as plain immutable numbers: published by the compute thread, read by the UI
 * thread. No NDArray ever leaves the compute thread.
 *
 * @param dimension n, the input dimension of the space walked in
 * @param image the current point as an image (C, H, W) in [0,1] (decoded through the patch projection in
 *     embedding space)
 * @param patchResidual embedding space: per patch, the part of the embedding no image can produce (else null)
 * @param eigenvalues the non-zero spectrum of G, descending
 * @param gramEigenvalues every eigenvalue of the Gram matrix (null ones included), for the spectrum plot
 * @param sliderEigenvalues the eigenvalue each "changes the prediction" slider follows now
 * @param eigenThumbs each such slider's direction as an image (C, H, W), signed
 * @param nullThumbs each "keeps the prediction" direction as an image (C, H, W), signed
 * @param driftDistance distance from the start at every recorded step (the drift plot's x)
 * @param driftKl KL divergence from the start distribution at every recorded step (the drift plot's y)
 * @param text a text walk's token strip (then image, startImage are empty, channels and size 0, and the thumbs
 *     hold per-token lengths); null for an image walk
 */
public record Snapshot(
        long version,
        String model,
        String device,
        String input,
        String space,
        String metric,
        int channels,
        int size,
        int dimension,
        int step,
        int trajectoryLength,
        double[] image,
        double[] startImage,
        double[] patchResidual,
        double relativeResidual,
        List<String> labels,
        double[] probabilities,
        double[] startProbabilities,
        int prediction,
        int startPrediction,
        double[] eigenvalues,
        double[] gramEigenvalues,
        int rank,
        double tau,
        double[] sliderEigenvalues,
        double[][] eigenThumbs,
        double[][] nullThumbs,
        double distance,
        double kl,
        double lastDelta,
        double stepMillis,
        double stepsPerSecond,
        double[] driftDistance,
        double[] driftKl,
        boolean busy,
        Settings settings,
        TextView text) {

    public String predictedLabel() {
        return labels.get(prediction);
    }

    public String startLabel() {
        return labels.get(startPrediction);
    }
}
