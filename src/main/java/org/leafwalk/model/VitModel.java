package org.leafwalk.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;

/**
 * A Vision Transformer loaded for exploration: its {@link VitNetwork} on weights fused once at load, and the plain
 * numbers that read an embedding sequence back as an image ({@link PatchDecoder}). Owns the native memory of its
 * weights.
 */
public final class VitModel implements AutoCloseable {
    private VitConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final Path directory;
    private final VitNetwork network;
    private final VitParameters parameters;
    private final PatchDecoder decoder; // reads embeddings back as pixels
    private long parameterCount;
    private ClipTextTower text; // a CLIPModel's text tower, or null
    private java.util.List<String> labelNotes = java.util.List.of(); // what the zero-shot labels' check noted

    private VitModel(Path directory, VitConfig config, VitParameters params, NDManager manager, DataType dtype) {
        this.directory = directory;
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.parameters = params;
        VitNetwork.Fused fused = VitNetwork.fuse(params);
        this.network = new VitNetwork(config, fused);
        this.decoder = new PatchDecoder(config, fused);
    }

    /** Loads a Hugging Face ViT folder (config.json, model.safetensors, optional preprocessor_config.json). */
    public static VitModel load(Path dir, Device device, DataType dtype) {
        org.leafwalk.io.InputFiles.requireFolder(dir, "model folder");
        VitConfig config = VitConfig.load(dir);
        Path weightsFile = dir.resolve("model.safetensors");
        // before any weight is read or tensor made: a shape whose step cannot fit is refused by its field
        StepMemory.refuseWhatCannotFit(dir, config, weightFileSize(weightsFile), dtype.getNumOfBytes());
        if (!Files.isRegularFile(weightsFile)) {
            throw new InvalidInputException(dir + ": no model.safetensors in the model folder");
        }
        Map<String, Tensor> w = SafeTensors.read(weightsFile);
        requireMaskToken(dir, config, w, weightsFile);
        NDManager m = NDManager.newBaseManager(device);
        try {
            VitParameters params = VitParameters.fromTensors(weightsFile, w, config, m, dtype);
            VitModel model = new VitModel(dir, config, params, m, dtype);
            model.parameterCount = Tensor.count(w);
            if (config.arch().zeroShot()) {
                model.text = ClipTextTower.load(dir, weightsFile, w, m, dtype);
                model.setDefaultLabels(config.labels());
            }
            return model;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static long weightFileSize(Path weightsFile) {
        try {
            return Files.isRegularFile(weightsFile) ? Files.size(weightsFile) : 0;
        } catch (java.io.IOException e) {
            return 0; // the read below says what is wrong with the file
        }
    }

    /**
     * use_mask_token true in config.json: the family must have a mask token (DINOv2, BEiT) and the checkpoint must
     * hold it; inference never reads it, but a config that says otherwise than the weights is not this checkpoint's.
     */
    private static void requireMaskToken(Path dir, VitConfig config, Map<String, Tensor> w, Path weightsFile) {
        com.google.gson.JsonObject raw = VitConfig.readConfig(dir);
        if (raw.has("vision_config") && raw.get("vision_config").isJsonObject()) {
            raw = raw.getAsJsonObject("vision_config");
        }
        if (!raw.has("use_mask_token")) {
            return;
        }
        Path file = dir.resolve("config.json");
        if (!VitConfig.bool(raw.get("use_mask_token"), file, "use_mask_token")) {
            return;
        }
        String family = config.family();
        if (!family.startsWith("dinov2") && !family.equals("beit")) {
            throw new InvalidInputException(file + ": use_mask_token true is a field of dinov2 and beit, which "
                    + "model_type '" + family + "' does not have");
        }
        if (w.keySet().stream().noneMatch(k -> k.endsWith("embeddings.mask_token"))) {
            throw new InvalidInputException(file + ": use_mask_token is true, but " + weightsFile.getFileName()
                    + " holds no " + config.arch().prefix() + "embeddings.mask_token");
        }
    }

    /** Whether the classes are a CLIPModel's zero-shot labels, which {@link #setLabels} changes. */
    public boolean zeroShot() {
        return text != null;
    }

    /**
     * A CLIPModel's zero-shot classes: each label's prompt ("a photo of a {label}") through the text tower, the
     * logits exp(logit_scale) × the cosines. The model keeps its labels when a prompt is refused (too many labels, a
     * label of unknown words only, two that read alike: see {@link LabelNames#check}).
     */
    public void setLabels(java.util.List<String> labels) {
        setLabels(labels, n -> { });
    }

    /** As {@link #setLabels(java.util.List)}; {@code done} hears how many prompts the text tower has read. */
    public void setLabels(java.util.List<String> labels, java.util.function.IntConsumer done) {
        setLabels(labels, true, java.util.List.of(), done);
    }

    /**
     * Leafwalk's default classes (CIFAR-10's) on a CLIPModel: those the tokenizer knows a word of, and a note on the
     * rest; all of them, unchecked and noted, when it knows fewer than two (a tokenizer for another language).
     */
    private void setDefaultLabels(java.util.List<String> defaults) {
        java.util.List<String> known = defaults.stream().filter(text::knows).toList();
        if (known.size() == defaults.size()) {
            setLabels(defaults);
            return;
        }
        java.util.List<String> unknown = defaults.stream().filter(l -> !text.knows(l)).toList();
        String file = directory.resolve("tokenizer.json").getFileName().toString();
        if (known.size() >= 2) {
            setLabels(known, true, java.util.List.of(file + " knows no word of CIFAR-10's classes " + String.join(", ",
                    unknown) + ": the default labels are the " + known.size() + " it knows (" + String.join(", ", known)
                    + ")"), n -> { });
        } else {
            setLabels(defaults, false, java.util.List.of(file + " knows " + known.size() + " of CIFAR-10's classes, so "
                    + "the default labels read as unknown tokens: give labels in words it knows (--label, or the "
                    + "window's label list)"), n -> { });
        }
    }

    private void setLabels(java.util.List<String> labels, boolean check, java.util.List<String> extraNotes,
            java.util.function.IntConsumer done) {
        if (text == null) {
            throw new IllegalStateException("only a CLIPModel takes zero-shot labels");
        }
        if (labels.isEmpty() || labels.stream().anyMatch(l -> l == null || l.isBlank())) {
            throw new InvalidInputException("zero-shot labels must be non-empty words or phrases");
        }
        NDArray w;
        NDArray wt;
        java.util.List<String> notes = new java.util.ArrayList<>(extraNotes);
        try (NDManager scope = manager.newSubManager()) { // the text tower's temporaries go with it
            NDArray t = text.embeddings(labels, scope, notes, check, done).mul(text.scale()); // (L, P)
            wt = t.duplicate();
            w = t.transpose().flatten().reshape(t.getShape().get(1), t.getShape().get(0));
            wt.attach(manager);
            w.attach(manager);
        }
        VitNetwork.ZeroShot old = network.zeroShot();
        config = config.withLabels(labels);
        labelNotes = java.util.List.copyOf(notes);
        network.setZeroShot(config, new VitNetwork.ZeroShot(w, wt));
        if (old != null) {
            old.w().close();
            old.wt().close();
        }
    }

    /** What the check of the zero-shot labels noted (labels with words the tokenizer does not know). */
    public java.util.List<String> labelNotes() {
        return labelNotes;
    }

    /** How many numbers the checkpoint holds. */
    public long parameterCount() {
        return parameterCount;
    }

    public VitConfig config() {
        return config;
    }

    public Path directory() {
        return directory;
    }

    public DataType dataType() {
        return dtype;
    }

    /** The raw parameters as loaded (Hugging Face layout). */
    public VitParameters parameters() {
        return parameters;
    }

    public VitNetwork network() {
        return network;
    }

    /** The manager that owns the weights; each step's arrays belong in a sub-manager of it. */
    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    public int inputDimension(InputSpace space) {
        return space == InputSpace.PIXELS ? config.pixelDimension() : config.embeddingDimension();
    }

    /** Width of {@link #readout}: the logits followed by the representation. */
    public int readoutWidth() {
        return network.readoutWidth();
    }

    /** (B, n) to (B, L + d): logits then the final-layernorm [CLS] state. */
    public NDArray readout(NDArray x, InputSpace space) {
        return network.readout(x, space);
    }

    /** (B, n) to (B, L + d): logits then the [CLS] state after block {@code layer} (1 to the number of layers). */
    public NDArray readoutAtLayer(NDArray x, InputSpace space, int layer) {
        return network.readoutAtLayer(x, space, layer);
    }

    /**
     * The first stage of the forward pass at {@code point} whose values are not all finite ("block 2's attention
     * scores (Inf)"), or null when the output is finite: the diagnosis of a non-finite output.
     */
    public String firstNonFinite(double[] point, InputSpace space) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(point).toType(dtype, false).reshape(1, -1);
            return network.firstNonFinite(x, space);
        }
    }

    /** Forward pass at batch 1 kept for the batched pullback. */
    public VitTape tape(NDArray x1, InputSpace space) {
        return network.tape(x1, space);
    }

    /** The embedding sequence of an image as plain numbers (T*d), computed outside autograd. */
    public double[] embeddingsOf(double[] pixels) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(pixels).toType(dtype, false).reshape(1, pixels.length);
            return network.embed(x).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /**
     * Reads an embedding sequence back as an image: each patch token minus its offset, through the
     * pseudo-inverse of the (normalisation-folded) patch projection. What no image could produce is the residual.
     */
    public EmbeddingDecoding decode(double[] embedding) {
        return decoder.decode(embedding);
    }

    /** A direction in embedding space read through the pseudo-inverse of the patch projection, as an image. */
    public double[] decodeDirection(double[] v) {
        return decoder.decodeDirection(v);
    }

    /**
     * Per-dimension bounds of the patch tokens reachable by images with pixels in [0,1] (the seed paper's
     * embedding-space bounds); the prefix tokens ([CLS], distillation, registers) are left free.
     */
    public double[][] embeddingBounds() {
        return decoder.embeddingBounds();
    }

    /** Floating-point operations of one forward pass for one input (2 per multiply-add), for GFLOP/s figures. */
    public double forwardFlops(InputSpace space) {
        return linearFlops(space) + attentionFlops();
    }

    /**
     * Floating-point operations of pulling one cotangent back to the input: each linear layer once (only the
     * input gradient is needed), attention twice (dA, dV, dQ, dK against the forward's QKᵀ and AV).
     */
    public double pullbackFlops(InputSpace space) {
        return linearFlops(space) + 2 * attentionFlops();
    }

    private double linearFlops(InputSpace space) {
        double d = config.hiddenSize();
        double t = config.numTokens();
        double inter = config.intermediateSize();
        double full = Math.max(0, config.numLayers() - 1);
        double perLayer = 2 * t * d * 3 * d + 2 * t * d * d + 2 * 2 * t * d * inter;
        double last = 2 * t * d * 2 * d + 2 * d * d + 2 * d * d + 2 * 2 * d * inter;
        double flops = full * perLayer + (config.numLayers() > 0 ? last : 0) + 2 * d * config.numLabels();
        if (space == InputSpace.PIXELS) {
            flops += 2.0 * config.numPatches() * config.patchDim() * d;
        }
        return flops;
    }

    private double attentionFlops() {
        double d = config.hiddenSize();
        double t = config.numTokens();
        double full = Math.max(0, config.numLayers() - 1);
        return full * 2 * 2 * t * t * d + (config.numLayers() > 0 ? 2 * 2 * t * d : 0);
    }

    @Override
    public void close() {
        if (text != null) {
            text.close();
        }
        manager.close();
    }
}
