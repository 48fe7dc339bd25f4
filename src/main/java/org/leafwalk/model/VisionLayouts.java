package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.leafwalk.io.InvalidInputException;

/**
 * How each vision family names its tensors in a checkpoint (transformers' module names), mapped from Leafwalk's
 * own names ({@link VitParameters#shapes}): DINOv2's norm1/mlp.fc1/layer_scale1, BEiT's pooler norm and relative
 * position tables, CLIP's vision_model.encoder.layers.N.self_attn.q_proj and its class and position embeddings.
 */
final class VisionLayouts {
    private final VisionArch arch;
    private final String prefix;

    private VisionLayouts(VisionArch arch, String prefix) {
        this.arch = arch;
        this.prefix = prefix;
    }

    /** The layout a new checkpoint is written in: with the base model's prefix. */
    static VisionLayouts of(VitConfig c) {
        return new VisionLayouts(c.arch(), c.arch().prefix());
    }

    /** The layout of a checkpoint's keys: with the base model's prefix or without it. */
    static VisionLayouts of(VitConfig c, Set<String> keys, Path file) {
        VisionArch a = c.arch();
        List<String> prefixes = a.family().equals("dinov2_with_registers") ? List.of(a.prefix(), "dinov2.", "")
                : List.of(a.prefix(), "");
        for (String p : prefixes) {
            VisionLayouts l = new VisionLayouts(a, p);
            if (keys.contains(l.checkpointName("embeddings.cls_token"))) {
                return l;
            }
        }
        VisionLayouts l = new VisionLayouts(a, a.prefix());
        throw new InvalidInputException(file + ": no " + a.family() + " weights found (missing "
                + l.checkpointName("embeddings.cls_token") + ", with or without the '" + a.prefix() + "' prefix); is "
                + "this a " + a.architecture() + " checkpoint?");
    }

    /** The keys of the encoder's layers start with this. */
    String layerPrefix() {
        return prefix + (clip() ? "encoder.layers." : "encoder.layer.");
    }

    private boolean clip() {
        return arch.family().startsWith("clip");
    }

    /** Tensors a checkpoint of the family may hold that inference does not read. */
    boolean ignored(String key) {
        if (arch.zeroShot() && (key.startsWith("text_model.") || key.equals("text_projection.weight")
                || key.equals("logit_scale"))) {
            return true; // the text tower, read by ClipTextTower
        }
        return key.endsWith("mask_token") || key.endsWith("position_ids") || key.endsWith("relative_position_index")
                || key.startsWith(prefix + "pooler.dense.");
    }

    /** The checkpoint's name of one of Leafwalk's parameter names. */
    String checkpointName(String name) {
        if (name.startsWith("classifier.")) {
            return arch.logitScale() != 1 ? "cls_" + name : name;
        }
        if (name.startsWith("distillation_classifier.")) {
            return name;
        }
        if (name.equals("projection.weight")) {
            return "visual_projection.weight";
        }
        if (clip()) {
            return prefix + clipName(name);
        }
        if (arch.family().startsWith("dinov2")) {
            String n = dinoName(name);
            return prefix + (arch.swiglu() ? n.replace("mlp.fc1", "mlp.weights_in").replace("mlp.fc2", "mlp.weights_out")
                    : n);
        }
        if (arch.family().equals("beit")) {
            return prefix + beitName(name);
        }
        return prefix + name;
    }

    /** The checkpoint's shape of one of Leafwalk's parameters (CLIP keeps its class and position embeddings flat). */
    long[] checkpointShape(String name, long[] shape) {
        if (clip() && (name.equals("embeddings.cls_token") || name.equals("embeddings.position_embeddings"))) {
            return java.util.Arrays.copyOfRange(shape, name.equals("embeddings.cls_token") ? 2 : 1, shape.length);
        }
        return shape;
    }

    private static String dinoName(String name) {
        return name.replace("layernorm_before", "norm1").replace("layernorm_after", "norm2")
                .replace("lambda_1", "layer_scale1.lambda1").replace("lambda_2", "layer_scale2.lambda1")
                .replace("intermediate.dense", "mlp.fc1").replace("output.dense", "mlp.fc2")
                .replace("attention.mlp.fc2", "attention.output.dense");
    }

    private String beitName(String name) {
        if (name.startsWith("layernorm.") && arch.representation().pool() == VisionArch.Pool.NORM_OF_MEAN) {
            return "pooler." + name;
        }
        return name.replace("attention.attention.relative_position_bias_table",
                        "attention.attention.relative_position_bias.relative_position_bias_table")
                .replace("encoder.relative_position_bias_table", "encoder.relative_position_bias.relative_position_bias_table");
    }

    private static String clipName(String name) {
        return switch (name) {
            case "embeddings.cls_token" -> "embeddings.class_embedding";
            case "embeddings.position_embeddings" -> "embeddings.position_embedding.weight";
            case "embeddings.patch_embeddings.projection.weight" -> "embeddings.patch_embedding.weight";
            case "embeddings.patch_embeddings.projection.bias" -> "embeddings.patch_embedding.bias";
            case "pre_layernorm.weight" -> "pre_layrnorm.weight";
            case "pre_layernorm.bias" -> "pre_layrnorm.bias";
            case "layernorm.weight" -> "post_layernorm.weight";
            case "layernorm.bias" -> "post_layernorm.bias";
            default -> name.replace("encoder.layer.", "encoder.layers.")
                    .replace("attention.attention.query", "self_attn.q_proj")
                    .replace("attention.attention.key", "self_attn.k_proj")
                    .replace("attention.attention.value", "self_attn.v_proj")
                    .replace("attention.output.dense", "self_attn.out_proj")
                    .replace("layernorm_before", "layer_norm1").replace("layernorm_after", "layer_norm2")
                    .replace("intermediate.dense", "mlp.fc1").replace("output.dense", "mlp.fc2");
        };
    }

    /**
     * DINOv2's position embeddings brought to the input's patch grid when the checkpoint's differs, as transformers'
     * interpolate_pos_encoding does: bicubic with align_corners false, for DINOv2 without antialiasing (a = −0.75,
     * the borders repeated), for DINOv2 with registers with it (torch's antialiased kernel, Pillow's a = −0.5).
     */
    static void interpolatePositions(VitConfig c, Map<String, NDArray> arrays, NDManager m, DataType dtype) {
        NDArray pos = arrays.get("embeddings.position_embeddings");
        int from = c.arch().positionGrid();
        int to = c.gridSize();
        if (pos == null || from == to || from == 0) {
            return;
        }
        int d = c.hiddenSize();
        int lead = c.arch().positionedPrefix();
        double[] p = pos.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] out = new double[(lead + to * to) * d];
        System.arraycopy(p, 0, out, 0, lead * d);
        if (c.family().equals("dinov2_with_registers")) {
            double[] grid = java.util.Arrays.copyOfRange(p, lead * d, p.length); // (from, from, d): d bands
            double[] r = Resample.BICUBIC.resizeExact(grid, from, from, d, to, to);
            System.arraycopy(r, 0, out, lead * d, r.length);
            arrays.put("embeddings.position_embeddings",
                    m.create(out, new Shape(1, lead + (long) to * to, d)).toType(dtype, false));
            return;
        }
        double[][] wy = cubicWeights(from, to);
        for (int oy = 0; oy < to; oy++) {
            for (int ox = 0; ox < to; ox++) {
                int o = (lead + oy * to + ox) * d;
                for (int a = 0; a < 4; a++) {
                    int iy = clamp((int) wy[oy][4] - 1 + a, from);
                    for (int b = 0; b < 4; b++) {
                        int ix = clamp((int) wy[ox][4] - 1 + b, from);
                        double w = wy[oy][a] * wy[ox][b];
                        int i = (lead + iy * from + ix) * d;
                        for (int j = 0; j < d; j++) {
                            out[o + j] += w * p[i + j];
                        }
                    }
                }
            }
        }
        NDArray a = m.create(out, new Shape(1, lead + (long) to * to, d)).toType(dtype, false);
        arrays.put("embeddings.position_embeddings", a);
    }

    private static int clamp(int i, int n) {
        return Math.max(0, Math.min(n - 1, i));
    }

    /** Per output index: the four weights for source indices floor(s) − 1 … floor(s) + 2, then floor(s). */
    private static double[][] cubicWeights(int in, int out) {
        double a = -0.75;
        double scale = (double) in / out;
        double[][] w = new double[out][5];
        for (int i = 0; i < out; i++) {
            double src = (i + 0.5) * scale - 0.5;
            double f = Math.floor(src);
            double t = src - f;
            w[i][0] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
            w[i][1] = ((a + 2) * t - (a + 3)) * t * t + 1;
            w[i][2] = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
            w[i][3] = ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a;
            w[i][4] = f;
        }
        return w;
    }
}
