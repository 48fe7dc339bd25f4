package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.Tensor;

/**
 * A ViT's parameters as Hugging Face names them (without the "vit." prefix), as NDArrays of the shapes
 * transformers uses. The raw form: what is trained and what is saved; {@link VitNetwork#fuse} derives the form the
 * forward pass runs on.
 */
public final class VitParameters {
    private final VitConfig config;
    private final Map<String, NDArray> arrays;

    private VitParameters(VitConfig config, Map<String, NDArray> arrays) {
        this.config = config;
        this.arrays = arrays;
    }

    /** Every parameter of a ViTForImageClassification with this config, with its shape. */
    public static Map<String, long[]> shapes(VitConfig c) {
        int d = c.hiddenSize();
        int inter = c.intermediateSize();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("embeddings.cls_token", new long[] {1, 1, d});
        s.put("embeddings.position_embeddings", new long[] {1, c.numTokens(), d});
        s.put("embeddings.patch_embeddings.projection.weight",
                new long[] {d, c.numChannels(), c.patchSize(), c.patchSize()});
        s.put("embeddings.patch_embeddings.projection.bias", new long[] {d});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String m : new String[] {"query", "key", "value"}) {
                s.put(p + "attention.attention." + m + ".weight", new long[] {d, d});
                s.put(p + "attention.attention." + m + ".bias", new long[] {d});
            }
            s.put(p + "attention.output.dense.weight", new long[] {d, d});
            s.put(p + "attention.output.dense.bias", new long[] {d});
            s.put(p + "intermediate.dense.weight", new long[] {inter, d});
            s.put(p + "intermediate.dense.bias", new long[] {inter});
            s.put(p + "output.dense.weight", new long[] {d, inter});
            s.put(p + "output.dense.bias", new long[] {d});
            s.put(p + "layernorm_before.weight", new long[] {d});
            s.put(p + "layernorm_before.bias", new long[] {d});
            s.put(p + "layernorm_after.weight", new long[] {d});
            s.put(p + "layernorm_after.bias", new long[] {d});
        }
        s.put("layernorm.weight", new long[] {d});
        s.put("layernorm.bias", new long[] {d});
        s.put("classifier.weight", new long[] {c.numLabels(), d});
        s.put("classifier.bias", new long[] {c.numLabels()});
        return s;
    }

    /** Biases a checkpoint may leave out (qkv_bias false, a projection without bias): read as zeros. */
    private static boolean optional(String name) {
        return name.endsWith("projection.bias") || name.matches(".*attention\\.attention\\.(query|key|value)\\.bias");
    }

    /**
     * Takes the tensors of a safetensors file, with or without the "vit." prefix, checking every name and shape
     * against the config. Errors name the file and the tensor.
     */
    public static VitParameters fromTensors(Path file, Map<String, Tensor> tensors, VitConfig config, NDManager m,
            DataType dtype) {
        String prefix = tensors.containsKey("vit.embeddings.cls_token") ? "vit." : "";
        if (!tensors.containsKey(prefix + "embeddings.cls_token")) {
            throw new InvalidInputException(file
                    + ": no ViT weights found (missing embeddings.cls_token); is this a ViT checkpoint?");
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, long[]> e : shapes(config).entrySet()) {
            String name = e.getKey();
            String full = name.startsWith("classifier.") ? name : prefix + name;
            Tensor t = tensors.get(full);
            long[] shape = e.getValue();
            if (t == null) {
                if (!optional(name)) {
                    throw new InvalidInputException(file + ": missing tensor '" + full + "' that config.json implies");
                }
                arrays.put(name, m.zeros(new Shape(shape), dtype));
                continue;
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw new InvalidInputException(file + ": tensor '" + full + "' has shape " + t.shapeString()
                        + " but config.json implies " + Arrays.toString(shape));
            }
            used.add(full);
            NDArray a = m.create(t.data(), new Shape(shape));
            arrays.put(name, dtype == DataType.FLOAT32 ? a : a.toType(dtype, false));
        }
        for (String name : tensors.keySet()) {
            String layerPrefix = prefix + "encoder.layer.";
            if (!used.contains(name) && name.startsWith(layerPrefix)) {
                String layer = name.substring(layerPrefix.length()).split("\\.")[0];
                throw new InvalidInputException(file + ": has weights for layer " + layer
                        + " but config.json says num_hidden_layers is " + config.numLayers());
            }
        }
        return new VitParameters(config, arrays);
    }

    public VitConfig config() {
        return config;
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    public Map<String, NDArray> asMap() {
        return arrays;
    }

    /** The same parameters as fresh leaf arrays on another manager (for one training step's autograd). */
    public VitParameters copyTo(NDManager m, boolean requiresGradient) {
        Map<String, NDArray> copy = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue().duplicate();
            a.attach(m);
            if (requiresGradient) {
                a.setRequiresGradient(true);
            }
            copy.put(e.getKey(), a);
        }
        return new VitParameters(config, copy);
    }

    /** The Hugging Face tensors of ViTForImageClassification ("vit." prefix on the backbone), as float32. */
    public Map<String, Tensor> toTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            String name = e.getKey().startsWith("classifier.") ? e.getKey() : "vit." + e.getKey();
            NDArray a = e.getValue().toType(DataType.FLOAT32, false);
            out.put(name, new Tensor(name, a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }
}
