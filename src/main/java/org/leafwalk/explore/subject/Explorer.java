package org.leafwalk.explore.subject;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Locale;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.TextSetup;
import org.leafwalk.geometry.Bounds;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.geometry.WalkSettings;
import org.leafwalk.geometry.Walker;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.model.EmbeddingDecoding;
import org.leafwalk.model.ImageInput;
import org.leafwalk.model.InputSpace;
import org.leafwalk.model.TextInput;
import org.leafwalk.model.TextModel;
import org.leafwalk.model.TextTask;
import org.leafwalk.model.VitConfig;
import org.leafwalk.model.VitModel;

/**
 * A loaded model ready to be explored: turns images into start points, hands out the model as a differentiable
 * map in either input space, builds walkers, and reads outputs back as predictions. Owns the model's native
 * memory; whoever opens it closes it, on the one thread that uses it.
 */
public final class Explorer implements AutoCloseable {
    static {
        EngineSetup.ensure();
    }

    private final VitModel model; // an image model, or null
    private final TextModel text; // a text model, or null

    private Explorer(VitModel model, TextModel text) {
        this.model = model;
        this.text = text;
    }

    public static Explorer open(Path modelDir, String device) {
        return open(modelDir, EngineSetup.device(device), DataType.FLOAT32);
    }

    /** Opens a model in {@code precision} (float32 or float64) on {@code device} (auto, cpu, gpu). */
    public static Explorer open(Path modelDir, String device, String precision) {
        return open(modelDir, EngineSetup.device(device), dataType(precision));
    }

    /** A precision's name (float32, float64), refused by name when unknown. */
    public static String requirePrecision(String precision) {
        dataType(precision);
        return precision;
    }

    private static DataType dataType(String precision) {
        return switch (precision) {
            case "float64" -> DataType.FLOAT64;
            case "float32" -> DataType.FLOAT32;
            default -> throw new InvalidInputException("--precision is float64 or float32, not " + precision);
        };
    }

    /** Opens an image model (a ViT folder) or a text model (a BERT-family folder or an ONNX export). */
    public static Explorer open(Path modelDir, Device device, DataType dtype) {
        if (TextModel.isTextModel(modelDir)) {
            return new Explorer(null, TextModel.load(modelDir, device, dtype));
        }
        return new Explorer(VitModel.load(modelDir, device, dtype), null);
    }

    public boolean isText() {
        return text != null;
    }

    /** Whether this is a CLIPModel whose classes are zero-shot label prompts. */
    public boolean zeroShotImage() {
        return model != null && model.zeroShot();
    }

    /** A CLIPModel's zero-shot labels (each read as "a photo of a {label}"); the old ones stay when refused. */
    public void setZeroShotLabels(java.util.List<String> labels) {
        setZeroShotLabels(labels, n -> { });
    }

    /** As {@link #setZeroShotLabels(java.util.List)}; {@code done} hears how many prompts have been read. */
    public void setZeroShotLabels(java.util.List<String> labels, java.util.function.IntConsumer done) {
        if (!zeroShotImage()) {
            throw new IllegalStateException("only a CLIPModel takes zero-shot labels for images");
        }
        model.setLabels(labels, done);
    }

    /** The image model; fails on a text model. */
    public VitModel model() {
        if (model == null) {
            throw new IllegalStateException("this is a text model (" + text.source() + "), not an image model");
        }
        return model;
    }

    /** The image model's configuration; fails on a text model. */
    public VitConfig config() {
        return model().config();
    }

    /** The text model; fails on an image model. */
    public TextModel textModel() {
        if (text == null) {
            throw new IllegalStateException("this is an image model, not a text model");
        }
        return text;
    }

    /**
     * What was filled in to read the model's folder (an image model's missing preprocessor, labels), and what the
     * check of a CLIPModel's labels noted (words its tokenizer does not know).
     */
    public java.util.List<String> notes() {
        if (text != null) {
            return java.util.List.of();
        }
        java.util.List<String> all = new java.util.ArrayList<>(model.config().notes());
        all.addAll(zeroShotNotes());
        return all;
    }

    /** What the check of a CLIPModel's zero-shot labels noted (none for other models). */
    public java.util.List<String> zeroShotNotes() {
        return zeroShotImage() ? model.labelNotes() : java.util.List.of();
    }

    /** The blocks whose [CLS] state a representation metric can see (0: a text model offers none). */
    public int layers() {
        return text != null ? 0 : model.config().numLayers();
    }

    /** The model's family and size, for a line of facts: "vit · 1.2 M parameters". */
    public String facts() {
        long n = text != null ? text.bert().parameterCount() : model.parameterCount();
        String family = text != null ? text.config().family() : model.config().family();
        return family + " · " + (n >= 1_000_000 ? String.format(Locale.ROOT, "%.1f M", n / 1e6)
                : String.format(Locale.ROOT, "%.1f k", n / 1e3)) + " parameters";
    }

    /** The precision the model computes in: float32 or float64. */
    public String precision() {
        DataType t = text != null ? text.bert().dataType() : model.dataType();
        return t == DataType.FLOAT64 ? "float64" : "float32";
    }

    public String deviceName() {
        Device d = text != null ? text.device() : model.device();
        return d.isGpu() ? EngineSetup.gpuName(d.getDeviceId()) : "CPU";
    }

    /** A sentence under the text model, ready to walk (the caller closes it). */
    public TextTask textTask(TextSetup setup, int topK) {
        TextInput in = textModel().tokenize(setup.sentence());
        return TextTask.create(text, in, setup.selected(), setup.labels(), topK, setup.poolingChoice());
    }

    /** The text task as a differentiable map of the selected token embeddings. */
    public DifferentiableMap map(TextTask task) {
        return DifferentiableMap.of(task::readout, task.inputDimension(), task.outputWidth(), task.logitCount(),
                text.bert().dataType(), task.manager(), x1 -> {
                    TextTask.Tape tape = task.tape(x1);
                    return DifferentiableMap.Vjp.of(tape.output(), tape::pullback);
                });
    }

    /** A walker over a sentence's token embeddings (unbounded; the block variant's block is one token). */
    public Walker walker(TextTask task, WalkSettings settings, double[] start, OutputSpec spec) {
        WalkSettings s = settings.tokenBlock() < 0 ? settings.withTokenBlock(text.config().embeddingSize()) : settings;
        return diagnosed(() -> new Walker(map(task), s, start, null, spec), () -> task.firstNonFinite(start));
    }

    public ImageInput loadImage(Path file) {
        return ImageInput.load(file, model.config());
    }

    /** An image file's bytes received without the file (from a client of {@code leafwalk serve}). */
    public ImageInput loadImage(String name, byte[] data) {
        return ImageInput.load(name, data, model.config());
    }

    public double[] startPoint(ImageInput image, InputSpace space) {
        return space == InputSpace.PIXELS ? image.pixels().clone() : model.embeddingsOf(image.pixels());
    }

    /**
     * The image model as a map whose representation columns are the [CLS] state after block {@code layer} (1 to
     * the number of layers; the last, or ≤ 0, is the model's own representation with its fast pullback; inner
     * layers are differentiated by autograd).
     */
    public DifferentiableMap map(InputSpace space, int layer) {
        int layers = model().config().numLayers();
        if (layer <= 0 || layer == layers) {
            return map(space);
        }
        if (layer > layers) {
            throw new InvalidInputException("layer " + layer + ": the model has layers 1 to " + layers);
        }
        DifferentiableMap full = map(space);
        // an inner block's representation is its raw [CLS] state, hidden-size wide
        return DifferentiableMap.of(x -> model.readoutAtLayer(x, space, layer), full.inputDimension(),
                full.logitCount() + model.config().hiddenSize(), full.logitCount(), full.dataType(), full.manager(),
                null);
    }

    public DifferentiableMap map(InputSpace space) {
        return DifferentiableMap.of(x -> model.readout(x, space), model.inputDimension(space), model.readoutWidth(),
                model.config().numLabels(), model.dataType(), model.manager(), x1 -> {
                    org.leafwalk.model.VitTape tape = model.tape(x1, space);
                    return DifferentiableMap.Vjp.of(tape.output(), tape::pullback);
                });
    }

    /** Pixel space is always boxed to [0,1]; embedding space only when the seed paper's bounds are asked for. */
    public Bounds bounds(InputSpace space, boolean embeddingBounds) {
        if (space == InputSpace.PIXELS) {
            return Bounds.box(model.inputDimension(space), 0, 1);
        }
        if (!embeddingBounds) {
            return null;
        }
        double[][] b = model.embeddingBounds();
        return new Bounds(b[0], b[1]);
    }

    public Walker walker(InputSpace space, WalkSettings settings, double[] start, boolean embeddingBounds) {
        return walker(space, 0, settings, start, embeddingBounds, null);
    }

    /**
     * A walker over an image in {@code space}, whose representation metric sees the [CLS] state after block
     * {@code layer} (≤ 0: the model's own); embedding space is boxed only when the seed paper's bounds are asked for.
     */
    public Walker walker(InputSpace space, int layer, WalkSettings settings, double[] start, boolean embeddingBounds,
            OutputSpec spec) {
        if (settings.tokenBlock() != 0 && space == InputSpace.PIXELS) {
            throw new InvalidInputException(
                    "the per-token block variant works in embedding space (--space embeddings)");
        }
        // a negative block width means "the model's token width"
        WalkSettings s = settings.tokenBlock() < 0 ? settings.withTokenBlock(model().config().hiddenSize()) : settings;
        return diagnosed(() -> new Walker(map(space, layer), s, start, bounds(space, embeddingBounds), spec),
                () -> model.firstNonFinite(start, space));
    }

    /**
     * A walker, or the geometry's refusal of a non-finite output with the stage of the forward pass where the first
     * NaN or Inf appears: the pass is run again stage by stage, only then.
     */
    private static Walker diagnosed(java.util.function.Supplier<Walker> make,
            java.util.function.Supplier<String> stage) {
        try {
            return make.get();
        } catch (org.leafwalk.geometry.GeometryException e) {
            if (e.getMessage() == null || !e.getMessage().contains("output is NaN or Inf")) {
                throw e;
            }
            String where = stage.get();
            if (where == null) {
                throw e;
            }
            org.leafwalk.geometry.GeometryException d = new org.leafwalk.geometry.GeometryException(e.getMessage()
                    + ": the forward pass first leaves the finite numbers in " + where + ", from finite inputs: look at that "
                    + "stage's weights");
            d.initCause(e);
            throw d;
        }
    }

    public Readout readout(double[] output) {
        return Readout.of(output, model().config().labels());
    }

    public EmbeddingDecoding decode(double[] embedding) {
        return model.decode(embedding);
    }

    /** The point as an image: itself in pixel space, its pseudo-inverse reading in embedding space. */
    public double[] asImage(double[] point, InputSpace space) {
        return space == InputSpace.PIXELS ? point : model.decode(point).image();
    }

    /**
     * A direction of input space as an image (C, H, W): itself in pixel space; in embedding space the pixels that
     * move it, through the pseudo-inverse of the patch projection (offsets left out: a direction has none).
     */
    public double[] directionAsImage(double[] v, InputSpace space) {
        if (space == InputSpace.PIXELS) {
            return v.clone();
        }
        return model.decodeDirection(v);
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
        if (text != null) {
            text.close();
        }
    }
}
