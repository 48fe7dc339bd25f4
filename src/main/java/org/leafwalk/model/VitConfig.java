package org.leafwalk.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.JsonFiles;

/**
 * The parts of a Hugging Face ViT config.json (and preprocessor_config.json) that the engine needs.
 * Pixel values reach the model as intensities x in [0,1], then (x - mean) / std: {@code imageMean} and
 * {@code imageStd} are the processor's own divided by its {@link Preprocessing#pixelScale} (255 × rescale_factor, or
 * 255 without do_rescale), which is what transformers feeds the model for the same image.
 */
public record VitConfig(
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        String hiddenAct,
        double layerNormEps,
        int imageSize,
        int patchSize,
        int numChannels,
        List<String> labels,
        double[] imageMean,
        double[] imageStd,
        double[] imageBackground,
        List<String> notes,
        Preprocessing preprocessing,
        VisionArch arch) {

    /** Vision families whose attention is windowed or whose stem is convolutional: refused as such, by name. */
    static final List<String> WINDOWED_OR_CONVOLUTIONAL = List.of("swin", "swinv2", "donut-swin", "maskformer-swin",
            "convnext", "convnextv2", "levit", "mobilevit", "mobilevitv2", "cvt", "pvt", "pvt_v2", "focalnet", "dinat",
            "nat", "efficientformer", "poolformer", "hiera", "resnet", "regnet", "van", "bit");

    /** The background transparency is composited onto when the processor names none: black, as MNIST's is. */
    public static final double[] DEFAULT_BACKGROUND = {0, 0, 0};


    /** What the model's folder left out and Leafwalk filled in, for the user to see. */
    public VitConfig {
        notes = List.copyOf(notes);
    }

    public int gridSize() {
        return imageSize / patchSize;
    }

    public int numPatches() {
        return gridSize() * gridSize();
    }

    public int numTokens() {
        return numPatches() + arch.prefixTokens();
    }

    /** The tokens before the patches ([CLS], DeiT's distillation token, DINOv2's registers). */
    public int prefixTokens() {
        return arch.prefixTokens();
    }

    /** The width of the representation: the hidden size, or CLIP's projection. */
    public int representationSize() {
        return arch.projection() > 0 ? arch.projection() : hiddenSize;
    }

    /** The model's family (its config's model_type). */
    public String family() {
        return arch.family();
    }

    public int patchDim() {
        return numChannels * patchSize * patchSize;
    }

    public int pixelDimension() {
        return numChannels * imageSize * imageSize;
    }

    public int embeddingDimension() {
        return numTokens() * hiddenSize;
    }

    public int numLabels() {
        return labels.size();
    }

    /** A config for a new model (training, random checkpoints), GELU and transformers' default epsilon. */
    public static VitConfig of(VitCheckpoints.Shape s, List<String> labels, double[] mean, double[] std) {
        if (labels.size() != s.labels()) {
            throw new IllegalArgumentException(s.labels() + " classes but " + labels.size() + " label names");
        }
        return new VitConfig(s.hidden(), s.layers(), s.heads(), s.mlp(), "gelu", 1e-12, s.imageSize(), s.patchSize(),
                s.channels(), List.copyOf(labels), mean.clone(), std.clone(), DEFAULT_BACKGROUND.clone(), List.of(),
                Preprocessing.exact(s.imageSize()), VisionArch.vit());
    }

    /** Writes config.json and preprocessor_config.json as transformers would for the family's architecture. */
    public void write(Path dir) {
        VisionConfigFiles.write(this, dir);
    }

    /** The labels a CLIPModel's zero-shot prompts start with: CIFAR-10's classes. */
    public static final List<String> ZERO_SHOT_LABELS = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    /** The same model with other class labels (a CLIPModel's zero-shot prompts). */
    public VitConfig withLabels(List<String> l) {
        return new VitConfig(hiddenSize, numLayers, numHeads, intermediateSize, hiddenAct, layerNormEps, imageSize,
                patchSize, numChannels, List.copyOf(l), imageMean, imageStd, imageBackground, notes, preprocessing,
                arch);
    }

    /** The same model with another family's parts (random checkpoints of any family). */
    public VitConfig withArch(VisionArch a) {
        return new VitConfig(hiddenSize, numLayers, numHeads, intermediateSize, a.family().startsWith("clip")
                ? "quick_gelu" : hiddenAct, a.family().startsWith("clip") ? 1e-5 : layerNormEps, imageSize, patchSize,
                numChannels, a.hasClassifier() ? labels : List.of(), imageMean, imageStd, imageBackground, notes,
                preprocessing, a);
    }

    public static VitConfig load(Path dir) {
        Path configFile = dir.resolve("config.json");
        JsonObject c = readConfig(dir);
        String type = stringField(c, configFile, "model_type", "(missing)");
        if (!VisionArch.FAMILIES.contains(type)) {
            String kind = WINDOWED_OR_CONVOLUTIONAL.contains(type)
                    ? "a windowed or convolutional vision model, which Leafwalk's image engine (plain ViTs) does not run"
                    : "not a family Leafwalk's image engine runs";
            throw new InvalidInputException(configFile + ": model_type '" + type + "' is " + kind + " (Leafwalk "
                    + "opens " + String.join(", ", VisionArch.FAMILIES.subList(0, VisionArch.FAMILIES.size() - 1))
                    + " for images (" + VisionArch.opens() + "), " + String.join(", ", BertConfig.FAMILIES)
                    + " for text, and ONNX BERT exports)");
        }
        // a whole CLIP folder keeps the image tower's fields in vision_config
        JsonObject v = c;
        if (type.equals("clip")) {
            if (!c.has("vision_config") || !c.get("vision_config").isJsonObject()) {
                throw new InvalidInputException(configFile + ": model_type clip needs a vision_config object");
            }
            v = c.getAsJsonObject("vision_config");
        }
        boolean clip = type.startsWith("clip");
        boolean dino = type.startsWith("dinov2");
        int hidden = intField(v, configFile, "hidden_size", 768);
        int layers = intField(v, configFile, "num_hidden_layers", 12);
        int heads = intField(v, configFile, "num_attention_heads", 12);
        int inter;
        if (dino) {
            inter = (int) (hidden * doubleField(v, configFile, "mlp_ratio", 4));
            if (v.has("use_swiglu_ffn") && bool(v.get("use_swiglu_ffn"), configFile, "use_swiglu_ffn")) {
                inter = ((int) (inter * 2.0 / 3) + 7) / 8 * 8; // Dinov2SwiGLUFFN's hidden width
            }
        } else {
            inter = intField(v, configFile, "intermediate_size", 3072);
        }
        int image = intField(v, configFile, "image_size", 224);
        int patch = intField(v, configFile, "patch_size", clip ? 32 : dino ? 14 : 16);
        int channels = intField(v, configFile, "num_channels", 3);
        double eps = doubleField(v, configFile, "layer_norm_eps", clip ? 1e-5 : dino ? 1e-6 : 1e-12);
        String act = stringField(v, configFile, "hidden_act", clip ? "quick_gelu" : "gelu");
        if (!List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "quick_gelu").contains(act)) {
            throw new InvalidInputException(configFile + ": hidden_act '" + act
                    + "' is not supported (gelu, gelu_new, gelu_pytorch_tanh, quick_gelu)");
        }
        if (hidden % heads != 0) {
            throw new InvalidInputException(configFile + ": hidden_size " + hidden
                    + " is not divisible by num_attention_heads " + heads);
        }
        if (image % patch != 0) {
            throw new InvalidInputException(configFile + ": image_size " + image
                    + " is not a multiple of patch_size " + patch);
        }
        VisionArch arch = VisionArch.read(c, v, configFile, type, image, patch);
        List<String> notes = new ArrayList<>();
        List<String> labels = arch.zeroShot() ? ZERO_SHOT_LABELS
                : arch.hasClassifier() ? readLabels(c, configFile, notes) : List.of();
        if (arch.zeroShot()) {
            notes.add("zero-shot: exp(logit_scale) × the cosine of the image embedding with each label's prompt '"
                    + ClipTextTower.PROMPT + "'; the labels are CIFAR-10's until others are given (--label, or the "
                    + "window's label list)");
        }
        PreprocessorConfig.Pixels pixels = PreprocessorConfig.pixels(dir, type, dino, channels, image, patch, notes);
        image = pixels.imageSize();
        if (arch.family().equals("beit") && arch.relativeBias() != VisionArch.RelativeBias.NONE
                && image != arch.positionGrid() * patch) {
            throw new InvalidInputException(configFile + ": BEiT's relative position bias is for a "
                    + arch.positionGrid() + "×" + arch.positionGrid() + " grid; the input is " + image + "×" + image);
        }
        if (!arch.hasClassifier()) {
            notes.add("no classifier (" + arch.architecture() + "): the representation metric only");
        }
        return new VitConfig(hidden, layers, heads, inter, act, eps, image, patch, channels, labels, pixels.mean(),
                pixels.std(), pixels.background(), notes, pixels.preprocessing(), arch);
    }

    static boolean bool(JsonElement e, Path file, String name) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        throw new InvalidInputException(file + ": " + name + " must be true or false, got " + e);
    }

    private static List<String> readLabels(JsonObject c, Path file, List<String> notes) {
        Map<Integer, String> byIndex = new TreeMap<>();
        if (c.has("id2label")) {
            if (!c.get("id2label").isJsonObject()) {
                throw new InvalidInputException(file + ": id2label must be an object of index: label");
            }
            for (var e : c.getAsJsonObject("id2label").entrySet()) {
                try {
                    byIndex.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
                } catch (NumberFormatException ex) {
                    throw new InvalidInputException(file + ": id2label key '" + e.getKey() + "' is not an integer");
                }
            }
        }
        int n = c.has("num_labels") ? intField(c, file, "num_labels", 2) : byIndex.size();
        if (n == 0) {
            n = 2; // transformers' default for PretrainedConfig
        }
        List<String> labels = new ArrayList<>();
        List<String> filled = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String l = byIndex.get(i);
            if (l == null) {
                l = "LABEL_" + i;
                filled.add(l);
            }
            labels.add(l);
        }
        if (!filled.isEmpty()) {
            notes.add(file.getFileName() + (byIndex.isEmpty() ? ": no id2label; the classes are named "
                    : ": id2label names " + byIndex.size() + " of " + n + " classes; the others are named ")
                    + (filled.size() > 3 ? filled.get(0) + " … " + filled.get(filled.size() - 1)
                            : String.join(", ", filled)));
        }
        return labels;
    }

    /** A model folder's config.json, or a message that the folder is not a model. */
    static JsonObject readConfig(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(dir + ": not a model folder (no config.json)");
        }
        return JsonFiles.readObject(file);
    }

    /** A positive integer field of a config file (its default when absent), with errors naming file and field. */
    static int intField(JsonObject c, Path file, String name, int dflt) {
        if (!c.has(name)) {
            return dflt;
        }
        return whole(c.get(name), file, name, 1);
    }

    /**
     * A whole number of at least {@code min} written as one in JSON (Python reads 32.5 or 32.0 as a float, which
     * transformers' resize and crop refuse), with errors naming file and field.
     */
    static int whole(JsonElement e, Path file, String field, int min) {
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            String literal = e.getAsString();
            if (literal.matches("-?[0-9]+")) {
                long v = literal.length() > 12 ? Long.MAX_VALUE : Long.parseLong(literal);
                if (v >= min && v <= Integer.MAX_VALUE) {
                    return (int) v;
                }
                throw new InvalidInputException(file + ": " + field + (v < min ? " must be " + (min > 0
                        ? "a positive" : "a non-negative") + " whole number, got " : " is too large: ") + literal);
            }
        }
        throw new InvalidInputException(file + ": " + field + " must be a whole number, got " + e);
    }

    /** A number field of a config file (its default when absent), with errors naming file and field. */
    static double doubleField(JsonObject c, Path file, String name, double dflt) {
        return c.has(name) ? number(c.get(name), file, name) : dflt;
    }

    static double number(JsonElement e, Path file, String name) {
        try {
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                double v = e.getAsDouble();
                if (Double.isFinite(v)) {
                    return v;
                }
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        throw new InvalidInputException(file + ": " + name + " must be a number, got " + e);
    }

    /** A string field (its default when absent), with errors naming file and field. */
    static String stringField(JsonObject c, Path file, String name, String dflt) {
        if (!c.has(name)) {
            return dflt;
        }
        JsonElement e = c.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new InvalidInputException(file + ": " + name + " must be a string, got " + e);
        }
        return e.getAsString();
    }
}
