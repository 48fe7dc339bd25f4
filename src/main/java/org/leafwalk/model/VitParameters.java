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

    /**
     * Every parameter of the config's family in Leafwalk's own names (ViT's, without the "vit." prefix, plus the
     * family's extra parts), with its shape; {@link VisionLayouts} maps them to the checkpoint's names.
     */
    public static Map<String, long[]> shapes(VitConfig c) {
        VisionArch a = c.arch();
        int d = c.hiddenSize();
        int inter = c.intermediateSize();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("embeddings.cls_token", new long[] {1, 1, d});
        if (a.distillationToken()) {
            s.put("embeddings.distillation_token", new long[] {1, 1, d});
        }
        if (a.registers() > 0) {
            s.put("embeddings.register_tokens", new long[] {1, a.registers(), d});
        }
        if (a.absolutePositions()) {
            int grid = a.positionGrid() > 0 ? a.positionGrid() : c.gridSize();
            s.put("embeddings.position_embeddings", new long[] {1, (long) grid * grid + a.positionedPrefix(), d});
        }
        s.put("embeddings.patch_embeddings.projection.weight",
                new long[] {d, c.numChannels(), c.patchSize(), c.patchSize()});
        s.put("embeddings.patch_embeddings.projection.bias", new long[] {d});
        if (a.preNorm()) {
            s.put("pre_layernorm.weight", new long[] {d});
            s.put("pre_layernorm.bias", new long[] {d});
        }
        long relative = (2L * c.gridSize() - 1) * (2L * c.gridSize() - 1) + 3;
        if (a.relativeBias() == VisionArch.RelativeBias.SHARED) {
            s.put("encoder.relative_position_bias_table", new long[] {relative, c.numHeads()});
        }
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String m : new String[] {"query", "key", "value"}) {
                s.put(p + "attention.attention." + m + ".weight", new long[] {d, d});
                s.put(p + "attention.attention." + m + ".bias", new long[] {d});
            }
            if (a.relativeBias() == VisionArch.RelativeBias.PER_LAYER) {
                s.put(p + "attention.attention.relative_position_bias_table", new long[] {relative, c.numHeads()});
            }
            s.put(p + "attention.output.dense.weight", new long[] {d, d});
            s.put(p + "attention.output.dense.bias", new long[] {d});
            s.put(p + "intermediate.dense.weight", new long[] {a.swiglu() ? 2L * inter : inter, d});
            s.put(p + "intermediate.dense.bias", new long[] {a.swiglu() ? 2L * inter : inter});
            s.put(p + "output.dense.weight", new long[] {d, inter});
            s.put(p + "output.dense.bias", new long[] {d});
            s.put(p + "layernorm_before.weight", new long[] {d});
            s.put(p + "layernorm_before.bias", new long[] {d});
            s.put(p + "layernorm_after.weight", new long[] {d});
            s.put(p + "layernorm_after.bias", new long[] {d});
            if (a.layerScale()) {
                s.put(p + "lambda_1", new long[] {d});
                s.put(p + "lambda_2", new long[] {d});
            }
        }
        s.put("layernorm.weight", new long[] {d});
        s.put("layernorm.bias", new long[] {d});
        if (a.hasClassifier() && !a.zeroShot()) {
            boolean teacher = a.logitScale() != 1; // DeiT's two heads, each on one token
            s.put("classifier.weight", new long[] {c.numLabels(), teacher ? d : (long) a.logits().size() * d});
            s.put("classifier.bias", new long[] {c.numLabels()});
            if (teacher) {
                s.put("distillation_classifier.weight", new long[] {c.numLabels(), d});
                s.put("distillation_classifier.bias", new long[] {c.numLabels()});
            }
        }
        if (a.projection() > 0) {
            s.put("projection.weight", new long[] {a.projection(), d});
        }
        return s;
    }

    /** Biases a checkpoint may leave out (qkv_bias false, BEiT's key, CLIP's patch projection): read as zeros. */
    private static boolean optional(String name) {
        return name.endsWith("projection.bias") || name.matches(".*attention\\.attention\\.(query|key|value)\\.bias");
    }

    /**
     * Takes the tensors of a safetensors file in the family's layout, with or without the base model's prefix,
     * checking every name and shape against the config. Errors name the file, the missing and the unexpected
     * tensors.
     */
    public static VitParameters fromTensors(Path file, Map<String, Tensor> tensors, VitConfig config, NDManager m,
            DataType dtype) {
        VisionLayouts layout = VisionLayouts.of(config, tensors.keySet(), file);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (Map.Entry<String, long[]> e : shapes(config).entrySet()) {
            String name = e.getKey();
            String full = layout.checkpointName(name);
            Tensor t = tensors.get(full);
            long[] shape = e.getValue();
            if (t == null) {
                if (!optional(name)) {
                    missing.add(full);
                }
                arrays.put(name, m.zeros(new Shape(shape), dtype));
                continue;
            }
            if (!Arrays.equals(squeezeLeading(t.shape()), squeezeLeading(shape))) {
                throw new InvalidInputException(file + ": tensor '" + full + "' has shape " + t.shapeString()
                        + " but config.json implies " + Arrays.toString(shape));
            }
            used.add(full);
            NDArray a = m.create(t.data(), new Shape(shape));
            arrays.put(name, dtype == DataType.FLOAT32 ? a : a.toType(dtype, false));
        }
        java.util.List<String> unexpected = new java.util.ArrayList<>();
        for (String name : new java.util.TreeSet<>(tensors.keySet())) {
            if (!used.contains(name) && !layout.ignored(name)) {
                unexpected.add(name);
            }
        }
        for (String name : unexpected) {
            String layerPrefix = layout.layerPrefix();
            if (name.startsWith(layerPrefix) && missing.isEmpty()) {
                String layer = name.substring(layerPrefix.length()).split("\\.")[0];
                if (layer.matches("\\d+") && Integer.parseInt(layer) >= config.numLayers()) {
                    throw new InvalidInputException(file + ": has weights for layer " + layer
                            + " but config.json says num_hidden_layers is " + config.numLayers());
                }
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new InvalidInputException(file + ": the tensors do not fit " + config.arch().architecture()
                    + " as config.json describes it (model_type " + config.family() + ")"
                    + (missing.isEmpty() ? "" : "; missing: " + list(missing))
                    + (unexpected.isEmpty() ? "" : "; unexpected: " + list(unexpected)));
        }
        VisionLayouts.interpolatePositions(config, arrays, m, dtype);
        return new VitParameters(config, arrays);
    }

    private static String list(java.util.List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 6)) + " and " + (names.size() - 6) + " more";
    }

    private static long[] squeezeLeading(long[] shape) {
        int i = 0;
        while (i < shape.length - 1 && shape[i] == 1) {
            i++;
        }
        return Arrays.copyOfRange(shape, i, shape.length);
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

    /** The tensors in the family's checkpoint layout (the base model's prefix on the backbone), as float32. */
    public Map<String, Tensor> toTensors() {
        VisionLayouts layout = VisionLayouts.of(config);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            String name = layout.checkpointName(e.getKey());
            NDArray a = e.getValue().toType(DataType.FLOAT32, false);
            out.put(name, new Tensor(name, layout.checkpointShape(e.getKey(), a.getShape().getShape()),
                    a.toFloatArray()));
        }
        return out;
    }
}
