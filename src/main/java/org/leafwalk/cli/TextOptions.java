package org.leafwalk.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.explore.subject.KindOptions;
import org.leafwalk.explore.walk.TextSetup;
import picocli.CommandLine.Option;

/** What a text model's walk needs beyond the sentence: the explored tokens and the zero-shot labels. */
final class TextOptions {
    @Option(names = "--tokens", split = ",", paramLabel = "POS",
            description = "Text models: the token positions to explore, counting [CLS] as 0 (default: every token).")
    List<Integer> tokens = new ArrayList<>();

    @Option(names = "--label", paramLabel = "SENTENCE",
            description = "Text models without a head (MiniLM): a zero-shot label sentence; a CLIPModel: a class name, "
                    + "read as 'a photo of a {label}' (default: CIFAR-10's ten classes); repeat for each label "
                    + "(default: 'It was good.' and 'It was bad.'). "
                    + "'--label topic' takes five topic labels.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--pooling", paramLabel = "P",
            description = "Text models without a head: how the zero-shot distribution pools the sentence embedding, "
                    + "cls, mean or max (default: as the folder's 1_Pooling/config.json says, else mean).")
    String pooling;

    /** The explored positions and zero-shot labels (the sentence is read from --input when the model is a text one). */
    TextSetup setup() {
        List<String> l = labels.isEmpty() ? TextSetup.SENTIMENT_LABELS
                : labels.size() == 1 && labels.get(0).equals(KindOptions.TOPIC) ? TextSetup.TOPIC_LABELS : labels;
        return new TextSetup("", tokens.stream().mapToInt(Integer::intValue).toArray(), l, pooling);
    }

    /** The classes --label gives an image model (empty: its own), refused where they mean something else. */
    List<String> imageLabels(Explorer model, Path modelDir) {
        return KindOptions.imageLabels(model, modelDir, labels, !tokens.isEmpty(), pooling != null);
    }
}
