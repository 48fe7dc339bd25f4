package org.leafwalk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyVit;

/**
 * The second hostile run's writing cases, each as the user met it on the command line: an output inside a model
 * folder's sub-folders, paths through symlinked folders, read-only files, names that are not files, a model folder
 * replaced as a whole, and an experiment's run records read and written through no link and checked against their
 * run.
 */
class HostileWritesTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path image;

    @BeforeAll
    static void setUp() {
        model = TinyVit.write(tmp, "model", TinyVit.small(), 5);
        image = TinyVit.blobPng(tmp.resolve("blob.png"), 3);
    }

    private static Cli.Result walk(Path modelDir, Path input, String... more) {
        List<String> a = new ArrayList<>(List.of("walk", "--model", modelDir.toString(), "--input", input.toString(),
                "--steps", "2"));
        a.addAll(List.of(more));
        return Cli.run(a.toArray(String[]::new));
    }

    private static Path copyModel(String name) throws Exception {
        Path copy = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> s = Files.list(model)) {
            for (Path p : s.toList()) {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        return copy;
    }

    @Test
    void anOutputAnywhereInsideTheModelFolderIsRefused() throws Exception {
        Path m = copyModel("with-subfolders");
        Path pooling = Files.createDirectories(m.resolve("1_Pooling"));
        Path cfg = Files.writeString(pooling.resolve("config.json"), "{\"pooling_mode_mean_tokens\": true}\n");
        Cli.assertRefused(walk(m, image, "--csv", cfg.toString()), "--csv", "inside the run's model");
        assertEquals("{\"pooling_mode_mean_tokens\": true}\n", Files.readString(cfg));
        Cli.assertRefused(walk(m, image, "--out", m.resolve("onnx/model.onnx").toString()), "--out", "inside");
        assertFalse(Files.exists(m.resolve("onnx")), "a folder was made inside the model");
    }

    @Test
    void anOutputInsideTheEmbeddedModelsCacheIsRefused() throws Exception {
        Cli.Result inspect = Cli.run("inspect", "--model", "minilm", "--input", "text:a cat", "--json");
        assertEquals(0, inspect.code(), inspect.err());
        String folder = com.google.gson.JsonParser.parseString(inspect.out()).getAsJsonObject().get("model")
                .getAsString();
        Path cache = Path.of(folder);
        assertTrue(Files.isRegularFile(cache.resolve("model.onnx")), cache.toString());
        // the cache outlives this test: what an earlier Leafwalk wrote there is taken away first
        if (Files.isDirectory(cache.resolve("extra"))) {
            try (Stream<Path> s = Files.walk(cache.resolve("extra"))) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Cli.assertRefused(Cli.run("walk", "--model", "minilm", "--input", "text:a cat", "--steps", "1", "--csv",
                cache.resolve("tokenizer.json").toString()), "--csv", "model");
        Cli.assertRefused(Cli.run("walk", "--model", "minilm", "--input", "text:a cat", "--steps", "1", "--csv",
                cache.resolve("extra/walk.csv").toString()), "--csv", "inside");
        assertFalse(Files.exists(cache.resolve("extra")));
    }

    /** {@code lnk/../x}: the file the system names (beside the link's target), for outputs and inputs alike. */
    @Test
    void pathsThroughASymlinkedFolderAreTheOnesTheSystemNames() throws Exception {
        Path inner = Files.createDirectories(tmp.resolve("far/inner"));
        Path link = Files.createSymbolicLink(tmp.resolve("lnk"), inner);
        Files.copy(image, tmp.resolve("far/img.png"));
        Path viaLink = link.resolve("../img.png");
        Cli.Result r = walk(model, viaLink, "--csv", link.resolve("../x.csv").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(tmp.resolve("far/x.csv")).startsWith("step,"));
        assertFalse(Files.exists(tmp.resolve("x.csv")), "written beside the link instead of where the path leads");
        byte[] png = Files.readAllBytes(tmp.resolve("far/img.png"));
        Cli.assertRefused(walk(model, viaLink, "--csv", viaLink.toString()), "--csv", "input image");
        assertArrayEquals(png, Files.readAllBytes(tmp.resolve("far/img.png")));
    }

    @Test
    void aReadOnlyOutputIsRefusedUnlessForced() throws Exception {
        Path csv = Files.writeString(tmp.resolve("readonly.csv"), "the user's\n");
        Files.setPosixFilePermissions(csv, PosixFilePermissions.fromString("r--r--r--"));
        Cli.assertRefused(walk(model, image, "--csv", csv.toString()), "readonly.csv", "read-only", "--force");
        assertEquals("the user's\n", Files.readString(csv));
        Cli.Result r = walk(model, image, "--csv", csv.toString(), "--force");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(csv).startsWith("step,"));
    }

    @Test
    void namesThatAreNotFilesAreRefusedByName() throws Exception {
        Path dir = tmp.resolve("newdir");
        Cli.Result r = walk(model, image, "--csv", dir + "/");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("newdir/") && r.err().contains("names a folder"), r.err());
        assertFalse(Files.exists(dir), "a file named newdir was written");
        r = walk(model, image, "--csv", "");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--csv") && r.err().contains("empty"), r.err());
        Path longName = tmp.resolve("w".repeat(246) + ".csv");
        r = walk(model, image, "--csv", longName.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(longName));
    }

    /** init-vit --force writes the folder as a whole: another model's files are gone and the new ViT opens. */
    @Test
    void aModelFolderIsWrittenAsAWhole() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("was-text"));
        Files.writeString(out.resolve("model.onnx"), "a text model's export");
        Files.writeString(out.resolve("tokenizer.json"), "{}");
        Cli.assertRefused(Cli.run("init-vit", "--out", out.toString(), "--image-size", "8", "--patch-size", "4",
                "--hidden", "8", "--layers", "1", "--heads", "2", "--mlp", "8", "--labels", "3"), "already holds a model",
                "--force");
        Cli.Result r = Cli.run("init-vit", "--out", out.toString(), "--image-size", "8", "--patch-size", "4",
                "--hidden", "8", "--layers", "1", "--heads", "2", "--mlp", "8", "--labels", "3", "--force");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(out.resolve("model.onnx")), "the other model's export was left to take over");
        assertFalse(Files.exists(out.resolve("tokenizer.json")));
        Path png = TinyVit.blobPng(tmp.resolve("eight.png"), 1);
        r = Cli.run("inspect", "--model", out.toString(), "--input", png.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".leafwalk-")), "staging was left");
        }
        Path notes = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(notes.resolve("thesis.tex"), "mine");
        Cli.assertRefused(Cli.run("init-vit", "--out", notes.toString(), "--force"), "does not write", "thesis.tex");
        assertEquals("mine", Files.readString(notes.resolve("thesis.tex")));
        // a model folder that also holds the user's own files (a clone's README, a data set): never replaced
        Path clone = copyModel("clone");
        Files.writeString(clone.resolve("README.md"), "my notes");
        Files.createDirectories(clone.resolve("mnist"));
        Cli.assertRefused(Cli.run("init-vit", "--out", clone.toString(), "--force"), "does not write", "README.md",
                "mnist/");
        assertEquals("my notes", Files.readString(clone.resolve("README.md")));
        assertTrue(Files.isDirectory(clone.resolve("mnist")));
    }

    /** config.json decides what a folder is: a ViT folder with an old export beside it opens as the ViT. */
    @Test
    void aStrayOnnxFileDoesNotTakeOverAVitFolder() throws Exception {
        Path m = copyModel("vit-with-onnx");
        Files.writeString(m.resolve("old.onnx"), "not this model");
        Cli.Result r = Cli.run("inspect", "--model", m.toString(), "--input", image.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"prediction\""), r.out());
    }
}
