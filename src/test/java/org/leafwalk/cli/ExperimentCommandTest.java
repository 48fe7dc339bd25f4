package org.leafwalk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyVit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch protocols on the shipped MNIST model at a small size: the table's contract fields, a folder a rerun
 * resumes (and refuses to mix), numbers that do not depend on the worker count, a run that cannot be written kept
 * apart from the finished ones, and the report with its PNG and SVG plots.
 */
class ExperimentCommandTest {
    @TempDir
    static Path tmp;

    static Path table;
    static Cli.Result first;

    static final String[] SMALL = {"--inputs", "2", "--repeats", "1", "--iterations", "20"};

    static Cli.Result simec(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("experiment", "--protocol", "simec-table", "--out",
                out.toString()));
        a.addAll(List.of(SMALL));
        a.addAll(List.of(more));
        return Cli.run(a.toArray(String[]::new));
    }

    @BeforeAll
    static void runTheTable() {
        table = tmp.resolve("table");
        first = simec(table, "--workers", "2", "--json");
    }

    @Test
    void theTableHasEveryCellWithThePapersValues() throws Exception {
        assertEquals(0, first.code(), first.err());
        JsonObject doc = JsonParser.parseString(first.out()).getAsJsonObject();
        assertEquals("simec-table", doc.get("protocol").getAsString());
        assertTrue(doc.get("complete").getAsBoolean());
        JsonArray cells = doc.getAsJsonArray("cells");
        assertEquals(8, cells.size(), "authors and leafwalk × simec and simexp × η 1 and 10");
        Set<String> seen = new HashSet<>();
        for (JsonElement e : cells) {
            JsonObject c = e.getAsJsonObject();
            for (String k : List.of("algorithm", "eta", "variant", "inputs", "repeats", "iterations",
                    "ranking_changes_per_1000", "mean_input_difference", "hypervolume")) {
                assertTrue(c.has(k), k + " in " + c);
            }
            seen.add(c.get("variant").getAsString() + "/" + c.get("algorithm").getAsString() + "/"
                    + c.get("eta").getAsDouble());
            assertEquals(2, c.get("inputs").getAsInt());
            assertEquals(1, c.get("repeats").getAsInt());
            assertEquals(20, c.get("iterations").getAsInt());
            assertTrue(c.get("mean_input_difference").getAsDouble() > 0, "every walk moved: " + c);
            assertTrue(c.get("hypervolume").getAsDouble() >= 0, c.toString());
            if (c.get("variant").getAsString().equals("leafwalk") && c.get("algorithm").getAsString().equals("simec")) {
                assertEquals(1.0, c.get("start_class_kept").getAsDouble(), "corrected SiMEC keeps the class");
                assertEquals(0.0, c.get("ranking_changes_per_1000").getAsDouble());
            }
        }
        assertEquals(8, seen.size(), seen.toString());
        JsonObject paper = doc.getAsJsonObject("paper");
        assertEquals(11.91, paper.getAsJsonObject("ranking_changes_per_1000").getAsJsonObject("simexp")
                .get("10").getAsDouble());
        assertEquals(83.0e-3, paper.getAsJsonObject("mean_input_difference").get("simexp").getAsDouble());
    }

    @Test
    void theFolderHoldsTablesAndAReportWithPngAndSvgPlots() throws Exception {
        assertEquals(0, first.code(), first.err());
        List<String> csv = Files.readAllLines(table.resolve("results.csv"));
        assertEquals(9, csv.size(), "a header and eight cells");
        assertTrue(csv.get(0).startsWith("variant,algorithm,eta,"), csv.get(0));
        String html = Files.readString(table.resolve("report.html"));
        assertFalse(html.contains("http://") || html.contains("https://"), "the page opens offline");
        for (String plot : List.of("ranking-changes", "start-class-probability", "hypervolume")) {
            assertTrue(html.contains("plots/" + plot + ".svg"), plot);
            byte[] png = Files.readAllBytes(table.resolve("plots/" + plot + ".png"));
            assertEquals((byte) 0x89, png[0]);
            assertEquals('P', png[1]);
            // the SVG is well-formed XML with an <svg> root
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            var doc = factory.newDocumentBuilder()
                    .parse(table.resolve("plots/" + plot + ".svg").toFile());
            assertEquals("svg", doc.getDocumentElement().getTagName());
        }
        assertTrue(JsonParser.parseString(Files.readString(table.resolve("results.json"))).getAsJsonObject()
                .has("cells"));
    }

    @Test
    void oneWorkerGivesTheSameNumbersAsTwo() throws Exception {
        assertEquals(0, first.code(), first.err());
        Path one = tmp.resolve("one-worker");
        Cli.Result r = simec(one, "--workers", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(Files.readString(table.resolve("results.csv")), Files.readString(one.resolve("results.csv")));
    }

    @Test
    void aRerunResumesOnlyWhenAskedAndNeverMixesExperiments() throws Exception {
        assertEquals(0, first.code(), first.err());
        Path again = tmp.resolve("again");
        assertEquals(0, simec(again).code());
        String before = Files.readString(again.resolve("results.csv"));
        Cli.assertRefused(simec(again), "already holds results", "--resume");
        Cli.assertRefused(simec(again, "--seed", "2", "--resume"), "another experiment", "seed");
        // two runs lost (as to Ctrl-C): the rerun does only those and the table comes out the same
        Files.delete(again.resolve("runs/authors-simec-eta1-input00-repeat0.json"));
        Files.delete(again.resolve("runs/leafwalk-simexp-eta10-input01-repeat0.json"));
        Cli.Result r = simec(again, "--resume");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("14 of 16 runs already in"), r.err());
        assertEquals(before, Files.readString(again.resolve("results.csv")));
    }

    @Test
    void badInputIsRefusedWithItsName() throws Exception {
        Cli.assertRefused(Cli.run("experiment", "--protocol", "simec-tables", "--out", tmp.resolve("x").toString()),
                "unknown protocol", "simec-tables", "equivalence");
        Path full = Files.createDirectories(tmp.resolve("not-empty"));
        Files.writeString(full.resolve("notes.txt"), "mine");
        Cli.assertRefused(simec(full), "not empty", "holds no experiment");
        assertEquals("mine", Files.readString(full.resolve("notes.txt")));
        Path five = TinyVit.write(tmp, "five-classes", TinyVit.small(), 3);
        Cli.assertRefused(Cli.run("experiment", "--protocol", "simec-table", "--model", five.toString(), "--out",
                tmp.resolve("five").toString()), "at least 8 classes", "has 5");
    }

    @Test
    void aRunThatCannotBeWrittenStopsTheExperimentAndKeepsTheFinishedRuns() throws Exception {
        Path out = tmp.resolve("unwritable");
        assertEquals(0, simec(out).code());
        try (Stream<Path> s = Files.list(out.resolve("runs"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        // the runs folder's place taken by a file: the first record's write fails as on a full disk
        Files.delete(out.resolve("runs"));
        Files.writeString(out.resolve("runs"), "not a folder");
        Cli.Result r = simec(out, "--workers", "1", "--resume");
        assertEquals(2, r.code(), r.err());
        // the progress bar's lines come first; the error is the last line
        String[] lines = r.err().strip().split("\n");
        Cli.assertRefused(new Cli.Result(2, "", lines[lines.length - 1]), "runs", "finished runs are kept",
                "--resume");
        assertEquals("not a folder", Files.readString(out.resolve("runs")));
    }

    /**
     * A run's record counts only when it is that run's, as this experiment wrote it: a symlink where it belongs is
     * refused (and nothing is written through it), and so are an empty record, an edited one and another run's.
     */
    @Test
    void aRecordCountsOnlyWhenItIsThisRunsOwn() throws Exception {
        Path out = tmp.resolve("records");
        assertEquals(0, simec(out).code());
        Path record = out.resolve("runs/authors-simec-eta1-input00-repeat0.json");
        Path other = out.resolve("runs/leafwalk-simexp-eta10-input01-repeat0.json");
        String kept = Files.readString(record);
        Path victim = Files.writeString(tmp.resolve("victim.conf"), "a system file\n");
        Files.delete(record);
        Files.createSymbolicLink(record, victim);
        Cli.assertRefused(simec(out, "--resume"), record.getFileName().toString(), "symbolic link");
        assertEquals("a system file\n", Files.readString(victim), "written through the link");
        Files.delete(record);
        Files.createSymbolicLink(record, other.getFileName());
        Cli.assertRefused(simec(out, "--resume"), record.getFileName().toString(), "symbolic link");
        Files.delete(record);
        Files.writeString(record, "{}");
        Cli.assertRefused(simec(out, "--resume"), record.getFileName().toString(), "no checksum");
        Files.writeString(record, kept.replaceFirst("\"seconds\": [0-9.E-]+", "\"seconds\": 0.5"));
        Cli.assertRefused(simec(out, "--resume"), record.getFileName().toString(), "checksum");
        Files.copy(other, record, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Cli.assertRefused(simec(out, "--resume"), record.getFileName().toString(), "record of run");
        Files.writeString(record, kept);
        Cli.Result r = simec(out, "--resume");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("16 of 16 runs already in"), r.err());
    }

    /** Two data folders whose images have the same names are two experiments: their inputs are its identity. */
    @Test
    void anotherDataFolderWithTheSameNamesIsAnotherExperiment() throws Exception {
        Path a = idx(tmp.resolve("data-a"), 11);
        Path b = idx(tmp.resolve("data-b"), 12);
        Path out = tmp.resolve("with-data");
        assertEquals(0, simec(out, "--data", a.toString()).code());
        Cli.assertRefused(simec(out, "--data", b.toString(), "--resume"), "another experiment", "inputs",
                b.toString());
        Cli.Result r = simec(out, "--data", a.toString(), "--resume");
        assertEquals(0, r.code(), r.err());
    }

    /** A test split of 28×28 noise images, two of each of classes 0 to 3 (seeded). */
    private static Path idx(Path dir, long seed) throws Exception {
        Files.createDirectories(dir);
        int n = 8;
        byte[] pixels = new byte[n * 28 * 28];
        new java.util.Random(seed).nextBytes(pixels);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i / 2);
        }
        org.leafwalk.io.Idx.write(dir.resolve("t10k-images-idx3-ubyte"), new int[] {n, 28, 28}, pixels);
        org.leafwalk.io.Idx.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {n}, labels);
        return dir;
    }

    @Test
    void theEquivalenceProtocolMatchesKeepsAndMeasuresLipschitzRatios() throws Exception {
        Path out = tmp.resolve("equivalence");
        Cli.Result r = Cli.run("experiment", "--protocol", "equivalence", "--pairs", "2", "--iterations", "4",
                "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("equivalence", doc.get("protocol").getAsString());
        assertEquals(2, doc.getAsJsonArray("cells").size());
        for (JsonElement e : doc.getAsJsonArray("cells")) {
            JsonObject c = e.getAsJsonObject();
            assertTrue(c.get("match_final_distance").getAsDouble() < c.get("match_initial_distance").getAsDouble(),
                    "matching brings the representations closer: " + c);
            assertTrue(c.get("keep_final_pixel_distance").getAsDouble()
                    < c.get("keep_initial_pixel_distance").getAsDouble(), "the reverse moves toward the target");
        }
        JsonObject lip = doc.getAsJsonObject("lipschitz");
        double top = lip.getAsJsonArray("eigen").get(0).getAsJsonObject().get("median").getAsDouble();
        double nul = lip.getAsJsonArray("null").get(0).getAsJsonObject().get("median").getAsDouble();
        assertTrue(top > 1e3 * nul, "at ε = 1e-4 a null direction barely moves the representation: " + top + " vs "
                + nul);
        assertTrue(Files.isRegularFile(out.resolve("plots/lipschitz.svg")));
        assertTrue(Files.readString(out.resolve("report.html")).contains("plots/lipschitz.png"));
    }
}
