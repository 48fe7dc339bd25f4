package org.leafwalk.cli;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.io.Images;
import org.leafwalk.model.ImageInput;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyVit;

/**
 * A session edited by hand is checked the same way by {@code export --session} and by the window (one check): each
 * edit of the list below is refused by both with a message that names the field, export writes nothing, and the
 * window keeps the walk it showed.
 */
class SessionChecksTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path image;
    /** A 4-step walk of the tiny ViT (12×12, one channel, 2 layers, 5 classes), as `walk --session` wrote it. */
    static String session;
    /** A walk of a tiny zero-shot CLIP (12×12, three channels). */
    static String clipSession;

    static ExplorationService window;
    static final List<Notice> notices = new CopyOnWriteArrayList<>();
    static final List<Snapshot> shown = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void walk() throws Exception {
        model = TinyVit.write(tmp, "model", TinyVit.small(), 5);
        image = TinyVit.blobPng(tmp.resolve("blob.png"), 3);
        Path s = tmp.resolve("walk.leafwalk.json");
        Cli.Result r = Cli.run("walk", "--model", model.toString(), "--input", image.toString(), "--steps", "4",
                "--session", s.toString());
        assertEquals(0, r.code(), r.err());
        session = Files.readString(s);
        Path clip = tmp.resolve("clip");
        assertEquals(0, Cli.run("init-vit", "--out", clip.toString(), "--family", "clip-zero-shot", "--image-size",
                "12", "--patch-size", "3", "--channels", "3", "--hidden", "16", "--layers", "2", "--heads", "2",
                "--mlp", "32").code());
        Path c = tmp.resolve("clip.leafwalk.json");
        r = Cli.run("walk", "--model", clip.toString(), "--input", image.toString(), "--steps", "2", "--session",
                c.toString());
        assertEquals(0, r.code(), r.err());
        clipSession = Files.readString(c);
        window = new ExplorationService("cpu", x -> {
            if (x != null) {
                shown.add(x);
            }
        }, notices::add);
        window.open(model, image.toString());
        HangGuard.awaitIdle(window);
    }

    @AfterAll
    static void close() {
        window.close();
    }

    private static Arguments edit(String name, Consumer<JsonObject> edit, String... words) {
        return Arguments.of(name, edit, words);
    }

    static Stream<Arguments> edits() {
        return Stream.of(
                edit("an edited point", o -> scalePoint(o, 2, 0.2f),
                        "steps[2].probabilities", "not what the model gives"),
                edit("edited probabilities", o -> {
                    JsonArray p = step(o, 2).getAsJsonArray("probabilities");
                    var first = p.get(0);
                    p.set(0, p.get(1));
                    p.set(1, first);
                }, "steps[2].probabilities", "not what the model gives"),
                edit("steps in reverse order", o -> {
                    List<Object> rows = new ArrayList<>();
                    o.getAsJsonArray("steps").forEach(rows::add);
                    JsonArray reversed = new JsonArray();
                    for (int i = rows.size() - 1; i >= 0; i--) {
                        reversed.add((com.google.gson.JsonElement) rows.get(i));
                    }
                    o.add("steps", reversed);
                }, "steps[0].step is 4", "in order"),
                edit("a negative probability", o -> {
                    JsonArray p = step(o, 1).getAsJsonArray("probabilities");
                    p.set(0, new com.google.gson.JsonPrimitive(p.get(0).getAsDouble() + 0.5));
                    p.set(1, new com.google.gson.JsonPrimitive(-0.5));
                }, "steps[1].probabilities[1] is -0.5"),
                edit("probabilities that do not sum to 1", o -> {
                    JsonArray p = step(o, 3).getAsJsonArray("probabilities");
                    for (int i = 0; i < p.size(); i++) {
                        p.set(i, new com.google.gson.JsonPrimitive(p.get(i).getAsDouble() / 2));
                    }
                }, "steps[3].probabilities", "sum to 0.5"),
                edit("a probability that is not a number", o -> step(o, 1).getAsJsonArray("probabilities")
                        .set(2, com.google.gson.JsonNull.INSTANCE), "steps[1].probabilities[2]", "not a number"),
                edit("η = −1", o -> settings(o).addProperty("eta", -1), "settings.eta is -1", "positive"),
                edit("τ = 5", o -> settings(o).addProperty("tau", 5), "settings.tau is 5", "[0, 1)"),
                edit("layer 99 of a 2-layer model", o -> settings(o).addProperty("layer", 99), "settings.layer is 99",
                        "layers 1 to 2"),
                edit("a 16×16 picture in a 12×12 session", o -> o.getAsJsonObject("input").addProperty("png_base64",
                        Base64.getEncoder().encodeToString(Images.encodePng(ImageInput.toImage(
                                TinyVit.blob(1, 16, 1), 1, 16)))), "input.png_base64", "16×16", "input.size is 12"),
                edit("a missing setting", o -> settings(o).remove("eta"), "settings.eta is missing"),
                edit("a session naming the model minilm", o -> {
                    o.getAsJsonObject("model").addProperty("reference", "minilm");
                    o.getAsJsonObject("model").remove("path");
                }, "minilm", "text model", "recorded on an image model"),
                edit("a session naming a model that is nowhere", o -> {
                    o.getAsJsonObject("model").addProperty("reference", "no-such-model");
                    o.getAsJsonObject("model").remove("path");
                }, "model.reference", "no-such-model", "not found"),
                edit("a CLIP session relabelled as the default model", o -> {
                    JsonObject clip = JsonParser.parseString(clipSession).getAsJsonObject();
                    o.entrySet().clear();
                    clip.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
                    o.getAsJsonObject("model").addProperty("reference", "default");
                    o.getAsJsonObject("model").addProperty("path", References.model("default").toString());
                }, "3-channel 12×12 picture", "1-channel 28×28"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void anEditedSessionIsRefusedByExportAndTheWindowAlike(String name, Consumer<JsonObject> edit, String[] words)
            throws Exception {
        JsonObject o = JsonParser.parseString(session).getAsJsonObject();
        edit.accept(o);
        Path file = Files.writeString(tmp.resolve(name.replaceAll("[^a-zA-Z0-9]+", "-") + ".leafwalk.json"),
                o.toString());
        Path csv = tmp.resolve("out.csv");
        Cli.assertRefused(Cli.run("export", "--session", file.toString(), "--csv", csv.toString()), words);
        assertFalse(Files.exists(csv), "export wrote nothing");

        String before = shown.get(shown.size() - 1).source().input();
        notices.clear();
        window.openSession(file, false);
        HangGuard.awaitIdle(window);
        assertTrue(notices.stream().anyMatch(n -> n.level() == Notice.Level.ERROR
                && Stream.of(words).allMatch(n.message()::contains)), name + ": " + notices);
        assertEquals(before, shown.get(shown.size() - 1).source().input(), "the window keeps its walk");
    }

    @org.junit.jupiter.api.Test
    void aRefusedZeroShotSessionLeavesTheWindowsLabels() throws Exception {
        Path clip = tmp.resolve("clip");
        Path s = tmp.resolve("labelled.leafwalk.json");
        assertEquals(0, Cli.run("walk", "--model", clip.toString(), "--input", image.toString(), "--steps", "2",
                "--label", "cat", "--label", "dog", "--label", "bird", "--session", s.toString()).code());
        JsonObject o = JsonParser.parseString(Files.readString(s)).getAsJsonObject();
        JsonArray p = step(o, 1).getAsJsonArray("probabilities");
        var first = p.get(0);
        p.set(0, p.get(1));
        p.set(1, first);
        Files.writeString(s, o.toString());
        List<Snapshot> clipShown = new CopyOnWriteArrayList<>();
        List<Notice> said = new CopyOnWriteArrayList<>();
        try (var w = new ExplorationService("cpu", x -> {
            if (x != null) {
                clipShown.add(x);
            }
        }, said::add)) {
            w.open(clip, image.toString());
            HangGuard.awaitIdle(w);
            List<String> labels = clipShown.get(clipShown.size() - 1).outputs().labels();
            w.openSession(s, false);
            HangGuard.awaitIdle(w);
            assertTrue(said.stream().anyMatch(n -> n.level() == Notice.Level.ERROR
                    && n.message().contains("steps[1].probabilities")), said.toString());
            w.stepOnce(org.leafwalk.explore.walk.WalkAlgorithm.SIMEC);
            HangGuard.awaitIdle(w);
            assertEquals(labels, clipShown.get(clipShown.size() - 1).outputs().labels(),
                    "the walk shown keeps its classes");
        }
    }

    @org.junit.jupiter.api.Test
    void theSessionAsWrittenExports() throws Exception {
        Path file = Files.writeString(tmp.resolve("as-written.leafwalk.json"), session);
        Cli.Result r = Cli.run("export", "--session", file.toString(), "--csv", tmp.resolve("ok.csv").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(tmp.resolve("ok.csv")));
    }

    private static JsonObject step(JsonObject o, int i) {
        return o.getAsJsonArray("steps").get(i).getAsJsonObject();
    }

    private static JsonObject settings(JsonObject o) {
        return o.getAsJsonObject("settings");
    }

    /** Moves one recorded point a little (every coordinate of step {@code step} scaled towards 1). */
    private static void scalePoint(JsonObject o, int step, float toward) {
        JsonObject p = o.getAsJsonObject("points");
        int n = p.get("dimension").getAsInt();
        byte[] pts = new byte[4 * n * p.get("count").getAsInt()];
        Inflater inf = new Inflater();
        inf.setInput(Base64.getDecoder().decode(p.get("data").getAsString()));
        try {
            inf.inflate(pts);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(pts).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            int at = 4 * (step * n + i);
            b.putFloat(at, b.getFloat(at) + toward * (1 - b.getFloat(at)));
        }
        Deflater def = new Deflater();
        def.setInput(pts);
        def.finish();
        byte[] buf = new byte[pts.length + 1024];
        int k = def.deflate(buf);
        p.addProperty("data", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf, k)));
    }
}
