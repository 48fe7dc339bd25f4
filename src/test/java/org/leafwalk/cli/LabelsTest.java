package org.leafwalk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyVit;

/**
 * Zero-shot labels mean what they say or are refused by name: a CLIPModel's class whose words its tokenizer does not
 * know, two classes that read as the same prompt, a text model's preset given as class names, more labels than the
 * limit; a label with some unknown words, or a sentence of them, is noted. An option of one kind of model given to
 * the other is refused, not ignored.
 */
class LabelsTest {
    /** A CLIPModel whose word-level tokenizer knows "a photo of", cat, dog and bird, and reads the rest as <unk>. */
    static final String CLIP = "src/test/resources/fixtures/family-clip-zero-shot";
    static final String IMAGE = "src/test/resources/fixtures/rgb12.png";

    @TempDir
    static Path tmp;

    static Path vit;

    @BeforeAll
    static void setUp() {
        vit = TinyVit.write(tmp, "vit", TinyVit.small(), 5);
    }

    private static Cli.Result clip(String... labels) {
        List<String> args = new ArrayList<>(List.of("inspect", "--model", CLIP, "--input", IMAGE, "--json"));
        for (String l : labels) {
            args.add("--label");
            args.add(l);
        }
        return Cli.run(args.toArray(String[]::new));
    }

    private static List<String> notes(Cli.Result r) {
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        List<String> notes = new ArrayList<>();
        o.getAsJsonArray("notes").forEach(n -> notes.add(n.getAsString()));
        return notes;
    }

    @Test
    void aLabelWhoseWordsTheTokenizerLacksIsRefusedByName() {
        Cli.assertRefused(clip("zebra", "cat"), "label 'zebra'", "tokenizer.json", "<unk>", "no meaning");
    }

    @Test
    void aLabelWithSomeUnknownWordsIsNoted() {
        List<String> notes = notes(clip("zebra cat", "dog"));
        assertTrue(notes.stream().anyMatch(n -> n.contains("label 'zebra cat'") && n.contains("'zebra'")
                && n.contains("<unk>")), notes.toString());
        assertTrue(notes(clip("cat", "dog")).stream().noneMatch(n -> n.contains("<unk>")), "known words: no note");
    }

    @Test
    void labelsThatReadAsTheSamePromptAreRefusedByName() {
        // both read "a photo of a <unk> cat": p = 0.5/0.5 whatever the image, and a zero metric
        Cli.assertRefused(clip("zebra cat", "giraffe cat"), "labels 'zebra cat' and 'giraffe cat'", "same prompt");
        Cli.assertRefused(clip("cat", "dog", "cat"), "label 'cat' is given twice");
    }

    @Test
    void theDefaultClassesAreThoseTheTokenizerKnows() {
        Cli.Result r = clip();
        List<String> notes = notes(r);
        assertTrue(notes.stream().anyMatch(n -> n.contains("airplane") && n.contains("bird, cat, dog")),
                notes.toString());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(3, o.getAsJsonArray("probabilities").size(), r.out());
    }

    @Test
    void aTextPresetGivenAsClassNamesIsRefused() {
        Cli.assertRefused(clip("topic"), "--label topic", "text model's preset", "class names");
    }

    @Test
    void textOptionsOnAnImageModelAreRefused() {
        String[] base = {"inspect", "--model", vit.toString(), "--input", "sample:0"};
        Cli.assertRefused(Cli.run(with(base, "--label", "cat", "--label", "dog")), "--label", "CLIPModel",
                vit.toString(), "5 classes");
        Cli.assertRefused(Cli.run(with(base, "--tokens", "1,2")), "--tokens", "image model");
        Cli.assertRefused(Cli.run(with(base, "--pooling", "cls")), "--pooling", "image model");
    }

    @Test
    void imageOptionsOnATextModelAreRefused() {
        Cli.assertRefused(Cli.run("inspect", "--model", "minilm", "--input", "text:the cat sat", "--space", "pixels"),
                "--space pixels", "text model", "token embeddings");
        Cli.assertRefused(Cli.run("walk", "--model", "minilm", "--input", "text:the cat sat", "--steps", "1",
                "--embedding-bounds"), "--embedding-bounds", "text model");
    }

    @Test
    void moreLabelsThanTheLimitAreRefusedBeforeAnyIsRead() {
        String[] many = new String[1001];
        for (int i = 0; i < many.length; i++) {
            many[i] = "cat " + i;
        }
        Cli.assertRefused(clip(many), "1,001 zero-shot labels", "at most 1,000", "-Dleafwalk.max-labels");
        System.setProperty("leafwalk.max-labels", "3");
        try {
            Cli.assertRefused(clip("cat", "dog", "bird", "cat dog"), "4 zero-shot labels", "at most 3");
            assertEquals(0, clip("cat", "dog", "bird").code());
        } finally {
            System.clearProperty("leafwalk.max-labels");
        }
    }

    @Test
    void aTextModelsLabelsAndSentenceAreCheckedAlike() {
        Cli.Result r = Cli.run("inspect", "--model", "minilm", "--input", "text:the 🦄 sat", "--json");
        assertTrue(notes(r).stream().anyMatch(n -> n.contains("the sentence") && n.contains("'🦄'")
                && n.contains("[UNK]")), r.out());
        r = Cli.run("inspect", "--model", "minilm", "--input", "text:🦄 ☃", "--json");
        assertTrue(notes(r).stream().anyMatch(n -> n.contains("the sentence") && n.contains("none of its words")),
                r.out());
        Cli.assertRefused(Cli.run("inspect", "--model", "minilm", "--input", "text:the cat sat", "--label", "🦄",
                "--label", "It was good."), "label '🦄'", "[UNK]");
    }

    private static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
