package org.leafwalk.explore.subject;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.leafwalk.explore.walk.Json;
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
import org.leafwalk.model.TextDecoding;
import org.leafwalk.model.TextModel;
import org.leafwalk.model.TextTask;

/**
 * A sentence under a BERT-family model, walked in the embedding sequence of its explored tokens; read out as the
 * model's classes, the masked token's candidates, or a zero-shot distribution over label sentences.
 */
public final class TextSubject implements Subject {
    private final Explorer model;
    private final TextSetup setup;
    private final TextTask task;
    private final int topK;

    private TextSubject(Explorer model, TextSetup setup, TextTask task, int topK) {
        this.model = model;
        this.setup = setup;
        this.task = task;
        this.topK = topK;
    }

    /** Tokenises the sentence and builds its task (the masked-LM's candidates depend on the number of classes). */
    public static TextSubject open(Explorer model, TextSetup setup, Settings settings) {
        return new TextSubject(model, setup, model.textTask(setup, settings.topK()), settings.topK());
    }

    /** The sentence a text model opens with: one with a [MASK] for a masked-LM model. */
    public static String defaultSentence(Explorer model) {
        if (model.textModel().head() == TextModel.Head.MASKED_LM) {
            var tokenizer = model.textModel().tokenizer();
            String mask = tokenizer.maskId() >= 0 ? tokenizer.token(tokenizer.maskId()) : "[MASK]";
            return "The capital of France is " + mask + ".";
        }
        return "I loved this movie, the acting was wonderful!";
    }

    /** The sentence, its explored positions and its zero-shot labels. */
    public TextSetup setup() {
        return setup;
    }

    @Override
    public Explorer model() {
        return model;
    }

    /** A sentence is walked in its embeddings at the model's own layer: only the number of classes matters. */
    @Override
    public Subject with(Settings s) {
        return s.topK() == topK ? this : open(model, setup, s);
    }

    @Override
    public Subject precise(java.util.function.Supplier<Explorer> twin) {
        return this;
    }

    @Override
    public int layers() {
        return 0;
    }

    @Override
    public ImageSubject asImage(String what) {
        throw new InvalidInputException(what + " works on an image input of an image model");
    }

    @Override
    public Space space() {
        return Space.EMBEDDINGS;
    }

    @Override
    public int layer() {
        return 0;
    }

    @Override
    public double[] start() {
        return task.startPoint();
    }

    @Override
    public DifferentiableMap map() {
        return model.map(task);
    }

    @Override
    public Walker walker(Settings settings, double[] start, OutputSpec spec) {
        return model.walker(task, settings.walkSettings(), start, spec);
    }

    @Override
    public String firstNonFinite(double[] point) {
        return task.firstNonFinite(point);
    }

    @Override
    public Readout readout(double[] output) {
        return Readout.of(output, task.labels());
    }

    @Override
    public List<String> labels() {
        return task.labels();
    }

    @Override
    public String inputName() {
        return setup.sentence();
    }

    @Override
    public Path inputFile() {
        return null;
    }

    @Override
    public String inputReference() {
        return task.input().text();
    }

    @Override
    public List<String> notes() {
        return task.notes();
    }

    @Override
    public List<String> inputNotes() {
        return task.notes();
    }

    private String kind() {
        return task.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public InputView view(double[] point) {
        TextDecoding dec = task.decode(point);
        Readout again = readout(dec.decodedOutput());
        int t = dec.original().length;
        double[] rel = new double[t];
        for (int i = 0; i < t; i++) {
            rel[i] = dec.residual()[i] / Math.max(dec.norm()[i], 1e-12);
        }
        boolean[] sel = new boolean[t];
        for (int p : task.selected()) {
            sel[p] = true;
        }
        return new TextView(setup.sentence(), kind(), List.of(dec.original()), List.of(dec.nearest()),
                dec.residual(), rel, dec.changed(), sel, dec.viaHead() == null ? null : List.of(dec.viaHead()),
                dec.decodedText(), again.prediction(), again.probabilities(), setup.labels());
    }

    /** A nearest-token search over the vocabulary and a forward pass. */
    @Override
    public boolean viewIsCostly() {
        return true;
    }

    @Override
    public double[] directionPicture(double[] direction) {
        return direction == null ? new double[task.input().length()] : task.tokenEnergy(direction);
    }

    @Override
    public Recording recording(String modelReference, Path modelDir, Settings settings, List<TrajectoryEntry> entries,
            int cursor) {
        return new Recording(modelReference, modelDir.toAbsolutePath().toString(), Weights.sha256(modelDir),
                task.input().text(), new byte[0], settings, task.labels(), 0, 0, cursor, entries,
                setup.withSelected(task.selected()));
    }

    @Override
    public void describe(Map<String, Object> o, boolean architecture) {
        if (architecture) {
            var c = model.textModel().config();
            o.put("architecture", Json.of("family", c.family(), "layers", c.numLayers(), "hidden_size",
                    c.hiddenSize(), "embedding_size", c.embeddingSize(), "heads", c.numHeads(), "intermediate_size",
                    c.intermediateSize(), "vocabulary", c.vocabSize(), "head",
                    model.textModel().head().name().toLowerCase(Locale.ROOT)));
        }
        o.put("task", kind());
        if (task.kind() == org.leafwalk.model.TextTask.Kind.ZERO_SHOT) {
            o.put("pooling", task.pooling().id());
        }
        if (architecture) {
            o.put("labels", task.labels());
        }
        o.put("tokens", List.of(task.input().tokens()));
        o.put("explored_positions", Arrays.stream(task.selected()).boxed().toList());
    }

    @Override
    public void describeDecoding(Map<String, Object> o, double[] point, String key, boolean full) {
        TextDecoding dec = task.decode(point);
        Map<String, Object> d = Json.object();
        d.put("nearest_tokens", List.of(dec.nearest()));
        d.put("residuals", Json.list(dec.residual()));
        if (full && dec.viaHead() != null) {
            d.put("head_tokens", List.of(dec.viaHead()));
        }
        if (full) {
            d.put("changed_tokens", dec.changedCount());
        }
        d.put("text", dec.decodedText());
        if (full) {
            d.put("prediction", Json.prediction(readout(dec.decodedOutput())));
        }
        o.put(key, d);
    }

    @Override
    public String facts(int dimension) {
        return model.facts() + " · " + task.input().length() + " tokens (" + task.selected().length + " explored) · "
                + "embeddings n = " + String.format(Locale.ROOT, "%,d", dimension);
    }

    /** The tokens and their kind. */
    @Override
    public java.util.Optional<String> describeLine() {
        return java.util.Optional.of("tokens: " + String.join(" ", task.input().tokens()) + "  (" + kind() + ")");
    }

    @Override
    public void close() {
        task.close();
    }

    /** The task this subject's sentence is read through (open while the subject is). */
    public TextTask task() {
        return task;
    }
}
