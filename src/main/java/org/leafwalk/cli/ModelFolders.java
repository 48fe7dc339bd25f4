package org.leafwalk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The model folder a command writes: never one that already holds a model, unless the user says so. */
final class ModelFolders {
    private static final List<String> MODEL_FILES = List.of("config.json", "model.safetensors", "model.onnx");

    private ModelFolders() {}

    static void refuseExisting(Path dir, boolean force, String option) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new org.leafwalk.explore.InvalidOption(option + " " + dir + " is a file, not a model folder");
        }
        if (force) {
            return;
        }
        for (String f : MODEL_FILES) {
            if (Files.exists(dir.resolve(f))) {
                throw new org.leafwalk.explore.InvalidOption(option + " " + dir + " already holds a model (" + f
                        + "); choose another folder, or add --force to replace it");
            }
        }
    }
}
