package org.leafwalk.explore.subject;

import java.nio.file.Path;
import java.util.List;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.TextSetup;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.model.LabelNames;

/**
 * The options whose meaning depends on the kind of model they are given with, refused where they would be read as
 * something else or as nothing: the token positions, the pooling and the zero-shot label sentences of a text model,
 * the class names of a CLIPModel, the pixel space and the embedding bounds of an image model.
 */
public final class KindOptions {
    /** The name under which --label takes {@link TextSetup#TOPIC_LABELS}, a text model's preset. */
    public static final String TOPIC = "topic";

    private KindOptions() {}

    /**
     * The classes {@code labels} give an image model (empty: the model's own), checked: no token positions and no
     * pooling (text models' options), labels only on a CLIPModel, not the text preset {@link #TOPIC}, and not more
     * than {@link LabelNames#maxLabels}.
     */
    public static List<String> imageLabels(Explorer model, Path modelDir, List<String> labels, boolean tokensGiven,
            boolean poolingGiven) {
        if (tokensGiven) {
            throw new InvalidInputException("--tokens picks token positions of a sentence; " + modelDir
                    + " is an image model (it walks pixels or patch embeddings)");
        }
        if (poolingGiven) {
            throw new InvalidInputException("--pooling applies to text models without a head; " + modelDir
                    + " is an image model");
        }
        if (labels.isEmpty()) {
            return List.of();
        }
        if (!model.zeroShotImage()) {
            throw new InvalidInputException("--label names the zero-shot classes of a CLIPModel or the label "
                    + "sentences of a text model; " + modelDir + " is an image model with its own "
                    + model.config().numLabels() + " classes");
        }
        if (labels.size() == 1 && labels.get(0).equals(TOPIC)) {
            throw new InvalidInputException("--label topic is a text model's preset (five sentences 'This text is "
                    + "about sports.' …); a CLIPModel's labels are class names: --label cat --label dog …");
        }
        LabelNames.requireCount(labels.size()); // before the progress of reading them starts
        return List.copyOf(labels);
    }

    /** The embedding bounds are derived from an image model's pixels: a text model's walk has none to keep. */
    public static void textSettings(Path modelDir, Settings settings) {
        if (settings.embeddingBounds()) {
            throw new InvalidInputException("--embedding-bounds keeps an image model's patch embeddings to what pixels "
                    + "in [0,1] can produce; " + modelDir + " is a text model, whose token embeddings have no such "
                    + "bounds");
        }
    }

    /** A text model walks its token embeddings: an explicit pixel space would be read as something it is not. */
    public static void textSpace(Path modelDir, Space asked) {
        if (asked == Space.PIXELS) {
            throw new InvalidInputException("--space pixels applies to image models; " + modelDir
                    + " is a text model, which walks its token embeddings (--space embeddings, the default)");
        }
    }
}
