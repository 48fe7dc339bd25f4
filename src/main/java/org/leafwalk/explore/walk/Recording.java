package org.leafwalk.explore.walk;

import java.util.List;

/**
 * Everything needed to show, export or reopen a walk without recomputing it: where the model is and what its
 * weights were, the input image, the settings, and every recorded point.
 *
 * @param modelReference what the user typed (default, fashion, or a folder)
 * @param weightsSha256 SHA-256 of model.safetensors when the walk was recorded
 * @param inputPng the input image as PNG bytes (as the model read it: converted to its channels and size)
 * @param cursor the step the walk was at
 * @param text a text walk's sentence, explored positions and zero-shot labels; null for an image walk (whose
 *     inputPng then holds the image)
 */
public record Recording(
        String modelReference,
        String modelPath,
        String weightsSha256,
        String inputName,
        byte[] inputPng,
        Settings settings,
        List<String> labels,
        int channels,
        int size,
        int cursor,
        List<TrajectoryEntry> trajectory,
        TextSetup text) {

    /** An image walk's recording. */
    public Recording(String modelReference, String modelPath, String weightsSha256, String inputName, byte[] inputPng,
            Settings settings, List<String> labels, int channels, int size, int cursor,
            List<TrajectoryEntry> trajectory) {
        this(modelReference, modelPath, weightsSha256, inputName, inputPng, settings, labels, channels, size, cursor,
                trajectory, null);
    }

    public boolean isText() {
        return text != null;
    }

    public int dimension() {
        return trajectory.isEmpty() ? 0 : trajectory.get(0).point().length;
    }
}
