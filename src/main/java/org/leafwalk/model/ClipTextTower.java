package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.Tensor;

/**
 * CLIP's text tower (transformers' CLIPTextTransformer and text_projection), run once per label prompt: token and
 * position embeddings, pre-norm causal blocks with quick GELU, the final layer norm, the state at the end-of-text
 * token projected and normalised. The prompts' embeddings are constants of the image walk, so no gradient flows
 * here.
 */
final class ClipTextTower {
    /** How a label becomes the sentence the text tower reads. */
    static final String PROMPT = "a photo of a {label}";

    private final TextTokenizer tokenizer;
    private final NDArray tokens; // (V, d)
    private final NDArray positions; // (P, d)
    private final List<NDArray[]> layers = new ArrayList<>();
    private final NDArray finalG;
    private final NDArray finalB;
    private final NDArray projection; // (d, P)
    private final int heads;
    private final double eps;
    private final String act;
    private final int eos;
    private final int maxPositions;

    private ClipTextTower(TextTokenizer tokenizer, Map<String, NDArray> w, int layerCount, int heads, double eps,
            String act, int eos, int maxPositions) {
        this.tokenizer = tokenizer;
        this.tokens = w.get("text_model.embeddings.token_embedding.weight");
        this.positions = w.get("text_model.embeddings.position_embedding.weight");
        for (int l = 0; l < layerCount; l++) {
            String p = "text_model.encoder.layers." + l + ".";
            String[] names = {"layer_norm1.weight", "layer_norm1.bias", "self_attn.q_proj.weight",
                "self_attn.q_proj.bias", "self_attn.k_proj.weight", "self_attn.k_proj.bias", "self_attn.v_proj.weight",
                "self_attn.v_proj.bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias", "layer_norm2.weight",
                "layer_norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"};
            NDArray[] a = new NDArray[names.length];
            for (int i = 0; i < names.length; i++) {
                NDArray x = w.get(p + names[i]);
                // a matmul against a strided transpose copies it on every call: keep (in, out) contiguous
                a[i] = x.getShape().dimension() == 2 ? contiguousT(x) : x;
            }
            layers.add(a);
        }
        this.finalG = w.get("text_model.final_layer_norm.weight");
        this.finalB = w.get("text_model.final_layer_norm.bias");
        this.projection = w.get("text_projection.weight").transpose();
        this.heads = heads;
        this.eps = eps;
        this.act = act;
        this.eos = eos;
        this.maxPositions = maxPositions;
    }

    /** The text tower of a CLIPModel folder: config.json's text_config, the text_model tensors, tokenizer.json. */
    static ClipTextTower load(Path dir, Path weightsFile, Map<String, Tensor> tensors, NDManager m, DataType dtype) {
        Path configFile = dir.resolve("config.json");
        JsonObject c = VitConfig.readConfig(dir);
        if (!c.has("text_config") || !c.get("text_config").isJsonObject()) {
            throw new InvalidInputException(configFile + ": a CLIPModel needs a text_config object");
        }
        JsonObject t = c.getAsJsonObject("text_config");
        int d = VitConfig.intField(t, configFile, "hidden_size", 512);
        int inter = VitConfig.intField(t, configFile, "intermediate_size", 2048);
        int heads = VitConfig.intField(t, configFile, "num_attention_heads", 8);
        int layers = VitConfig.intField(t, configFile, "num_hidden_layers", 12);
        int maxPos = VitConfig.intField(t, configFile, "max_position_embeddings", 77);
        int vocab = VitConfig.intField(t, configFile, "vocab_size", 49408);
        int eos = t.has("eos_token_id") ? (int) VitConfig.number(t.get("eos_token_id"), configFile,
                "text_config.eos_token_id") : 2;
        double eps = VitConfig.doubleField(t, configFile, "layer_norm_eps", 1e-5);
        String act = VitConfig.stringField(t, configFile, "hidden_act", "quick_gelu");
        if (!List.of("quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh").contains(act)) {
            throw new InvalidInputException(configFile + ": text_config.hidden_act '" + act + "' is not supported");
        }
        if (d % heads != 0) {
            throw new InvalidInputException(configFile + ": text_config.hidden_size " + d
                    + " is not divisible by num_attention_heads " + heads);
        }
        int proj = VitConfig.intField(c, configFile, "projection_dim", 512);
        Map<String, long[]> shapes = shapes(vocab, maxPos, d, inter, layers, proj);
        Map<String, NDArray> w = new java.util.HashMap<>();
        List<String> missing = new ArrayList<>();
        for (var e : shapes.entrySet()) {
            Tensor x = tensors.get(e.getKey());
            if (x == null) {
                missing.add(e.getKey());
                continue;
            }
            if (x.data().length != java.util.Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b)) {
                throw new InvalidInputException(weightsFile + ": tensor '" + e.getKey() + "' has shape "
                        + x.shapeString() + " but config.json's text_config implies "
                        + java.util.Arrays.toString(e.getValue()));
            }
            w.put(e.getKey(), m.create(x.data(), new Shape(e.getValue())).toType(dtype, false));
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException(weightsFile + ": the CLIPModel's text tower is missing "
                    + (missing.size() <= 6 ? String.join(", ", missing)
                            : String.join(", ", missing.subList(0, 6)) + " and " + (missing.size() - 6) + " more"));
        }
        TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"), vocab);
        ClipTextTower tower = new ClipTextTower(tok, w, layers, heads, eps, act, eos, maxPos);
        tower.logitScale = w.get("logit_scale").toType(DataType.FLOAT64, false).toDoubleArray()[0];
        double largest = dtype == DataType.FLOAT64 ? Double.MAX_VALUE : Float.MAX_VALUE;
        if (!(tower.scale() <= largest)) {
            tok.close();
            throw new InvalidInputException(String.format(java.util.Locale.ROOT, "%s: logit_scale = %s, and "
                    + "exp(logit_scale) = %.3g overflows %s (whose largest number is %.3g): every zero-shot logit would "
                    + "be Inf (CLIP trains it to at most ln 100 = 4.61)", weightsFile, tower.logitScale, tower.scale(),
                    dtype == DataType.FLOAT64 ? "float64" : "float32", largest));
        }
        return tower;
    }

    private double logitScale;

    /** exp(logit_scale), the factor of the cosines. */
    double scale() {
        return Math.exp(logitScale);
    }

    /** The label's prompt, as the tower reads it. */
    static String prompt(String label) {
        return label.contains("{") ? label : PROMPT.replace("{label}", label);
    }

    /** Prompts the text tower reads in one batch: enough to fill the matmuls, few enough to keep memory small. */
    private static final int BATCH = 32;

    /**
     * The normalised text embeddings (L, P) of the labels' prompts, on {@code m}, after {@link LabelNames#check}
     * (what it notes goes to {@code notes}). The prompts run in batches, right-padded: under the causal mask a
     * token sees only those before it, so the padding changes no state that is read.
     */
    NDArray embeddings(List<String> labels, NDManager m, List<String> notes) {
        return embeddings(labels, m, notes, true, n -> { });
    }

    /** Whether the tokenizer knows any word of a label (see {@link LabelNames#check}). */
    boolean knows(String label) {
        return !tokenizer.words(label).noneKnown();
    }

    /**
     * As {@link #embeddings(List, NDManager, List)}; {@code check} false: Leafwalk's own labels, unchecked;
     * {@code done} hears how many prompts have been read, after each batch.
     */
    NDArray embeddings(List<String> labels, NDManager m, List<String> notes, boolean check,
            java.util.function.IntConsumer done) {
        java.util.Map<String, long[]> ids = new java.util.HashMap<>();
        java.util.function.Function<String, long[]> prompt = label -> ids.computeIfAbsent(label, l -> {
            String p = prompt(l);
            long[] t = tokenizer.tokenize(p).ids();
            if (t.length > maxPositions) {
                throw new InvalidInputException("the prompt '" + p + "' has " + t.length + " tokens; the text tower "
                        + "reads at most " + maxPositions);
            }
            return t;
        });
        if (check) {
            LabelNames.check(labels, tokenizer, prompt, notes);
        }
        NDList rows = new NDList();
        for (int from = 0; from < labels.size(); from += BATCH) {
            List<long[]> batch = new ArrayList<>();
            for (String label : labels.subList(from, Math.min(labels.size(), from + BATCH))) {
                batch.add(prompt.apply(label));
            }
            try (NDManager scope = m.newSubManager()) { // a batch's temporaries go when it is done
                NDArray e = embeddings(batch, scope);
                e.attach(m);
                rows.add(e);
            }
            done.accept(Math.min(labels.size(), from + BATCH));
        }
        return rows.size() == 1 ? rows.get(0) : NDArrays.concat(rows, 0);
    }

    /** The normalised embeddings (B, P) of token sequences, one batch. */
    private NDArray embeddings(List<long[]> prompts, NDManager m) {
        int b = prompts.size();
        int t = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        long[] flat = new long[b * t];
        long[] read = new long[b]; // the row of each prompt's end-of-text state in the (B·T, d) states
        for (int i = 0; i < b; i++) {
            long[] ids = prompts.get(i);
            System.arraycopy(ids, 0, flat, i * t, ids.length);
            java.util.Arrays.fill(flat, i * t + ids.length, (i + 1) * t, ids[ids.length - 1]);
            read[i] = (long) i * t + endOfText(ids);
        }
        int d = (int) tokens.getShape().get(1);
        int hd = d / heads;
        NDArray rows = tokens.get(m.create(flat)).reshape(b, t, d);
        NDArray first = positions.get("0:" + t + ", :");
        rows.attach(m);
        first.attach(m);
        NDArray h = rows.add(first);
        double[] mask = new double[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = -1e30; // causal: a token sees itself and what came before
            }
        }
        NDArray causal = m.create(mask, new Shape(1, 1, t, t)).toType(h.getDataType(), false);
        for (NDArray[] w : layers) {
            NDArray x = VitNetwork.layerNorm(h, w[0], w[1], d, eps);
            NDArray q = linear(x, w[2], w[3]).mul(1.0 / Math.sqrt(hd)).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
            NDArray k = linear(x, w[4], w[5]).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
            NDArray v = linear(x, w[6], w[7]).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
            NDArray ctx = q.matMul(k.transpose(0, 1, 3, 2)).add(causal).softmax(-1).matMul(v).transpose(0, 2, 1, 3)
                    .reshape(b, t, d);
            h = h.add(linear(ctx, w[8], w[9]));
            x = VitNetwork.layerNorm(h, w[10], w[11], d, eps);
            h = h.add(linear(VitNetwork.activation(linear(x, w[12], w[13]), act), w[14], w[15]));
        }
        h = VitNetwork.layerNorm(h, finalG, finalB, d, eps);
        NDArray e = h.reshape(b * t, d).get(m.create(read)).matMul(projection);
        return e.div(e.mul(e).sum(new int[] {1}, true).sqrt());
    }

    /** The position of the end-of-text token, whose final state is the prompt's embedding. */
    private int endOfText(long[] ids) {
        int t = ids.length;
        int pos = t - 1;
        if (eos == 2) { // transformers' legacy configs: the highest id is the end-of-text token
            for (int i = 0; i < t; i++) {
                if (ids[i] > ids[pos] || (ids[i] == ids[pos] && i < pos)) {
                    pos = i;
                }
            }
        } else {
            for (int i = 0; i < t; i++) {
                if (ids[i] == eos) {
                    return i;
                }
            }
        }
        return pos;
    }

    /** The words a random CLIPModel's word-level tokenizer knows: the prompt's and CIFAR-10's classes. */
    private static final List<String> RANDOM_VOCABULARY = List.of("<|startoftext|>", "<|endoftext|>", "<unk>", "a",
            "photo", "of", "an", "the", "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
            "truck", "car", "plane", "boat", "animal", "picture");

    /** text_config of a random CLIPModel: the vision tower's widths, 16 positions, the small vocabulary. */
    static JsonObject randomConfig(VitConfig c) {
        JsonObject t = new JsonObject();
        t.addProperty("model_type", "clip_text_model");
        t.addProperty("hidden_size", c.hiddenSize());
        t.addProperty("intermediate_size", c.intermediateSize());
        t.addProperty("num_attention_heads", c.numHeads());
        t.addProperty("num_hidden_layers", c.numLayers());
        t.addProperty("max_position_embeddings", 16);
        t.addProperty("hidden_act", "quick_gelu");
        t.addProperty("layer_norm_eps", 1e-5);
        t.addProperty("vocab_size", RANDOM_VOCABULARY.size());
        t.addProperty("bos_token_id", 0);
        t.addProperty("eos_token_id", 1);
        t.addProperty("pad_token_id", 1);
        return t;
    }

    /** Every tensor of the text tower (CLIPTextTransformer, text_projection, logit_scale) with its shape. */
    private static Map<String, long[]> shapes(int vocab, int maxPos, int d, int inter, int layers, int proj) {
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        shapes.put("text_model.embeddings.token_embedding.weight", new long[] {vocab, d});
        shapes.put("text_model.embeddings.position_embedding.weight", new long[] {maxPos, d});
        for (int l = 0; l < layers; l++) {
            String p = "text_model.encoder.layers." + l + ".";
            for (String n : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                shapes.put(p + "self_attn." + n + ".weight", new long[] {d, d});
                shapes.put(p + "self_attn." + n + ".bias", new long[] {d});
            }
            for (String n : new String[] {"layer_norm1", "layer_norm2"}) {
                shapes.put(p + n + ".weight", new long[] {d});
                shapes.put(p + n + ".bias", new long[] {d});
            }
            shapes.put(p + "mlp.fc1.weight", new long[] {inter, d});
            shapes.put(p + "mlp.fc1.bias", new long[] {inter});
            shapes.put(p + "mlp.fc2.weight", new long[] {d, inter});
            shapes.put(p + "mlp.fc2.bias", new long[] {d});
        }
        shapes.put("text_model.final_layer_norm.weight", new long[] {d});
        shapes.put("text_model.final_layer_norm.bias", new long[] {d});
        shapes.put("text_projection.weight", new long[] {proj, d});
        shapes.put("logit_scale", new long[0]);
        return shapes;
    }

    /** The text tower's random tensors (into {@code w}) and a word-level tokenizer.json, for init-vit. */
    static void writeRandom(Path dir, VitConfig c, Map<String, Tensor> w, java.util.Random rng) {
        int d = c.hiddenSize();
        int inter = c.intermediateSize();
        java.util.function.BiConsumer<String, long[]> gauss = (name, shape) -> {
            int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            boolean norm = name.contains("layer_norm") && name.endsWith("weight");
            double scale = name.endsWith("bias") ? 0.05 : norm ? 0.1 : shape.length == 2 && !name.contains("embedding")
                    ? 1 / Math.sqrt(shape[1]) : 0.5;
            float[] data = new float[n];
            for (int i = 0; i < n; i++) {
                data[i] = (float) ((norm ? 1 : 0) + rng.nextGaussian() * scale);
            }
            w.put(name, new Tensor(name, shape, data));
        };
        shapes(RANDOM_VOCABULARY.size(), 16, d, inter, c.numLayers(), c.arch().projection()).forEach((name, shape) -> {
            if (shape.length > 0) {
                gauss.accept(name, shape);
            }
        });
        w.put("logit_scale", new Tensor("logit_scale", new long[0], new float[] {(float) Math.log(1 / 0.07)}));
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < RANDOM_VOCABULARY.size(); i++) {
            vocab.append(i == 0 ? "" : ",").append('"').append(RANDOM_VOCABULARY.get(i)).append("\":").append(i);
        }
        String special = "\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,"
                + "\"special\":true}";
        String tok = "{\"SpecialToken\":{\"id\":\"%s\",\"type_id\":0}}";
        String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[{\"id\":0,"
                + "\"content\":\"<|startoftext|>\"," + special + ",{\"id\":1,\"content\":\"<|endoftext|>\"," + special
                + "],\"normalizer\":{\"type\":\"Lowercase\"},\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},"
                + "\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[" + String.format(tok,
                        "<|startoftext|>") + ",{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}," + String.format(tok,
                        "<|endoftext|>") + "],\"pair\":[" + String.format(tok, "<|startoftext|>")
                + ",{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}," + String.format(tok, "<|endoftext|>")
                + ",{\"Sequence\":{\"id\":\"B\",\"type_id\":0}}," + String.format(tok, "<|endoftext|>")
                + "],\"special_tokens\":{\"<|startoftext|>\":{\"id\":\"<|startoftext|>\",\"ids\":[0],\"tokens\":"
                + "[\"<|startoftext|>\"]},\"<|endoftext|>\":{\"id\":\"<|endoftext|>\",\"ids\":[1],\"tokens\":"
                + "[\"<|endoftext|>\"]}}},\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab
                + "},\"unk_token\":\"<unk>\"}}";
        org.leafwalk.io.AtomicFiles.writeString(dir.resolve("tokenizer.json"), json);
    }

    /** x Wᵀ + b, with W kept transposed (in, out). */
    private static NDArray linear(NDArray x, NDArray wt, NDArray b) {
        return x.matMul(wt).add(b);
    }

    private static NDArray contiguousT(NDArray a) {
        Shape s = a.getShape();
        NDArray t = a.transpose().flatten().reshape(s.get(1), s.get(0));
        a.close();
        return t;
    }

    void close() {
        tokenizer.close();
    }
}
