package org.leafwalk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.session.SessionFiles;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyVit;

/** The command-line contract other tools rely on: JSON fields, exit codes, one-line errors. */
class CommandLineTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path image;

    @BeforeAll
    static void setUp() {
        model = TinyVit.write(tmp, "cli", TinyVit.small(), 12);
        image = TinyVit.blobPng(tmp.resolve("blob.png"), 3);
    }

    static Cli.Result run(String... args) {
        return Cli.run(args);
    }

    @Test
    void inspectPrintsTheContractFields() {
        Cli.Result r = run("inspect", "--model", model.toString(), "--input", image.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(5, o.getAsJsonArray("logits").size());
        assertEquals(5, o.getAsJsonArray("probabilities").size());
        // the values are the model's at this image, read by a model opened here on its own
        org.leafwalk.explore.walk.Readout expected = org.leafwalk.testing.ModelAt.readoutOfImage(model, image);
        double[] logits = doubles(o.getAsJsonArray("logits"));
        double[] p = doubles(o.getAsJsonArray("probabilities"));
        assertArrayEquals(expected.logits(), logits, 1e-5, "the model's logits at the input");
        assertArrayEquals(expected.probabilities(), p, 1e-6, "the model's probabilities at the input");
        assertEquals(1, java.util.Arrays.stream(p).sum(), 1e-6, "the probabilities sum to 1");
        assertEquals(expected.prediction(), o.getAsJsonObject("prediction").get("index").getAsInt());
        assertEquals(expected.label(), o.getAsJsonObject("prediction").get("label").getAsString());
        assertEquals(144, o.get("dimension").getAsInt());
        int rank = o.get("rank").getAsInt();
        assertTrue(rank >= 1 && rank <= 5, "rank " + rank);
        var ev = o.getAsJsonArray("eigenvalues");
        assertEquals(rank, ev.size());
        for (int i = 1; i < ev.size(); i++) {
            assertTrue(ev.get(i).getAsDouble() <= ev.get(i - 1).getAsDouble(), "descending");
        }
    }

    @Test
    void walkWritesItsStepsToJsonAndFile() throws Exception {
        Path out = tmp.resolve("traj.json");
        Cli.Result r = run("walk", "--model", model.toString(), "--input", image.toString(), "--algo", "simexp",
                "--steps", "5", "--space", "embeddings", "--metric", "fisher", "--step-policy", "output-speed",
                "--eta", "0.1", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        var steps = o.getAsJsonArray("steps");
        assertEquals(5, steps.size());
        JsonObject s = steps.get(4).getAsJsonObject();
        for (String f : new String[] {"step", "prediction", "probabilities", "eigenvalues", "delta", "distance"}) {
            assertTrue(s.has(f), "step field " + f);
        }
        assertEquals(5, s.get("step").getAsInt());
        assertTrue(s.get("distance").getAsDouble() > 0);
        JsonObject file = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertEquals(o, file);
    }

    /**
     * A walk's arrays as safetensors and .npz: the points [steps, n] read back as written, and exported from the
     * session again byte for byte; numpy reads both, and reads the recorded points and probabilities (numpy must be
     * installed: python3-numpy).
     */
    @Test
    void walkArraysAsSafetensorsAndNpzAndAgainFromTheSession() throws Exception {
        Path st = tmp.resolve("walk.safetensors");
        Path npz = tmp.resolve("walk.npz");
        Path session = tmp.resolve("arrays.leafwalk.json");
        Cli.Result r = run("walk", "--model", model.toString(), "--input", image.toString(), "--steps", "4",
                "--safetensors", st.toString(), "--npz", npz.toString(), "--session", session.toString());
        assertEquals(0, r.code(), r.err());
        byte[] b = Files.readAllBytes(st);
        long n = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(b, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8)
                .strip()).getAsJsonObject();
        assertEquals("[5,144]", header.getAsJsonObject("points").get("shape").toString(), "the start and 4 steps");
        assertEquals("[5,5]", header.getAsJsonObject("probabilities").get("shape").toString());
        JsonObject meta = header.getAsJsonObject("__metadata__");
        assertEquals("simec", JsonParser.parseString(meta.get("settings").getAsString()).getAsJsonObject()
                .get("algorithm").getAsString());
        Path st2 = tmp.resolve("again.safetensors");
        Path npz2 = tmp.resolve("again.npz");
        Path plots = tmp.resolve("walk-plots");
        Cli.Result e = run("export", "--session", session.toString(), "--safetensors", st2.toString(), "--npz",
                npz2.toString(), "--plots", plots.toString());
        assertEquals(0, e.code(), e.err());
        Path lip = tmp.resolve("lipschitz-plots");
        Cli.Result l = run("lipschitz", "--model", model.toString(), "--input", image.toString(), "--plots",
                lip.toString());
        assertEquals(0, l.code(), l.err());
        for (Path f : List.of(plots.resolve("spectrum.svg"), plots.resolve("outputs.png"), plots.resolve("drift.svg"),
                lip.resolve("lipschitz.svg"), lip.resolve("layers.png"))) {
            assertTrue(Files.size(f) > 0, f.toString());
        }
        assertArrayEquals(b, Files.readAllBytes(st2));
        assertArrayEquals(Files.readAllBytes(npz), Files.readAllBytes(npz2));
        // numpy reads both files, and what it reads are the recorded points and probabilities (float32)
        JsonObject np = numpyReads(npz, st);
        assertEquals("float32", np.get("dtype").getAsString());
        assertEquals("pixels", np.get("space").getAsString());
        var trajectory = SessionFiles.load(session).recording().trajectory();
        assertEquals(5, trajectory.size(), "the start and 4 steps");
        for (String file : new String[] {"npz", "st"}) {
            var points = np.getAsJsonArray(file + "_points");
            var probs = np.getAsJsonArray(file + "_probabilities");
            assertEquals(trajectory.size(), points.size(), file);
            for (int i = 0; i < trajectory.size(); i++) {
                assertArrayEquals(floats(trajectory.get(i).point()), floats(doubles(points.get(i).getAsJsonArray())),
                        file + ": the point of step " + i);
                assertArrayEquals(floats(trajectory.get(i).probabilities()),
                        floats(doubles(probs.get(i).getAsJsonArray())), file + ": the probabilities of step " + i);
            }
        }
    }

    /** The Python the tests run: Debian's (where prepare-tests.sh installs numpy and Pillow), else the PATH's. */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /**
     * The arrays numpy reads from {@code npz} (np.load) and from the safetensors file {@code st} (its header and
     * raw float32 data, as the format is specified), as JSON. Fails, saying so, where numpy is not installed: this
     * check must not pass having checked nothing.
     */
    static JsonObject numpyReads(Path npz, Path st) throws Exception {
        String python = python();
        String why;
        try {
            Process check = new ProcessBuilder(python, "-c", "import numpy").redirectErrorStream(true).start();
            String said = new String(check.getInputStream().readAllBytes()).strip();
            why = check.waitFor() == 0 ? null : said;
        } catch (java.io.IOException e) {
            why = e.getMessage();
        }
        if (why != null) {
            org.junit.jupiter.api.Assertions.fail("this test needs Python's numpy to read the .npz and safetensors "
                    + "files, and " + python + " has none: install it with `apt-get install python3-numpy` (bash "
                    + "src/scripts/prepare-tests.sh does so where it is missing): " + why);
        }
        String script = String.join("\n",
                "import json, struct, sys",
                "import numpy as np",
                "z = np.load(sys.argv[1])",
                "b = open(sys.argv[2], 'rb').read()",
                "n = struct.unpack('<Q', b[:8])[0]",
                "h = json.loads(b[8:8 + n])",
                "def st(name):",
                "    e = h[name]",
                "    assert e['dtype'] == 'F32', e",
                "    s, t = e['data_offsets']",
                "    return np.frombuffer(b[8 + n + s:8 + n + t], dtype='<f4').reshape(e['shape'])",
                "print(json.dumps({'dtype': str(z['points'].dtype), 'space': json.loads(str(z['metadata']))['space'],",
                "    'npz_points': z['points'].tolist(), 'npz_probabilities': z['probabilities'].tolist(),",
                "    'st_points': st('points').tolist(), 'st_probabilities': st('probabilities').tolist()}))");
        Process p = new ProcessBuilder(python, "-c", script, npz.toString(), st.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), out);
        return JsonParser.parseString(out).getAsJsonObject();
    }

    static double[] doubles(com.google.gson.JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }

    static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * Each family walks in embedding space from the command line, writes its session and CSV, and the session
     * exports the same CSV again; inspect --json names the family. A CLIPModel's --label classes are kept.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"deit-teacher", "dinov2-registers", "beit",
        "clip-classifier", "clip-vision-projection", "clip-zero-shot"})
    void everyFamilyWalksRecordsAndExportsAgain(String variant) throws Exception {
        Path dir = Path.of("src/test/resources/fixtures/family-" + variant);
        String input = "src/test/resources/fixtures/rgb12.png";
        Path csv = tmp.resolve(variant + ".csv");
        Path session = tmp.resolve(variant + ".leafwalk.json");
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("walk", "--model", dir.toString(),
                "--input", input, "--space", "embeddings", "--steps", "4", "--csv", csv.toString(), "--session",
                session.toString(), "--json"));
        if (variant.equals("clip-zero-shot")) {
            args.addAll(java.util.List.of("--label", "cat", "--label", "dog", "--label", "bird"));
        }
        Cli.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(4, o.getAsJsonArray("steps").size());
        Path again = tmp.resolve(variant + "-again.csv");
        Cli.Result e = run("export", "--session", session.toString(), "--csv", again.toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(Files.readString(csv), Files.readString(again), "the session exports the walk it recorded");
        if (variant.equals("clip-zero-shot")) {
            assertTrue(Files.readString(csv).lines().findFirst().orElseThrow().contains("p_cat,p_dog,p_bird"));
        }
        Cli.Result i = run("inspect", "--model", dir.toString(), "--input", input, "--json");
        assertEquals(0, i.code(), i.err());
        JsonObject doc = JsonParser.parseString(i.out()).getAsJsonObject();
        assertTrue(doc.has("family") && doc.getAsJsonObject("architecture").has("prefix_tokens"), i.out());
    }

    /** walk --jacobian reuse marks its carried steps; the session keeps the marks; exact walks have none. */
    @Test
    void carriedJacobiansAreRecordedAndKeptInTheSession() throws Exception {
        Path session = tmp.resolve("carried.leafwalk.json");
        Path traj = tmp.resolve("carried-trajectory.json");
        Cli.Result r = run("walk", "--model", model.toString(), "--input", image.toString(), "--steps", "30",
                "--jacobian", "reuse", "--session", session.toString(), "--trajectory-json", traj.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject j = o.getAsJsonObject("jacobian");
        assertEquals("reuse", j.get("mode").getAsString());
        int carried = j.get("carried_steps").getAsInt();
        // every step stands on a carried J (a refused one was redone from an exact J where it began); the exact ones
        // are those refusals' and the one the walk's rest at the end adds
        int rest = j.get("refreshes").getAsInt() - j.get("trust_refusals").getAsInt();
        assertTrue(carried == 30 && (rest == 0 || rest == 1), j.toString());
        Path again = tmp.resolve("carried-again.json");
        Cli.Result e = run("export", "--session", session.toString(), "--trajectory-json", again.toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(Files.readString(traj), Files.readString(again), "the session keeps which steps carried J");
        assertTrue(Files.readString(traj).contains("\"jacobian\": \"carried\""));
        Cli.Result exact = run("walk", "--model", model.toString(), "--input", image.toString(), "--steps", "5",
                "--jacobian", "exact", "--json");
        assertEquals(0, exact.code(), exact.err());
        assertTrue(!exact.out().contains("\"carried\""), "exact steps carry nothing");
        Cli.Result bad = run("walk", "--model", model.toString(), "--input", image.toString(), "--jacobian", "lazy");
        Cli.assertRefused(bad, "lazy", "exact", "reuse", "auto");
    }

    @Test
    void walksASentenceOnTheEmbeddedMiniLm() throws Exception {
        Path gif = tmp.resolve("text.gif");
        Path session = tmp.resolve("text.leafwalk.json");
        Cli.Result r = run("walk", "--model", "minilm", "--input", "text:Paris is the capital of France.", "--label", "topic",
                "--tokens", "1,4", "--metric", "probs", "--step-policy", "fixed", "--eta", "0.5", "--steps", "4",
                "--gif", gif.toString(), "--session", session.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("zero-shot", o.get("task").getAsString());
        assertEquals("[CLS]", o.getAsJsonArray("tokens").get(0).getAsString());
        assertEquals(2, o.getAsJsonArray("explored_positions").size());
        assertEquals(2 * 384, o.get("dimension").getAsInt());
        assertEquals(4, o.getAsJsonArray("steps").size());
        assertTrue(o.getAsJsonObject("decoded").has("nearest_tokens"));
        assertTrue(Files.size(gif) > 0);
        Cli.Result export = run("export", "--session", session.toString(), "--png", tmp.resolve("text.png").toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(Files.exists(tmp.resolve("text.png")));
        Cli.Result inspect = run("inspect", "--model", "minilm", "--input", "text:Paris is the capital of France.",
                "--json");
        assertEquals(0, inspect.code(), inspect.err());
        assertEquals("paris", JsonParser.parseString(inspect.out()).getAsJsonObject().getAsJsonArray("tokens").get(1)
                .getAsString());
        Cli.Result wrong = run("walk", "--model", "minilm", "--input", "sample:3", "--steps", "1");
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("text:"), wrong.err());
    }

    @Test
    void matchAndLipschitzOnTheShippedModel() throws Exception {
        JsonObject o = org.leafwalk.testing.SevenToOne.match().json();
        Path dir = org.leafwalk.testing.SevenToOne.match().dir();
        double initial = o.get("initial_distance").getAsDouble();
        double fin = o.get("final_distance").getAsDouble();
        assertTrue(fin * 10 <= initial, initial + " -> " + fin);
        assertTrue(o.get("pixels_in_range").getAsBoolean());
        for (String f : new String[] {"match.json", "path.csv", "result.png", "result-x10.png", "comparison.png"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        Path csv = tmp.resolve("lipschitz.csv");
        Cli.Result l = run("lipschitz", "--input", "sample:14", "--metric", "representation", "--eigen", "2", "--nulls",
                "2", "--random", "1", "--csv", csv.toString(), "--json");
        assertEquals(0, l.code(), l.err());
        var curves = JsonParser.parseString(l.out()).getAsJsonObject().getAsJsonArray("curves");
        assertEquals(5, curves.size());
        assertEquals(1 + 5 * 9, Files.readAllLines(csv).size(), "a header and a row per direction and ε");
        Cli.Result layer = run("match", "--source", org.leafwalk.testing.SevenToOne.SOURCE, "--target",
                org.leafwalk.testing.SevenToOne.TARGET, "--steps", "3", "--layer", "2",
                "--out", tmp.resolve("layer2").toString(), "--json");
        assertEquals(0, layer.code(), layer.err());
        assertEquals(2, JsonParser.parseString(layer.out()).getAsJsonObject().get("layer").getAsInt());
        // inspect and walk see an inner block's representation too; a text model refuses --layer by name
        Cli.Result last = run("inspect", "--input", "sample:14", "--metric", "representation", "--json");
        Cli.Result inner = run("inspect", "--input", "sample:14", "--metric", "representation", "--layer", "1", "--json");
        assertEquals(0, inner.code(), inner.err());
        JsonObject in = JsonParser.parseString(inner.out()).getAsJsonObject();
        assertEquals(1, in.get("layer").getAsInt());
        assertFalse(JsonParser.parseString(last.out()).getAsJsonObject().get("eigenvalues")
                .equals(in.get("eigenvalues")), "block 1 and the last block gave the same spectrum");
        Path session = tmp.resolve("layer1.leafwalk.json");
        Cli.Result walk = run("walk", "--input", "sample:14", "--metric", "representation", "--layer", "1", "--steps",
                "2", "--session", session.toString(), "--json");
        assertEquals(0, walk.code(), walk.err());
        assertEquals(1, JsonParser.parseString(walk.out()).getAsJsonObject().get("layer").getAsInt());
        assertEquals(1, org.leafwalk.explore.session.SessionFiles.load(session).recording().settings().layer());
        Cli.Result text = run("inspect", "--model", "minilm", "--input", "text:It was good.", "--layer", "1");
        assertEquals(2, text.code());
        assertTrue(text.err().contains("--layer"), text.err());
    }

    @Test
    void aShortSoakReportsMemoryAndNoErrors() {
        Cli.Result r = run("bench", "--model", model.toString(), "--input", image.toString(), "--soak", "120", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(0, o.getAsJsonArray("errors").size(), o.toString());
        assertTrue(o.getAsJsonArray("samples").size() >= 1);
        assertTrue(o.getAsJsonArray("samples").get(0).getAsJsonObject().get("resident_mib").getAsDouble() > 0);
    }

    @Test
    void errorsAreOneLineWithExitCodeTwo() {
        Cli.Result r = run("inspect", "--model", tmp.resolve("nowhere").toString(), "--input", image.toString(), "--json");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("model folder not found"), r.err());
        assertFalse(r.err().contains("at org."), "no stack trace without --debug");
    }

    @Test
    void nonImageInputIsNamed() throws Exception {
        Path junk = tmp.resolve("notes.png");
        Files.writeString(junk, "hello");
        Cli.Result r = run("inspect", "--model", model.toString(), "--input", junk.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(junk.toString()) && r.err().contains("not an image"), r.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"inspect", "walk", "bench", "init-vit", "train-vit", "eval", "export",
                "extract-samples", "ui"}) {
            Cli.Result r = run(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Usage: leafwalk " + c), r.out());
        }
    }
}
