package org.leafwalk.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.FlowPane;
import org.leafwalk.explore.subject.References;

/** The shipped samples of the open model, one click each: images for an image model, sentences for a text model. */
final class SampleGallery extends FlowPane {
    private final Consumer<Path> openImage;
    private final Consumer<String> openSentence;

    SampleGallery(Consumer<Path> openImage, Consumer<String> openSentence) {
        super(4, 4);
        this.openImage = openImage;
        this.openSentence = openSentence;
        setPrefWrapLength(320);
        setId("gallery");
    }

    void fill(Path model) {
        getChildren().clear();
        if (References.isTextModel(model)) {
            for (String sentence : References.sampleSentences()) {
                Button b = new Button(sentence);
                b.getStyleClass().add("sample-sentence");
                b.setWrapText(true);
                b.setMaxWidth(330);
                b.setOnAction(e -> openSentence.accept(sentence));
                b.setFocusTraversable(false);
                getChildren().add(b);
            }
            return;
        }
        List<Path> samples;
        try {
            samples = References.samples(model);
        } catch (RuntimeException e) {
            getChildren().add(new Label("no samples for this model"));
            return;
        }
        if (!References.ownSamples(model)) {
            Label note = new Label("MNIST digits: the model's folder names no samples of its own");
            note.setWrapText(true);
            note.setMaxWidth(330);
            note.getStyleClass().add("caption");
            getChildren().add(note);
        }
        for (Path p : samples) {
            ImageView v = new ImageView(new Image(p.toUri().toString(), 28, 28, true, false, true));
            v.setFitWidth(28 * 1.4);
            v.setFitHeight(28 * 1.4);
            Button b = new Button(null, v);
            b.getStyleClass().add("sample-button");
            b.setTooltip(new Tooltip(p.getFileName().toString()));
            b.setOnAction(e -> openImage.accept(p));
            b.setFocusTraversable(false);
            getChildren().add(b);
        }
    }
}
