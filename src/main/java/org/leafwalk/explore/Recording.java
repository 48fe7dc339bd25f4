package org.leafwalk.explore;

import java.util.List;

/**
 * Everything needed to show, export or reopen a walk without recomputing it: where the model is and what its
 * weights were, the input image, the settings, and every recorded point.
 *
 * @param modelReference what the user typed (default, fashion, or a folder)
 * @param weightsSha256 SHA-256 of model.safetensors when the walk was recorded
 * @param inputPng the input image as PNG bytes (as the model read it: converted to its channels and size)
 * @param cursor the step the walk was at
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
        List<TrajectoryEntry> trajectory) {

    public int dimension() {
        return trajectory.isEmpty() ? 0 : trajectory.get(0).point().length;
    }
}
