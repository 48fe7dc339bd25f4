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
