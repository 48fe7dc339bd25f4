package org.leafwalk.explore.subject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.leafwalk.explore.walk.Json;
import org.leafwalk.explore.walk.Readout;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.geometry.DifferentiableMap;
import org.leafwalk.geometry.OutputSpec;
import org.leafwalk.geometry.Walker;
import org.leafwalk.io.Images;
import org.leafwalk.model.EmbeddingDecoding;
import org.leafwalk.model.ImageInput;

/** An image under a Vision Transformer, walked in pixel or embedding space. */
public final class ImageSubject implements Subject {
    private final Explorer model;
    private final Path file;
    /** The image file's bytes where they came without a file (a client of leafwalk serve sent them), else null. */
    private final byte[] data;
    private final ImageInput image;
    private final Space space;
    private final int layer;

    private ImageSubject(Explorer model, Path file, ImageInput image, Space space, int layer) {
        this(model, file, null, image, space, layer);
    }

    private ImageSubject(Explorer model, Path file, byte[] data, ImageInput image, Space space, int layer) {
        this.model = model;
        this.file = file;
        this.data = data;
        this.image = image;
        this.space = space;
        this.layer = layer;
    }

    private ImageSubject(ImageSubject s, byte[] data) {
        this(s.model, s.file, data, s.image, s.space, s.layer);
    }

    /** An image read for {@code model} from {@code file} (the file names it; a matched image has no file). */
    public static ImageSubject open(Explorer model, Path file, ImageInput image, Settings settings) {
        if (settings.layer() > model.config().numLayers()) {
            throw new org.leafwalk.io.InvalidInputException("layer " + settings.layer() + ": the model has layers 1 to "
                    + model.config().numLayers());
        }
        return new ImageSubject(model, file, image, settings.space(), settings.layer());
    }

    /**
     * An image whose file's bytes came without the file (a client of {@code leafwalk serve} sent them): {@code name}
     * is the client's name for it, which names the input in the window and the records.
     */
    public static ImageSubject open(Explorer model, String name, byte[] data, Settings settings) {
        ImageSubject s = open(model, Path.of(name), model.loadImage(name, data), settings);
        return new ImageSubject(model, s.file, data.clone(), s.image, s.space, s.layer);
    }

    /** Whether the image came as bytes, not from a file (see {@link #carryingPixels}). */
    public boolean carriesData() {
        return data != null;
    }

    /**
     * The same subject carrying its image as PNG bytes (the pixels the model read), so that another model reads it
     * from them, never from a file of its name: what a server holds of a client's image.
     */
    public ImageSubject carryingPixels() {
        if (data != null) {
            return this;
        }
        var cfg = model.config();
        byte[] png = Images.encodePng(ImageInput.toImage(image.pixels(), cfg.numChannels(), cfg.imageSize()));
        return new ImageSubject(model, file, png, image, space, layer);
    }

    /** The same image read again by another model (from its file, or from the bytes it came as). */
    public ImageSubject on(Explorer next, Settings settings) {
        return data != null ? open(next, file.toString(), data, settings)
                : open(next, file, next.loadImage(file), settings);
    }

    /** The image read (pixels in [0,1], the model's channels and size). */
    public ImageInput image() {
        return image;
    }

    /** The image file read, or the name given to an image the walk made (a matched image). */
    public Path file() {
        return file;
    }

    /** Another image under the same model and settings (a representation match's result). */
    public ImageSubject withImage(Path name, double[] pixels) {
        var cfg = model.config();
        return new ImageSubject(model, name, new ImageInput(name.getFileName().toString(), pixels.clone(),
                cfg.numChannels(), cfg.imageSize(), List.of()), space, layer);
    }

    @Override
    public Explorer model() {
        return model;
    }

    @Override
    public double exactStepFlops(int outputs) {
        var m = model.model();
        return m.forwardFlops(space.engine()) + outputs * m.pullbackFlops(space.engine());
    }

    @Override
    public Subject with(Settings s) {
        return s.space() == space && s.layer() == layer ? this
                : new ImageSubject(open(model, file, image, s), data);
    }

    @Override
    public Subject precise(java.util.function.Supplier<Explorer> twin) {
        Explorer t = twin.get();
        if (t.zeroShotImage() && !t.config().labels().equals(labels())) {
            t.setZeroShotLabels(labels()); // the twin reads the same prompts
        }
        return new ImageSubject(t, file, data, image, space, layer);
    }

    @Override
    public int layers() {
        return model.config().numLayers();
    }

    @Override
    public ImageSubject asImage(String what) {
        return this;
    }

    @Override
    public Space space() {
        return space;
    }

    @Override
    public int layer() {
        return layer;
    }

    @Override
    public double[] start() {
        return model.startPoint(image, space.engine());
    }

    @Override
    public DifferentiableMap map() {
        return model.map(space.engine(), layer);
    }

    @Override
    public Walker walker(Settings settings, double[] start, OutputSpec spec) {
        return model.walker(space.engine(), layer, settings.walkSettings(), start, settings.embeddingBounds(), spec);
    }

    @Override
    public String firstNonFinite(double[] point) {
        return model.model().firstNonFinite(point, space.engine());
    }

    @Override
    public Readout readout(double[] output) {
        return model.readout(output);
    }

    @Override
    public List<String> labels() {
        return model.config().labels();
    }

    @Override
    public String inputName() {
        return file.getFileName().toString();
    }

    @Override
    public Path inputFile() {
        return file;
    }

    @Override
    public String inputReference() {
        return file.toString();
    }

    @Override
    public List<String> notes() {
        List<String> all = new ArrayList<>(model.notes());
        all.addAll(image.notes());
        return all;
    }

    @Override
    public List<String> inputNotes() {
        return image.notes().stream().map(n -> inputName() + ": " + n).toList();
    }

    @Override
    public InputView view(double[] point) {
        var cfg = model.config();
        if (space == Space.EMBEDDINGS) {
            EmbeddingDecoding dec = model.decode(point);
            return new InputView.Image(dec.image(), cfg.numChannels(), cfg.imageSize(), dec.patchResidual(),
                    dec.relativeResidual());
        }
        return new InputView.Image(point.clone(), cfg.numChannels(), cfg.imageSize(), null, 0);
    }

    @Override
    public boolean viewIsCostly() {
        return false;
    }

    @Override
    public double[] directionPicture(double[] direction) {
        if (direction == null) {
            var cfg = model.config();
            return new double[cfg.numChannels() * cfg.imageSize() * cfg.imageSize()];
        }
        return model.directionAsImage(direction, space.engine());
    }

    @Override
    public Recording recording(String modelReference, Path modelDir, Settings settings, List<TrajectoryEntry> entries,
            int cursor) {
        var cfg = model.config();
        byte[] png = Images.encodePng(ImageInput.toImage(image.pixels(), cfg.numChannels(), cfg.imageSize()));
        return new Recording(modelReference, modelDir.toAbsolutePath().toString(), Weights.sha256(modelDir),
                inputName(), png, settings, cfg.labels(), cfg.numChannels(), cfg.imageSize(), cursor, entries);
    }

    @Override
    public void describe(Map<String, Object> document, boolean architecture) {
        var c = model.config();
        document.put("family", c.family());
        if (architecture) {
            var a = c.arch();
            document.put("architecture", Json.of("family", c.family(), "class", a.architecture(), "layers",
                    c.numLayers(), "hidden_size", c.hiddenSize(), "heads", c.numHeads(), "intermediate_size",
                    c.intermediateSize(), "feed_forward", a.swiglu() ? "swiglu" : c.hiddenAct(), "tokens",
                    c.numTokens(), "prefix_tokens", c.prefixTokens(), "image_size", c.imageSize(), "patch_size",
                    c.patchSize(), "channels", c.numChannels(), "classes", c.numLabels(), "representation_size",
                    c.representationSize()));
        }
    }

    @Override
    public void describeDecoding(Map<String, Object> document, double[] point, String key, boolean full) {
        if (full || space != Space.EMBEDDINGS) {
            return; // a walk's images are in its exports
        }
        EmbeddingDecoding dec = model.decode(point);
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("relative_residual", dec.relativeResidual());
        d.put("residual_norm", dec.residualNorm());
        d.put("cls_deviation", dec.clsDeviation());
        document.put(key, d);
    }

    @Override
    public String facts(int dimension) {
        var c = model.config();
        return model.facts() + " · " + c.numTokens() + " tokens · " + c.imageSize() + "×" + c.imageSize() + "×"
                + c.numChannels() + " · " + space.id() + " n = " + String.format(java.util.Locale.ROOT, "%,d", dimension);
    }

    @Override
    public java.util.Optional<String> describeLine() {
        return java.util.Optional.empty();
    }

    @Override
    public void close() {
        // the image holds no native memory
    }
}
