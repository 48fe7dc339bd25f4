package org.leafwalk.cli;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.io.Idx;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyBert;
import org.leafwalk.testing.TinyVit;

/**
 * Reading never takes a wrong file for a right one: a corrupt weights header, weights that are not numbers, a config
 * field of the wrong type, a label map that does not fit the head, a model family the engine is not made for, a text
 * file in another encoding or of absurd size are refused with the file and what is wrong; every fallback is a note;
 * JSON output holds no NaN.
 */
class TrustingReadsTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path image;

    @BeforeAll
    static void setUp() {
        model = TinyVit.write(tmp, "model", TinyVit.small(), 5);
        image = TinyVit.blobPng(tmp.resolve("blob.png"), 3);
    }

    private static void refused(Cli.Result r, String... words) {
        Cli.assertRefused(r, words);
    }

    private static Cli.Result inspect(Path dir, String input) {
        return Cli.run("inspect", "--model", dir.toString(), "--input", input, "--json");
    }

    /** A copy of the tiny ViT whose weights file is rewritten: its JSON header and its data bytes. */
    private static Path withWeights(String name, UnaryOperator<String> header, java.util.function.Consumer<ByteBuffer> data)
            throws Exception {
        Path dir = TinyVit.write(tmp, name, TinyVit.small(), 5);
        Path f = dir.resolve("model.safetensors");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        int len = (int) b.getLong(0);
        String h = new String(b.array(), 8, len, StandardCharsets.UTF_8);
        ByteBuffer rest = ByteBuffer.wrap(b.array(), 8 + len, b.capacity() - 8 - len).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        data.accept(rest);
        byte[] nh = header.apply(h).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + nh.length + rest.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(nh.length).put(nh).put(rest.rewind());
        Files.write(f, out.array());
        return dir;
    }

    private static int offsetOf(String header, String tensor) {
        JsonObject o = JsonParser.parseString(header).getAsJsonObject();
        return o.getAsJsonObject(tensor).getAsJsonArray("data_offsets").get(0).getAsInt();
    }

    @Test
    void aTensorNamedTwiceIsRefused() throws Exception {
        Path dir = withWeights("dup", h -> {
            JsonObject o = JsonParser.parseString(h).getAsJsonObject();
            String again = o.get("vit.layernorm.bias").toString();
            return h.substring(0, h.lastIndexOf('}')) + ", \"vit.layernorm.bias\": " + again + "}";
        }, d -> { });
        refused(inspect(dir, image.toString()), "model.safetensors", "vit.layernorm.bias", "twice");
    }

    @Test
    void weightsThatAreNotNumbersAreRefused() throws Exception {
        String[] header = new String[1];
        Path dir = withWeights("nan", h -> {
            header[0] = h;
            return h;
        }, d -> { });
        // the data section of the file, patched: the first value of the final layer norm's weight
        Path f = dir.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(f);
        int start = 8 + (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putFloat(start + offsetOf(header[0], "vit.layernorm.weight"),
                Float.NaN);
        Files.write(f, all);
        refused(inspect(dir, image.toString()), "model.safetensors", "vit.layernorm.weight", "NaN");
    }

    @Test
    void aShapeWhoseSizeOverflowsIsRefusedByName() throws Exception {
        Path dir = withWeights("huge-shape", h -> h.replaceFirst("\"shape\":\\[[0-9,]*\\]",
                "\"shape\":[4611686018427387904,4,4]"), d -> { });
        refused(inspect(dir, image.toString()), "model.safetensors", "header is corrupt");
    }

    @Test
    void aConfigNumberThatIsNotANumberIsRefusedByName() throws Exception {
        Path dir = TinyVit.write(tmp, "mean", TinyVit.small(), 5);
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"image_mean\": [\"abc\"], \"image_std\": [0.5]}");
        refused(inspect(dir, image.toString()), "preprocessor_config.json", "image_mean[0]", "must be a number");
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"image_mean\": [0.5], \"image_std\": [0.5]}");
        JsonObject c = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        c.addProperty("layer_norm_eps", "small");
        Files.writeString(dir.resolve("config.json"), c.toString());
        refused(inspect(dir, image.toString()), "config.json", "layer_norm_eps");
    }

    @Test
    void aMissingPreprocessorConfigIsANote() throws Exception {
        Path dir = TinyVit.write(tmp, "nopre", TinyVit.small(), 5);
        Files.delete(dir.resolve("preprocessor_config.json"));
        Cli.Result r = inspect(dir, image.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no preprocessor_config.json"), r.out());
    }

    private static Path tinyBert(String name, String modelType, String extra, boolean classifier) throws Exception {
        Path dir = tmp.resolve(name);
        Map<String, Tensor> w = TinyBert.write(dir, new Random(4), modelType, extra);
        if (!classifier) {
            Map<String, Tensor> kept = new LinkedHashMap<>(w);
            kept.keySet().removeIf(k -> k.startsWith("classifier."));
            SafeTensors.write(dir.resolve("model.safetensors"), kept);
        }
        return dir;
    }

    @Test
    void aTextLabelMapMustFitTheHead() throws Exception {
        Path fewer = tinyBert("fewer", "bert", "\"id2label\": {\"0\": \"neg\", \"1\": \"pos\"}", true);
        refused(inspect(fewer, "text:the cat sat on the mat ."), "config.json", "id2label names 2 labels",
                "head has 3 outputs");
        Path none = tinyBert("nolabels", "bert", null, true);
        Cli.Result r = inspect(none, "text:the cat sat on the mat .");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no id2label") && r.out().contains("LABEL_0"), r.out());
    }

    @Test
    void aModelTypeRunsOnlyOnTheEngineMadeForIt() throws Exception {
        // roberta opens (BertModelTest); a BERT checkpoint that config.json calls roberta is refused by its keys
        Path roberta = tinyBert("roberta", "roberta", null, true);
        refused(inspect(roberta, "text:the cat sat ."), "model.safetensors", "roberta.embeddings.word_embeddings.weight",
                "bert.embeddings");
        Path deberta = tinyBert("deberta", "deberta", null, true);
        refused(inspect(deberta, "text:the cat sat ."), "'deberta'", "bert, roberta, xlm-roberta, distilbert, electra, albert");
        Path vit = TinyVit.write(tmp, "deit", TinyVit.small(), 5);
        Files.writeString(vit.resolve("config.json"), Files.readString(vit.resolve("config.json"))
                .replace("\"model_type\": \"vit\"", "\"model_type\": \"deit\""));
        // a family's name on another family's architecture, then on its keys: both refused by name
        refused(inspect(vit, image.toString()), "'deit'", "architectures ViTForImageClassification",
                "DeiTForImageClassification");
        Files.writeString(vit.resolve("config.json"), Files.readString(vit.resolve("config.json"))
                .replace("\"ViTForImageClassification\"", "\"DeiTForImageClassification\""));
        refused(inspect(vit, image.toString()), "model.safetensors", "deit.embeddings.cls_token", "deit");
        Files.writeString(vit.resolve("config.json"), Files.readString(vit.resolve("config.json"))
                .replace("\"model_type\": \"deit\"", "\"model_type\": \"swin\""));
        refused(inspect(vit, image.toString()), "'swin'", "windowed or convolutional", "vit, deit, dinov2",
                "roberta");
    }

    @Test
    void aMaskedLmSentenceWithoutAMaskIsANote() throws Exception {
        Path mlm = tinyBert("mlm", "bert", null, false);
        Cli.Result r = inspect(mlm, "text:the cat sat on the mat .");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no [MASK] in the sentence"), r.out());
    }

    @Test
    void aTextFileInAnotherEncodingOrOfAbsurdSizeIsRefused() throws Exception {
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "Le caf\u00e9 \u00e9tait bon.".getBytes(StandardCharsets.ISO_8859_1));
        refused(inspect(Path.of("minilm"), latin1.toString()), "latin1.txt", "not UTF-8");
        Path huge = tmp.resolve("huge.txt");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: nothing is written to disk
        }
        refused(inspect(Path.of("minilm"), huge.toString()), "huge.txt", "3.0 GiB", "at most");
    }

    @Test
    void aTextSessionWhoseSentenceWasEditedIsRefused() throws Exception {
        Path bert = tinyBert("session-bert", "bert", "\"id2label\": {\"0\": \"a\", \"1\": \"b\", \"2\": \"c\"}",
                true);
        Path session = tmp.resolve("text.leafwalk.json");
        assertEquals(0, Cli.run("walk", "--model", bert.toString(), "--input", "text:the cat sat on the mat .",
                "--steps", "2", "--session", session.toString()).code());
        JsonObject o = JsonParser.parseString(Files.readString(session)).getAsJsonObject();
        o.getAsJsonObject("input").getAsJsonObject("text").addProperty("sentence", "the dog sat on the mat .");
        Path edited = Files.writeString(tmp.resolve("edited.leafwalk.json"), o.toString());
        refused(Cli.run("export", "--session", edited.toString(), "--png", tmp.resolve("t.png").toString()),
                "edited.leafwalk.json", "input.text.sentence", "the dog sat on the mat .");
        assertFalse(Files.exists(tmp.resolve("t.png")));
        // the window's service refuses it too, and keeps the walk it had
        var said = new java.util.concurrent.CopyOnWriteArrayList<org.leafwalk.explore.service.Notice>();
        var shown = new java.util.concurrent.CopyOnWriteArrayList<org.leafwalk.explore.service.Snapshot>();
        try (var svc = new org.leafwalk.explore.service.ExplorationService("cpu", x -> {
            if (x != null) {
                shown.add(x);
            }
        }, said::add)) {
            svc.open(bert, "text:the cat sat on the mat .");
            HangGuard.awaitIdle(svc);
            String before = shown.get(shown.size() - 1).source().input();
            svc.openSession(edited, false);
            HangGuard.awaitIdle(svc);
            assertTrue(said.stream().anyMatch(n -> n.level() == org.leafwalk.explore.service.Notice.Level.ERROR
                    && n.message().contains("input.text.sentence")), said.toString());
            assertEquals(before, shown.get(shown.size() - 1).source().input());
        }
    }

    @Test
    void jsonOutputNeverHoldsNaN() throws Exception {
        // a test set with two of the model's five classes: the others' accuracy is not a number
        Path data = Files.createDirectories(tmp.resolve("two-classes"));
        int n = 6;
        byte[] px = new byte[n * 144];
        new Random(1).nextBytes(px);
        Idx.write(data.resolve("t10k-images-idx3-ubyte"), new int[] {n, 12, 12}, px);
        Idx.write(data.resolve("t10k-labels-idx1-ubyte"), new int[] {n}, new byte[] {0, 1, 0, 1, 0, 1});
        Cli.Result r = Cli.run("eval", "--model", model.toString(), "--data", data.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(java.util.regex.Pattern.compile("[:\\[,]\\s*-?(NaN|Infinity)").matcher(r.out()).find(), r.out());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(o.getAsJsonArray("per_class_accuracy").get(4).isJsonNull());
        assertTrue(o.getAsJsonArray("notes").toString().contains("per_class_accuracy[2]"), o.toString());
    }
}
