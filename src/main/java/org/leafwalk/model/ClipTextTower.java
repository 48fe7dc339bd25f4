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
                a[i] = w.get(p + names[i]);
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

    /** The normalised text embeddings (L, P) of the labels' prompts, on {@code m}. */
    NDArray embeddings(List<String> labels, NDManager m) {
        NDList rows = new NDList();
        for (String label : labels) {
            rows.add(embedding(prompt(label), m));
        }
        return NDArrays.stack(rows, 0);
    }

    private NDArray embedding(String prompt, NDManager m) {
        long[] ids = tokenizer.tokenize(prompt).ids();
        int t = ids.length;
        if (t > maxPositions) {
            throw new InvalidInputException("the prompt '" + prompt + "' has " + t + " tokens; the text tower reads at "
                    + "most " + maxPositions);
        }
        NDArray rows = tokens.get(m.create(ids));
        NDArray first = positions.get("0:" + t + ", :");
        rows.attach(m);
        first.attach(m);
        NDArray h = rows.add(first);
        int d = (int) tokens.getShape().get(1);
        int hd = d / heads;
        double[] mask = new double[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = -1e30; // causal: a token sees itself and what came before
            }
        }
        NDArray causal = m.create(mask, new Shape(1, t, t)).toType(h.getDataType(), false);
        for (NDArray[] w : layers) {
            NDArray x = VitNetwork.layerNorm(h, w[0], w[1], d, eps);
            NDArray q = linear(x, w[2], w[3]).mul(1.0 / Math.sqrt(hd)).reshape(t, heads, hd).transpose(1, 0, 2);
            NDArray k = linear(x, w[4], w[5]).reshape(t, heads, hd).transpose(1, 0, 2);
            NDArray v = linear(x, w[6], w[7]).reshape(t, heads, hd).transpose(1, 0, 2);
            NDArray ctx = q.matMul(k.transpose(0, 2, 1)).add(causal).softmax(-1).matMul(v).transpose(1, 0, 2)
                    .reshape(t, d);
            h = h.add(linear(ctx, w[8], w[9]));
            x = VitNetwork.layerNorm(h, w[10], w[11], d, eps);
            h = h.add(linear(VitNetwork.activation(linear(x, w[12], w[13]), act), w[14], w[15]));
        }
        h = VitNetwork.layerNorm(h, finalG, finalB, d, eps);
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
                    pos = i;
                    break;
                }
            }
        }
        NDArray e = h.get(pos + ":" + (pos + 1) + ", :").matMul(projection).reshape(-1);
        return e.div(e.mul(e).sum().sqrt());
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

    private static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.matMul(w.transpose()).add(b);
    }

    void close() {
        tokenizer.close();
    }
}
