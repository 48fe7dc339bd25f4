package org.leafwalk.explore;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.SliderKind;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.subject.EngineSetup;
import org.leafwalk.explore.subject.References;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.io.Images;
import org.leafwalk.model.VitCheckpoints;
import org.leafwalk.testing.TinyVit;

/**
 * Every kind of bad input through the compute service: each one gets an error notice that names the problem, and the
 * walk the user made survives it (the same model, input, step and point), and still walks.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    final List<Snapshot> snaps = new CopyOnWriteArrayList<>();
    final List<Notice> notices = new CopyOnWriteArrayList<>();
    ExplorationService svc;
    Path model;
    Path image;
    Snapshot walked;

    @BeforeEach
    void walkALittle() throws Exception {
        model = TinyVit.write(tmp, "good", TinyVit.small(), 3);
        image = tmp.resolve("blob.png");
        TinyVit.blobPng(image, 5);
        svc = new ExplorationService("cpu", s -> {
            if (s != null) {
                snaps.add(s);
            }
        }, notices::add);
        svc.open(model, image.toString());
        HangGuard.awaitIdle(svc);
        svc.drag(SliderKind.EIGEN, 0, 0.3);
        HangGuard.awaitIdle(svc);
        svc.release();
        HangGuard.awaitIdle(svc);
        walked = last();
        assertTrue(walked.walk().step() > 0);
        notices.clear();
    }

    @AfterEach
    void close() {
        svc.close();
    }

    private Snapshot last() {
        return snaps.get(snaps.size() - 1);
    }

    /** The error notice names the problem, and the walk is where it was and still walks. */
    private void refusedAndIntact(Predicate<String> names, String what) throws Exception {
        HangGuard.awaitIdle(svc);
        assertTrue(notices.stream().anyMatch(n -> n.level() == Notice.Level.ERROR && names.test(n.message())),
                what + ": " + notices);
        Snapshot now = last();
        assertEquals(walked.source().model(), now.source().model(), what + ": the model changed");
        assertEquals(walked.source().input(), now.source().input(), what + ": the input changed");
        assertEquals(walked.walk().step(), now.walk().step(), what + ": the step changed");
        assertEquals(walked.walk().length(), now.walk().length(), what + ": the trajectory changed");
        assertArrayEquals(walked.picture().pixels(), now.picture().pixels(), 0, what + ": the point changed");
        svc.stepOnce(WalkAlgorithm.SIMEXP);
        HangGuard.awaitIdle(svc);
        assertEquals(walked.walk().step() + 1, last().walk().step(), what + ": the walk no longer steps");
        svc.undo();
        HangGuard.awaitIdle(svc);
        walked = last(); // undo keeps the undone step for scrubbing: the next check starts from here
        notices.clear();
    }

    private Path modelWith(String name, byte[] weights, String config) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.write(dir.resolve("model.safetensors"), weights);
        Files.writeString(dir.resolve("config.json"), config);
        return dir;
    }

    @Test
    void brokenModelsAreRefused() throws Exception {
        byte[] good = Files.readAllBytes(model.resolve("model.safetensors"));
        String config = Files.readString(model.resolve("config.json"));
        svc.openModel(modelWith("truncated", java.util.Arrays.copyOf(good, good.length / 2), config));
        refusedAndIntact(m -> m.contains("truncated"), "a truncated safetensors file");

        // a header that claims more bytes for a tensor than the file holds
        long headerLength = java.nio.ByteBuffer.wrap(good, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(good, 8, (int) headerLength, StandardCharsets.UTF_8);
        String lying = header.replaceFirst("\"data_offsets\":\\[(\\d+),(\\d+)\\]", "\"data_offsets\":[$1,99999999]");
        assertTrue(!lying.equals(header), "the test changed the header");
        byte[] lyingHeader = lying.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream lied = new ByteArrayOutputStream();
        lied.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(lyingHeader.length).array());
        lied.write(lyingHeader);
        lied.write(good, 8 + (int) headerLength, good.length - 8 - (int) headerLength);
        svc.openModel(modelWith("lying", lied.toByteArray(), config));
        refusedAndIntact(m -> m.contains("model.safetensors"), "a header that lies about sizes");

        svc.openModel(modelWith("mismatch", good, config.replace("\"hidden_size\": 16", "\"hidden_size\": 24")));
        refusedAndIntact(m -> m.contains("config.json implies") || m.contains("hidden_size"),
                "a config that does not match the weights");

        svc.openModel(modelWith("gpt", good, config.replace("\"model_type\": \"vit\"", "\"model_type\": \"gpt2\"")));
        refusedAndIntact(m -> m.contains("gpt2"), "an unknown model type");
    }

    @Test
    void badImagesAreRefused() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.png"), "this is not a picture");
        svc.openImage(text);
        refusedAndIntact(m -> m.contains("notes.png") && m.contains("not an image"), "a non-image file");

        Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
        svc.openImage(empty);
        refusedAndIntact(m -> m.contains("empty.png"), "an empty file");

        Path huge = Files.write(tmp.resolve("huge.png"), pngHeaderOnly(10_000, 10_000));
        svc.openImage(huge);
        refusedAndIntact(m -> m.contains("10000×10000") && m.contains("larger than"), "a 10,000×10,000 image");
    }

    @Test
    void aDeviceThatIsNotThereIsRefused() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(EngineSetup.gpuAvailable(), "a GPU is present");
        svc.setDevice("gpu");
        refusedAndIntact(m -> m.contains("no GPU"), "the GPU device on a machine without one");
        svc.setDevice("cpu"); // and a device that is there reopens the model
        HangGuard.awaitIdle(svc);
        assertEquals("CPU", last().source().device());
    }

    @Test
    void aSessionFromTheFutureIsRefused() throws Exception {
        Path session = tmp.resolve("s.leafwalk.json");
        svc.export(ExportKind.SESSION, session, null);
        HangGuard.awaitIdle(svc);
        Files.writeString(session, Files.readString(session).replace("\"format_version\": 1", "\"format_version\": 9"));
        notices.clear();
        svc.openSession(session, false);
        refusedAndIntact(m -> m.contains("newer Leafwalk") && m.contains("9"), "a session file from a future version");
    }

    @Test
    void anExportThatCannotBeWrittenLosesNothing() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("not-a-folder"), "x");
        svc.export(ExportKind.CSV, blocker.resolve("walk.csv"), null);
        refusedAndIntact(m -> m.contains("walk.csv"), "an export into a folder that cannot exist");
        svc.export(ExportKind.GIF, blocker.resolve("walk.gif"), Exports.GifOptions.defaults());
        refusedAndIntact(m -> m.contains("walk.gif"), "a GIF export there");
    }

    @Test
    void aStepWhoseMetricTurnsInfiniteIsRefusedAndTheWalkStops() throws Exception {
        // an absurd step length in embedding space: the next point is beyond float32, which the model computes in
        svc.applySettings(Settings.defaults().withSpace(Space.EMBEDDINGS).withStep(StepLength.FIXED, 1e300));
        HangGuard.awaitIdle(svc);
        walked = last();
        notices.clear();
        svc.play(WalkAlgorithm.SIMEXP);
        HangGuard.awaitIdle(svc);
        assertTrue(!svc.isPlaying(), "the walk stopped");
        assertTrue(notices.stream().anyMatch(n -> n.level() == Notice.Level.ERROR && n.message().startsWith(
                "step refused") && n.message().contains("float32 range")), notices.toString());
        Snapshot now = last();
        assertEquals(walked.walk().step(), now.walk().step(), "no step was recorded");
        assertArrayEquals(walked.picture().pixels(), now.picture().pixels(), 0, "the point is where it was");
        for (double v : now.picture().pixels()) {
            assertTrue(Double.isFinite(v));
        }
        // with a sane step length the same walk goes on
        svc.applySettings(now.settings().withStep(StepLength.FIXED, 0.05));
        svc.stepOnce(WalkAlgorithm.SIMEXP);
        HangGuard.awaitIdle(svc);
        assertEquals(walked.walk().step() + 1, last().walk().step());
    }

    @Test
    void imagesOfTheOtherColourKindAreConvertedAndSaySo() throws Exception {
        Path rgbModel = TinyVit.write(tmp, "rgb", new VitCheckpoints.Shape(12, 3, 3, 16, 2, 2, 32, 5), 4);
        BufferedImage colour = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
        colour.setRGB(3, 4, 0xff3366);
        Path colourPng = tmp.resolve("colour.png");
        Images.writePng(colourPng, colour);
        svc.openImage(colourPng); // into the grayscale model
        HangGuard.awaitIdle(svc);
        assertTrue(notices.stream().anyMatch(n -> n.message().contains("colour.png")
                && n.message().contains("converted colour to grayscale")), notices.toString());
        assertEquals("colour.png", last().source().input());
        notices.clear();
        svc.open(rgbModel, image.toString()); // a grayscale image into the RGB model
        HangGuard.awaitIdle(svc);
        assertTrue(notices.stream().anyMatch(n -> n.message().contains("blob.png")
                && n.message().contains("replicated grayscale into 3 channels")), notices.toString());
        assertEquals(3, last().picture().channels());
    }

    @Test
    void anOpenThatFailsKeepsWhatWasOpen() throws Exception {
        Path broken = modelWith("broken", new byte[] {1, 2, 3}, Files.readString(model.resolve("config.json")));
        svc.open(broken, image.toString());
        refusedAndIntact(m -> m.contains("broken") && m.contains("still showing"), "a broken model with an input");
        svc.open(model, tmp.resolve("missing.png").toString());
        refusedAndIntact(m -> m.contains("missing.png"), "a good model with a missing input");
    }

    @Test
    void aWindowThatOpensOnABrokenModelShowsTheDefaultModelWithABanner() throws Exception {
        List<Snapshot> fresh = new CopyOnWriteArrayList<>();
        List<Notice> said = new CopyOnWriteArrayList<>();
        Path broken = modelWith("broken-start", new byte[] {1, 2, 3}, Files.readString(model.resolve("config.json")));
        try (ExplorationService other = new ExplorationService("cpu", x -> {
            if (x != null) {
                fresh.add(x);
            }
        }, said::add)) {
            other.open(broken, "sample:3", true);
            HangGuard.awaitIdle(other);
            assertTrue(said.stream().anyMatch(n -> n.level() == Notice.Level.BANNER && n.message().contains(
                    "broken-start") && n.message().contains("default model")), said.toString());
            assertEquals(References.model(References.DEFAULT_MODEL).getFileName().toString(),
                    fresh.get(fresh.size() - 1).source().model(), "the default model is open and named");
        }
    }

    @Test
    void anExportOverTheModelOrTheInputIsRefused() throws Exception {
        byte[] weights = Files.readAllBytes(model.resolve("model.safetensors"));
        svc.export(ExportKind.SESSION, model.resolve("model.safetensors"), null);
        refusedAndIntact(m -> m.contains("model.safetensors") && m.contains("destroy"), "a session over the weights");
        assertArrayEquals(weights, Files.readAllBytes(model.resolve("model.safetensors")));
        byte[] png = Files.readAllBytes(image);
        svc.export(ExportKind.CSV, image, null);
        refusedAndIntact(m -> m.contains("blob.png") && m.contains("input image"), "a CSV over the input image");
        assertArrayEquals(png, Files.readAllBytes(image));
        svc.export(ExportKind.CSV, Path.of("/dev/null"), null);
        refusedAndIntact(m -> m.contains("/dev/null") && m.contains("character device"), "a CSV onto a device");
        String config = Files.readString(model.resolve("config.json"));
        svc.savePicture(model.resolve("config.json"), new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB));
        refusedAndIntact(m -> m.contains("config.json"), "the dashboard picture over the model's config");
        assertEquals(config, Files.readString(model.resolve("config.json")));
    }

    /** A session the service saved, edited by {@code edit} (its JSON), then opened: refused, the walk intact. */
    private void editedSessionRefused(String name, java.util.function.Consumer<com.google.gson.JsonObject> edit,
            Predicate<String> names) throws Exception {
        Path session = tmp.resolve(name + ".leafwalk.json");
        svc.export(ExportKind.SESSION, session, null);
        HangGuard.awaitIdle(svc);
        var o = org.leafwalk.io.JsonFiles.readObject(session);
        edit.accept(o);
        Files.writeString(session, o.toString());
        notices.clear();
        svc.openSession(session, false);
        refusedAndIntact(names, name);
    }

    @Test
    void aSessionThatDoesNotFitIsRefusedByField() throws Exception {
        editedSessionRefused("cursor-minus-one", o -> o.addProperty("cursor", -1),
                m -> m.contains("cursor is -1"));
        editedSessionRefused("cursor-past-the-end", o -> o.addProperty("cursor", 99),
                m -> m.contains("cursor is 99"));
        editedSessionRefused("nan-point", o -> setPoint(o, 1, 5, Float.NaN), m -> m.contains("points")
                && m.contains("NaN"));
        // the same walk recorded on another model: its points are of another dimension
        Path wide = TinyVit.write(tmp, "wide", new VitCheckpoints.Shape(12, 3, 1, 24, 2, 2, 32, 5), 8);
        svc.applySettings(last().settings().withSpace(Space.EMBEDDINGS));
        HangGuard.awaitIdle(svc);
        walked = last();
        editedSessionRefused("other-model", o -> o.getAsJsonObject("model").addProperty("path", wide.toString()),
                m -> m.contains("dimension"));
    }

    /** Sets one float of the session's deflated, base64 points. */
    private static void setPoint(com.google.gson.JsonObject o, int step, int coordinate, float value) {
        var p = o.getAsJsonObject("points");
        int n = p.get("dimension").getAsInt();
        byte[] raw = java.util.Base64.getDecoder().decode(p.get("data").getAsString());
        var inf = new java.util.zip.Inflater();
        inf.setInput(raw);
        byte[] pts = new byte[4 * n * p.get("count").getAsInt()];
        try {
            inf.inflate(pts);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(e);
        }
        java.nio.ByteBuffer.wrap(pts).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(4 * (step * n + coordinate), value);
        var def = new java.util.zip.Deflater();
        def.setInput(pts);
        def.finish();
        byte[] buf = new byte[pts.length + 1024];
        int k = def.deflate(buf);
        p.addProperty("data", java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf, k)));
    }

    /** A PNG whose header declares a size (the pixel data is never reached: the size alone is refused). */
    private static byte[] pngHeaderOnly(int w, int h) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(w);
        d.writeInt(h);
        d.write(new byte[] {8, 0, 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return b.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws Exception {
        out.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }
}
