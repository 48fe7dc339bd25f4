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
        NDArray h = tokens.get(m.create(ids)).add(positions.get("0:" + t + ", :"));
        h.attach(m);
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

    private static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.matMul(w.transpose()).add(b);
    }

    void close() {
        tokenizer.close();
    }
}
