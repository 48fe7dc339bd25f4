package org.leafwalk.explore.subject;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.TextSetup;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.geometry.Walker;
import org.leafwalk.io.InvalidInputException;

/**
 * What is explored: an input under an opened model, with everything that follows from its kind — the start point in
 * the space walked, the map per space and layer, walkers, the read-out of outputs (labels, decoding) and the
 * pictures of points and directions. The window's service and every command go through it; outside it, nothing
 * asks whether the input is an image or a sentence. The next model families add subjects, not branches.
 *
 * <p>A subject does not own its model (the caller that opened the {@link Explorer} closes it); closing a subject
 * frees what it made on the model (a sentence's task).
 */
public sealed interface Subject extends AutoCloseable permits ImageSubject, TextSubject {

    /**
     * Reads the input named by {@code ref} for an opened model: an image ({@code sample:N} or a file) for an image
     * model, a sentence ({@code text:...} or a .txt file; none or {@code sample:N}: the model's default sentence)
     * for a text model, with the explored positions and zero-shot labels of {@code text} (null: the defaults).
     */
    public static Subject open(Explorer model, Path modelDir, String ref, TextSetup text, Settings settings) {
        if (model.isText()) {
            if (settings.layer() > 0) {
                throw new InvalidInputException("--layer applies to image models");
            }
            String sentence = ref == null || ref.isBlank() || ref.startsWith("sample:")
                    ? TextSubject.defaultSentence(model) : References.text(ref);
            TextSetup setup = text == null ? TextSetup.of(sentence)
                    : new TextSetup(sentence, text.selected(), text.labels(), text.pooling());
            return TextSubject.open(model, setup, settings);
        }
        if (text != null && model.zeroShotImage() && !text.labels().equals(TextSetup.SENTIMENT_LABELS)) {
            model.setZeroShotLabels(text.labels()); // --label on a CLIPModel: its classes
        }
        Path file = References.input(ref, modelDir);
        return ImageSubject.open(model, file, model.loadImage(file), settings);
    }

    /**
     * What a newly opened model shows of what was open: a text model the last sentence ({@code sentence}; none: its
     * default one), an image model the image that was open ({@code before}); null when there is nothing to show.
     */
    static Subject onModel(Explorer next, Subject before, TextSetup sentence, Settings settings) {
        if (next.isText()) {
            return TextSubject.open(next, sentence != null ? sentence : TextSetup.of(TextSubject.defaultSentence(next)),
                    settings.withLayer(0));
        }
        if (before instanceof ImageSubject image) {
            return image.on(next, settings);
        }
        return null;
    }

    /**
     * Reads the input named by {@code ref} on the command line: as {@link #open}, except that a text model refuses
     * what is not a sentence ({@code sample:N}).
     */
    public static Subject read(Explorer model, Path modelDir, String ref, TextSetup text, Settings settings) {
        if (model.isText() && (ref == null || ref.startsWith("sample:"))) {
            throw new InvalidInputException("a text model reads a sentence: --input text:\"...\" or a .txt file");
        }
        return open(model, modelDir, ref, text, settings);
    }

    /** The model the subject is read by. */
    Explorer model();

    /** Floating-point operations of one exact linearisation with {@code outputs} cotangents (0: not known). */
    default double exactStepFlops(int outputs) {
        return 0;
    }

    /** The same input under other settings (another space, layer or number of classes): this one when they fit. */
    Subject with(Settings settings);

    /**
     * The same input under a float64 twin of the model, for estimates whose small differences float32 would round
     * away; {@code twin} opens it on first use. A sentence stays under its own model (which runs in float32).
     */
    Subject precise(java.util.function.Supplier<Explorer> twin);

    /** The blocks whose [CLS] state the per-layer analyses see (0: the model offers none). */
    int layers();

    /**
     * This subject as an image, for what works on images only (representation matching).
     *
     * @throws org.leafwalk.io.InvalidInputException naming {@code what} for a sentence
     */
    ImageSubject asImage(String what);

    /** The space walked in. */
    Space space();

    /** The representation's block (≤ 0: the model's own). */
    int layer();

    /** The input as a point of the space walked in. */
    double[] start();

    /** The model as a differentiable map of the space walked in. */
    DifferentiableMap map();

    /** A walker from {@code start}; {@code spec}: the outputs and metric to keep (null: chosen at the start). */
    Walker walker(Settings settings, double[] start, OutputSpec spec);

    /**
     * Where the forward pass at {@code point} first leaves the finite numbers ("block 3's attention scores"), or null
     * when it does not: the diagnosis of a step refused for a NaN or Inf output.
     */
    default String firstNonFinite(double[] point) {
        return null;
    }

    /** The output row read with the labels of what is explored. */
    Readout readout(double[] output);

    List<String> labels();

    /** What the user opened, as shown: the image file's name, or the sentence. */
    String inputName();

    /** The file the input was read from (null: it was typed, or made by the walk). */
    Path inputFile();

    /** The command line's name of the input: the image file's path, or the sentence. */
    String inputReference();

    /** What was filled in or converted to read the model and the input. */
    List<String> notes();

    /** What was converted to read the input, as the window says it (the model's own notes come when it opens). */
    List<String> inputNotes();

    /** The point as the window shows it: an image (decoded in embedding space) or the decoded token strip. */
    InputView view(double[] point);

    /** Whether {@link #view} costs a model pass or more (the service then redoes it less often while walking). */
    boolean viewIsCostly();

    /** A direction of the space walked as a thumbnail: an image, or the length moved per token. */
    double[] directionPicture(double[] direction);

    /** The walk as recorded, for export and sessions. */
    Recording recording(String modelReference, Path modelDir, Settings settings, List<TrajectoryEntry> entries,
            int cursor);

    /** Adds what inspect and walk print about the input (tokens, task, architecture) to a JSON document. */
    void describe(Map<String, Object> document, boolean architecture);

    /** Adds the decoding of a point (what inspect and walk print after the walk) to a JSON document. */
    void describeDecoding(Map<String, Object> document, double[] point, String key, boolean full);

    /** The model and the input in one line: family, parameters, tokens, input size, the dimension walked. */
    String facts(int dimension);

    /** A line for the terminal about the input beyond its name (a sentence's tokens), if there is one. */
    java.util.Optional<String> describeLine();

    @Override
    void close();
}
