package org.leafwalk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.leafwalk.testing.Cli;
import org.leafwalk.testing.TinyVit;

/**
 * An option given where it does nothing (another mode of the command, a family it does not shape) is refused by
 * name, saying where it applies, before any work starts: never ignored or read as something else.
 */
class OptionScopeTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path image;
    static Path session;

    @BeforeAll
    static void model() {
        model = TinyVit.write(tmp, "model", TinyVit.small(), 5);
        image = TinyVit.blobPng(tmp.resolve("blob.png"), 3);
        session = tmp.resolve("walk.leafwalk.json");
        assertEquals(0, Cli.run("walk", "--model", model.toString(), "--input", image.toString(), "--steps", "1",
                "--session", session.toString()).code());
    }

    private static Arguments refused(String[] args, String... words) {
        return Arguments.of(String.join(" ", args), args, words);
    }

    private static String[] bench(String... args) {
        List<String> a = new ArrayList<>(List.of("bench", "--model", model.toString(), "--steps", "1", "--warmup",
                "0"));
        a.addAll(List.of(args));
        return a.toArray(String[]::new);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                refused(bench("--drag", "0"), "--drag 0", "at least one step"),
                refused(bench("--drag", "-3"), "--drag -3", "at least one step"),
                refused(bench("--soak", "0"), "--soak 0", "at least one step"),
                refused(new String[] {"bench", "--drag", "2", "--metric", "fisher", "--model", "x"}, "--metric",
                        "bench --drag", "without --drag"),
                refused(new String[] {"bench", "--drag", "2", "--space", "embeddings"}, "--space", "bench --drag"),
                refused(new String[] {"bench", "--drag", "2", "--warmup", "3"}, "--warmup", "bench --drag"),
                refused(new String[] {"bench", "--drag", "2", "--steps", "20"}, "--steps", "bench --drag",
                        "takes its own count"),
                refused(new String[] {"bench", "--soak", "20", "--steps", "20"}, "--steps", "bench --soak"),
                refused(new String[] {"bench", "--suite", "--model", "fashion"}, "--model", "bench --suite",
                        "its own models"),
                refused(new String[] {"bench", "--families", "--input", "sample:1"}, "--input", "bench --families"),
                refused(new String[] {"bench", "--families", "--suite"}, "--families", "--suite", "one at a time"),
                refused(bench("--jacobian", "exact"), "--jacobian", "with --drag"),
                refused(new String[] {"init-vit", "--out", "OUT", "--labels", "3", "--family", "clip-zero-shot"},
                        "--labels 3", "clip-zero-shot", "label prompts", "--label"),
                refused(new String[] {"init-vit", "--out", "OUT", "--labels", "3", "--family", "vit-backbone"},
                        "--labels 3", "vit-backbone", "no classifier"),
                refused(new String[] {"init-vit", "--out", "OUT", "--labels", "3", "--family", "clip-vision"},
                        "--labels 3", "clip-vision", "no classifier"),
                refused(new String[] {"walk", "--model", "MODEL", "--input", "IMAGE", "--steps", "1", "--csv", "OUT",
                        "--gif-delay", "50"}, "--gif-delay", "walk without --gif"),
                refused(new String[] {"export", "--session", "SESSION", "--csv", "OUT", "--gif-scale", "4"},
                        "--gif-scale", "export without --gif"),
                refused(new String[] {"export", "--session", "SESSION", "--csv", "OUT", "--step", "1"},
                        "--step", "without --png or --plots"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void anOptionThatDoesNothingWhereItIsGivenIsRefused(String name, String[] args, String[] words) {
        Path out = tmp.resolve("out-" + Math.abs(name.hashCode()));
        Map<String, String> placeholders = Map.of("OUT", out.toString(), "MODEL", model.toString(), "IMAGE",
                image.toString(), "SESSION", session.toString());
        String[] a = Stream.of(args).map(s -> placeholders.getOrDefault(s, s)).toArray(String[]::new);
        Cli.Result r = Cli.run(a);
        Cli.assertRefused(r, words);
        assertEquals("", r.out(), "nothing was run");
        assertFalse(Files.exists(out), "nothing was written");
    }

    @Test
    void theSameOptionsWorkWhereTheyApply() {
        Path out = tmp.resolve("vit-3");
        assertEquals(0, Cli.run("init-vit", "--out", out.toString(), "--labels", "3", "--image-size", "8",
                "--patch-size", "4", "--hidden", "8", "--layers", "1", "--heads", "2", "--mlp", "8").code());
        Path clip = tmp.resolve("clip");
        assertEquals(0, Cli.run("init-vit", "--out", clip.toString(), "--family", "clip-zero-shot", "--image-size",
                "8", "--patch-size", "4", "--hidden", "8", "--layers", "1", "--heads", "2", "--mlp", "8").code());
        Cli.Result r = Cli.run("bench", "--model", out.toString(), "--steps", "1", "--warmup", "0", "--space",
                "pixels", "--metric", "probs");
        assertEquals(0, r.code(), r.err());
    }
}
