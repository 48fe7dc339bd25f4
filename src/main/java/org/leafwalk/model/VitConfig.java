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
 * Pixel values reach the model as intensities in [0,1] (after rescale), then (x - mean) / std.
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
        double[] imageStd) {

    public int gridSize() {
        return imageSize / patchSize;
    }

    public int numPatches() {
        return gridSize() * gridSize();
    }

    public int numTokens() {
        return numPatches() + 1;
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
                s.channels(), List.copyOf(labels), mean.clone(), std.clone());
    }

    /** Writes config.json and preprocessor_config.json as transformers would for ViTForImageClassification. */
    public void write(Path dir) {
        com.google.gson.JsonObject c = new com.google.gson.JsonObject();
        c.addProperty("model_type", "vit");
        com.google.gson.JsonArray arch = new com.google.gson.JsonArray();
        arch.add("ViTForImageClassification");
        c.add("architectures", arch);
        c.addProperty("hidden_size", hiddenSize);
        c.addProperty("num_hidden_layers", numLayers);
        c.addProperty("num_attention_heads", numHeads);
        c.addProperty("intermediate_size", intermediateSize);
        c.addProperty("hidden_act", hiddenAct);
        c.addProperty("hidden_dropout_prob", 0.0);
        c.addProperty("attention_probs_dropout_prob", 0.0);
        c.addProperty("layer_norm_eps", layerNormEps);
        c.addProperty("image_size", imageSize);
        c.addProperty("patch_size", patchSize);
        c.addProperty("num_channels", numChannels);
        c.addProperty("qkv_bias", true);
        JsonObject id2label = new JsonObject();
        JsonObject label2id = new JsonObject();
        for (int i = 0; i < labels.size(); i++) {
            id2label.addProperty(Integer.toString(i), labels.get(i));
            label2id.addProperty(labels.get(i), i);
        }
        c.add("id2label", id2label);
        c.add("label2id", label2id);
        JsonFiles.write(dir.resolve("config.json"), c);

        JsonObject pre = new JsonObject();
        pre.addProperty("image_processor_type", "ViTImageProcessor");
        pre.addProperty("do_rescale", true);
        pre.addProperty("rescale_factor", 1 / 255.0);
        pre.addProperty("do_normalize", true);
        com.google.gson.JsonArray mean = new com.google.gson.JsonArray();
        com.google.gson.JsonArray std = new com.google.gson.JsonArray();
        for (int i = 0; i < numChannels; i++) {
            mean.add(imageMean[i]);
            std.add(imageStd[i]);
        }
        pre.add("image_mean", mean);
        pre.add("image_std", std);
        pre.addProperty("do_resize", true);
        JsonObject size = new JsonObject();
        size.addProperty("height", imageSize);
        size.addProperty("width", imageSize);
        pre.add("size", size);
        JsonFiles.write(dir.resolve("preprocessor_config.json"), pre);
    }

    public static VitConfig load(Path dir) {
        Path configFile = dir.resolve("config.json");
        JsonObject c = readConfig(dir);
        String type = c.has("model_type") ? c.get("model_type").getAsString() : "(missing)";
        if (!type.equals("vit")) {
            throw new InvalidInputException(configFile + ": model_type '" + type
                    + "' is not supported by the image engine (expected 'vit')");
        }
        int hidden = intField(c, configFile, "hidden_size", 768);
        int layers = intField(c, configFile, "num_hidden_layers", 12);
        int heads = intField(c, configFile, "num_attention_heads", 12);
        int inter = intField(c, configFile, "intermediate_size", 3072);
        int image = intField(c, configFile, "image_size", 224);
        int patch = intField(c, configFile, "patch_size", 16);
        int channels = intField(c, configFile, "num_channels", 3);
        double eps = c.has("layer_norm_eps") ? c.get("layer_norm_eps").getAsDouble() : 1e-12;
        String act = c.has("hidden_act") ? c.get("hidden_act").getAsString() : "gelu";
        if (!List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast").contains(act)) {
            throw new InvalidInputException(configFile + ": hidden_act '" + act
                    + "' is not supported (gelu, gelu_new, gelu_pytorch_tanh)");
        }
        if (hidden % heads != 0) {
            throw new InvalidInputException(configFile + ": hidden_size " + hidden
                    + " is not divisible by num_attention_heads " + heads);
        }
        if (image % patch != 0) {
            throw new InvalidInputException(configFile + ": image_size " + image
                    + " is not a multiple of patch_size " + patch);
        }
        List<String> labels = readLabels(c, configFile);
        double[] mean = new double[channels];
        double[] std = new double[channels];
        java.util.Arrays.fill(mean, 0.5);
        java.util.Arrays.fill(std, 0.5);
        Path pre = dir.resolve("preprocessor_config.json");
        if (Files.isRegularFile(pre)) {
            JsonObject p = JsonFiles.readObject(pre);
            boolean normalize = !p.has("do_normalize") || p.get("do_normalize").getAsBoolean();
            if (normalize) {
                mean = floats(p, pre, "image_mean", channels, mean);
                std = floats(p, pre, "image_std", channels, std);
            } else {
                java.util.Arrays.fill(mean, 0);
                java.util.Arrays.fill(std, 1);
            }
            for (double s : std) {
                if (!(s > 0)) {
                    throw new InvalidInputException(pre + ": image_std must be positive");
                }
            }
            int size = preprocessorSize(p);
            if (size > 0 && size != image) {
                throw new InvalidInputException(pre + ": size " + size + " does not match image_size " + image
                        + " in config.json");
            }
        }
        return new VitConfig(hidden, layers, heads, inter, act, eps, image, patch, channels, labels, mean, std);
    }

    private static int preprocessorSize(JsonObject p) {
        if (!p.has("size")) {
            return -1;
        }
        JsonElement s = p.get("size");
        if (s.isJsonPrimitive()) {
            return s.getAsInt();
        }
        JsonObject o = s.getAsJsonObject();
        if (o.has("height")) {
            return o.get("height").getAsInt();
        }
        return o.has("shortest_edge") ? o.get("shortest_edge").getAsInt() : -1;
    }

    private static List<String> readLabels(JsonObject c, Path file) {
        Map<Integer, String> byIndex = new TreeMap<>();
        if (c.has("id2label")) {
            for (var e : c.getAsJsonObject("id2label").entrySet()) {
                try {
                    byIndex.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
                } catch (NumberFormatException ex) {
                    throw new InvalidInputException(file + ": id2label key '" + e.getKey() + "' is not an integer");
                }
            }
        }
        int n = c.has("num_labels") ? c.get("num_labels").getAsInt() : byIndex.size();
        if (n == 0) {
            n = 2; // transformers' default for PretrainedConfig
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.add(byIndex.getOrDefault(i, "LABEL_" + i));
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
        try {
            int v = c.get(name).getAsInt();
            if (v <= 0) {
                throw new InvalidInputException(file + ": " + name + " must be positive, got " + v);
            }
            return v;
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
            throw new InvalidInputException(file + ": " + name + " is not an integer");
        }
    }

    private static double[] floats(JsonObject p, Path file, String name, int channels, double[] dflt) {
        if (!p.has(name)) {
            return dflt;
        }
        JsonElement e = p.get(name);
        double[] out = new double[channels];
        if (e.isJsonPrimitive()) {
            java.util.Arrays.fill(out, e.getAsDouble());
            return out;
        }
        var arr = e.getAsJsonArray();
        if (arr.size() != channels) {
            throw new InvalidInputException(file + ": " + name + " has " + arr.size() + " values but the model has "
                    + channels + " channels");
        }
        for (int i = 0; i < channels; i++) {
            out[i] = arr.get(i).getAsDouble();
        }
        return out;
    }
}
