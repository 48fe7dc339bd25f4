package org.leafwalk.io;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.leafwalk.io.onnx.Onnx;

/**
 * An ONNX file's graph as Leafwalk reads it: its nodes in order, its floating-point initializers as {@link Tensor}s
 * and its integer constants (initializers and Constant nodes). The file is parsed by protobuf through classes
 * generated from {@code src/main/proto/onnx_subset.proto}.
 */
public final class OnnxGraph {
    private final String source;
    private final List<Onnx.Node> nodes;
    private final Map<String, Tensor> floats = new LinkedHashMap<>();
    private final Map<String, long[]> integers = new HashMap<>();
    private int eightBit; // int8 and uint8 initializers: a quantized export's weights
    private final Map<String, List<Onnx.Node>> consumers = new HashMap<>();
    private final Map<String, Onnx.Node> producers = new HashMap<>();

    private OnnxGraph(String source, Onnx.Model model) {
        this.source = source;
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new InvalidInputException(source + ": not an ONNX model (no graph in the file)");
        }
        Onnx.Graph g = model.getGraph();
        nodes = List.copyOf(g.getNodeList());
        for (Onnx.Tensor t : g.getInitializerList()) {
            take(t.getName(), t);
        }
        for (Onnx.Node n : nodes) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
            if (n.getOpType().equals("Constant")) {
                for (Onnx.Attribute a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        take(n.getOutput(0), a.getT());
                    }
                }
            }
        }
    }

    /** Reads an ONNX model from a stream (all of it; the stream is not closed). */
    public static OnnxGraph read(InputStream in, String source) {
        try {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return new OnnxGraph(source, Onnx.Model.parseFrom(coded));
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidInputException(source + ": not a readable ONNX model (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InvalidInputException(source + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private void take(String name, Onnx.Tensor t) {
        if (t.getDataLocation() == 1 || t.getExternalDataCount() > 0) {
            throw new InvalidInputException(source + ": tensor '" + name
                    + "' keeps its data in an external file, which Leafwalk does not read");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long s : shape) {
            count *= s;
        }
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (t.getDataType()) {
            case 1 -> { // float32
                float[] v = new float[(int) count];
                if (t.hasRawData()) {
                    check(name, raw.remaining(), count * 4);
                    raw.asFloatBuffer().get(v);
                } else {
                    check(name, t.getFloatDataCount(), count);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = t.getFloatData(i);
                    }
                }
                floats.put(name, new Tensor(name, shape, v).requireFinite(source));
            }
            case 11 -> { // float64
                float[] v = new float[(int) count];
                if (t.hasRawData()) {
                    check(name, raw.remaining(), count * 8);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) raw.getDouble();
                    }
                } else {
                    check(name, t.getDoubleDataCount(), count);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) t.getDoubleData(i);
                    }
                }
                floats.put(name, new Tensor(name, shape, v).requireFinite(source));
            }
            case 6, 7 -> { // int32, int64
                long[] v = new long[(int) count];
                int width = t.getDataType() == 7 ? 8 : 4;
                if (t.hasRawData()) {
                    check(name, raw.remaining(), count * width);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = width == 8 ? raw.getLong() : raw.getInt();
                    }
                } else if (width == 8) {
                    check(name, t.getInt64DataCount(), count);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = t.getInt64Data(i);
                    }
                } else {
                    check(name, t.getInt32DataCount(), count);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = t.getInt32Data(i);
                    }
                }
                integers.put(name, v);
            }
            case 2, 3 -> eightBit++; // uint8, int8: read by nothing; counted to tell a quantized export
            default -> { } // other element types (strings, booleans, float16 masks) are not weights Leafwalk reads
        }
    }

    private void check(String name, long have, long need) {
        if (have != need) {
            throw new InvalidInputException(source + ": tensor '" + name + "' holds " + have + " values where its shape needs "
                    + need + " (a truncated or corrupt file)");
        }
    }

    public String source() {
        return source;
    }

    public List<Onnx.Node> nodes() {
        return nodes;
    }

    /** Floating-point initializers and constants by name (read as float32). */
    public Map<String, Tensor> floatTensors() {
        return Collections.unmodifiableMap(floats);
    }

    /** How many int8 and uint8 tensors the file holds (the weights of a quantized export). */
    public int eightBitTensors() {
        return eightBit;
    }

    /** An integer initializer or constant, or null. */
    public long[] integers(String name) {
        return integers.get(name);
    }

    /** The nodes that read a value. */
    public List<Onnx.Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** The node that writes a value, or null (graph inputs and initializers). */
    public Onnx.Node producer(String value) {
        return producers.get(value);
    }
}
