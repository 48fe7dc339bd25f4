package org.leafwalk.ui;

import java.io.File;
import java.nio.file.Path;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

/** The window's file dialogs; each returns the path chosen, or null when the user cancelled. */
final class FileDialogs {
    private final Stage owner;

    FileDialogs(Stage owner) {
        this.owner = owner;
    }

    /** One of a server's models, by name ({@code names}: its catalogue); null when none was chosen. */
    Path catalogueModel(java.util.List<String> names) {
        if (names.isEmpty()) {
            return null;
        }
        var d = new javafx.scene.control.ChoiceDialog<>(names.get(0), names);
        d.initOwner(owner);
        d.setTitle("Open model");
        d.setHeaderText("Open one of the server's models");
        d.setContentText("Model:");
        return d.showAndWait().map(Path::of).orElse(null);
    }

    Path modelFolder() {
        DirectoryChooser c = new DirectoryChooser();
        c.setTitle("Open a model folder (ViT or BERT: config.json, model.safetensors; or an ONNX BERT export)");
        return path(c.showDialog(owner));
    }

    /** A folder to write into ({@code what}: what goes there). */
    Path folder(String what) {
        DirectoryChooser c = new DirectoryChooser();
        c.setTitle("Choose a folder for " + what);
        return path(c.showDialog(owner));
    }

    Path image() {
        FileChooser c = new FileChooser();
        c.setTitle("Open an image");
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.bmp",
                "*.gif"));
        return path(c.showOpenDialog(owner));
    }

    Path session() {
        FileChooser c = new FileChooser();
        c.setTitle("Open a Leafwalk session");
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Leafwalk session", "*.leafwalk.json", "*.json"));
        return path(c.showOpenDialog(owner));
    }

    /** Where to save {@code what} ({@code pattern}: "*.csv"), proposed as {@code base}-walk.csv. */
    Path save(String what, String pattern, String base) {
        FileChooser c = new FileChooser();
        c.setTitle("Save " + what);
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter(what, pattern));
        c.setInitialFileName(base + pattern.substring(1));
        return path(c.showSaveDialog(owner));
    }

    private static Path path(File f) {
        return f == null ? null : f.toPath();
    }
}
