package org.leafwalk.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;

/** Writes ViT checkpoints in the Hugging Face layout (config.json, model.safetensors, preprocessor_config.json). */
public final class VitCheckpoints {
    private VitCheckpoints() {}

    /** The shape of a ViT, as config.json states it. */
    public record Shape(int imageSize, int patchSize, int channels, int hidden, int layers, int heads, int mlp,
            int labels) {
        /** The seed paper's MNIST ViT: 4 layers, 4 heads, hidden 48, MLP 192, 2×2 patches on 28×28 (197 tokens). */
        public static Shape paperMnist() {
            return new Shape(28, 2, 1, 48, 4, 4, 192, 10);
        }
    }

    /**
     * A ViT with random weights (seeded) scaled like a trained one (unit-scale layer norms, weights ~ 1/√fan-in),
     * so its outputs and spectra have realistic magnitudes. For tests and benchmarks, never a default model.
     */
    public static void writeRandom(Path dir, Shape s, long seed, boolean vitPrefix, boolean projectionBias) {
        Random rng = new Random(seed);
        String p = vitPrefix ? "vit." : "";
        int d = s.hidden();
        int cpp = s.channels() * s.patchSize() * s.patchSize();
        int t = (s.imageSize() / s.patchSize()) * (s.imageSize() / s.patchSize()) + 1;
        Map<String, Tensor> w = new LinkedHashMap<>();
        put(w, p + "embeddings.cls_token", rng, 0.5, 1, 1, d);
        put(w, p + "embeddings.position_embeddings", rng, 0.5, 1, t, d);
        put(w, p + "embeddings.patch_embeddings.projection.weight", rng, 1 / Math.sqrt(cpp), d, s.channels(),
                s.patchSize(), s.patchSize());
        if (projectionBias) {
            put(w, p + "embeddings.patch_embeddings.projection.bias", rng, 0.1, d);
        }
        for (int l = 0; l < s.layers(); l++) {
            String pre = p + "encoder.layer." + l + ".";
            for (String m : new String[] {"query", "key", "value"}) {
                put(w, pre + "attention.attention." + m + ".weight", rng, 1 / Math.sqrt(d), d, d);
                put(w, pre + "attention.attention." + m + ".bias", rng, 0.05, d);
            }
            put(w, pre + "attention.output.dense.weight", rng, 1 / Math.sqrt(d), d, d);
            put(w, pre + "attention.output.dense.bias", rng, 0.05, d);
            put(w, pre + "intermediate.dense.weight", rng, 1 / Math.sqrt(d), s.mlp(), d);
            put(w, pre + "intermediate.dense.bias", rng, 0.05, s.mlp());
            put(w, pre + "output.dense.weight", rng, 1 / Math.sqrt(s.mlp()), d, s.mlp());
            put(w, pre + "output.dense.bias", rng, 0.05, d);
            ones(w, pre + "layernorm_before.weight", rng, d);
            put(w, pre + "layernorm_before.bias", rng, 0.05, d);
            ones(w, pre + "layernorm_after.weight", rng, d);
            put(w, pre + "layernorm_after.bias", rng, 0.05, d);
        }
        ones(w, p + "layernorm.weight", rng, d);
        put(w, p + "layernorm.bias", rng, 0.05, d);
        put(w, "classifier.weight", rng, 1 / Math.sqrt(d), s.labels(), d);
        put(w, "classifier.bias", rng, 0.05, s.labels());
        SafeTensors.write(dir.resolve("model.safetensors"), w);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < s.labels(); i++) {
            labels.add(Integer.toString(i));
        }
        double[] half = new double[s.channels()];
        Arrays.fill(half, 0.5);
        VitConfig.of(s, labels, half, half).write(dir);
    }

    /**
     * A random checkpoint of any family ({@link VisionArch#VARIANTS}) in the family's own layout and config files;
     * {@code mlp} of a SwiGLU variant is the nominal width DINOv2's mlp_ratio states.
     */
    public static void writeRandom(Path dir, Shape s, String variant, long seed) {
        if (variant.equals("vit")) {
            writeRandom(dir, s, seed, true, true);
            return;
        }
        VisionArch a = VisionArch.variant(variant, s.imageSize() / s.patchSize(), s.hidden());
        int mlp = a.swiglu() ? ((int) (s.mlp() * 2.0 / 3) + 7) / 8 * 8 : s.mlp();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < s.labels(); i++) {
            labels.add(Integer.toString(i));
        }
        double[] half = new double[s.channels()];
        Arrays.fill(half, 0.5);
        VitConfig c = VitConfig.of(new Shape(s.imageSize(), s.patchSize(), s.channels(), s.hidden(), s.layers(),
                s.heads(), mlp, s.labels()), labels, half, half).withArch(a);
        VisionLayouts layout = VisionLayouts.of(c);
        Random rng = new Random(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : VitParameters.shapes(c).entrySet()) {
            String name = e.getKey();
            if ((a.family().equals("beit") && name.endsWith("attention.key.bias"))
                    || (a.family().startsWith("clip") && name.endsWith("projection.bias"))) {
                continue; // BEiT's key and CLIP's patch projection have no bias
            }
            String full = layout.checkpointName(name);
            long[] shape = layout.checkpointShape(name, e.getValue());
            int n = 1;
            for (long v : shape) {
                n *= (int) v;
            }
            double center = 0;
            double scale;
            if (name.endsWith("layernorm_before.weight") || name.endsWith("layernorm_after.weight")
                    || name.endsWith("layernorm.weight")) {
                center = 1;
                scale = 0.1;
            } else if (name.contains("lambda_")) {
                center = a.family().equals("beit") ? 0.1 : 1;
                scale = 0.1 * center;
            } else if (name.endsWith("bias")) {
                scale = 0.05;
            } else if (name.startsWith("embeddings.") && !name.contains("patch_embeddings")
                    || name.contains("relative_position")) {
                scale = 0.5;
            } else {
                long fanIn = e.getValue().length == 1 ? 1 : n / e.getValue()[0];
                scale = 1 / Math.sqrt(fanIn);
            }
            float[] data = new float[n];
            for (int i = 0; i < n; i++) {
                data[i] = (float) (center + rng.nextGaussian() * scale);
            }
            w.put(full, new Tensor(full, shape, data));
        }
        if (a.zeroShot()) {
            ClipTextTower.writeRandom(dir, c, w, rng);
        }
        SafeTensors.write(dir.resolve("model.safetensors"), w);
        c.write(dir);
    }

    private static void put(Map<String, Tensor> w, String name, Random rng, double scale, long... shape) {
        int n = 1;
        for (long v : shape) {
            n *= (int) v;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (rng.nextGaussian() * scale);
        }
        w.put(name, new Tensor(name, shape, data));
    }

    private static void ones(Map<String, Tensor> w, String name, Random rng, int d) {
        float[] data = new float[d];
        for (int i = 0; i < d; i++) {
            data[i] = (float) (1 + 0.1 * rng.nextGaussian());
        }
        w.put(name, new Tensor(name, new long[] {d}, data));
    }
}
