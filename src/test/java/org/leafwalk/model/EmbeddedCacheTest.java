package org.leafwalk.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.io.InvalidInputException;

/**
 * The embedded MiniLM's cache is checked against the jar by its contents, not by its size, and is written through no
 * link.
 */
class EmbeddedCacheTest {
    @TempDir
    Path tmp;

    private String before;

    @BeforeEach
    void ownCache() {
        before = System.getProperty("leafwalk.cache");
        System.setProperty("leafwalk.cache", tmp.toString());
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty("leafwalk.cache");
        } else {
            System.setProperty("leafwalk.cache", before);
        }
    }

    @Test
    void aCachedFileOfTheRightSizeWithOtherContentsIsWrittenAgain() throws Exception {
        Path dir = EmbeddedTextModel.folder();
        Path onnx = dir.resolve("model.onnx");
        byte[] good = Files.readAllBytes(onnx);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 0x5a;
        Files.write(onnx, bad);
        Files.setLastModifiedTime(onnx, FileTime.fromMillis(1_000_000)); // as another process would leave it
        assertEquals(good.length, Files.size(onnx), "the same size");
        EmbeddedTextModel.folder();
        assertArrayEquals(good, Files.readAllBytes(onnx), "a cache file of the right size was trusted");
    }

    @Test
    void aLinkWhereACachedFileBelongsIsRefused() throws Exception {
        Path dir = EmbeddedTextModel.folder();
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "mine\n");
        Files.delete(dir.resolve("tokenizer.json"));
        Files.createSymbolicLink(dir.resolve("tokenizer.json"), victim);
        InvalidInputException e = assertThrows(InvalidInputException.class, EmbeddedTextModel::folder);
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("symbolic link"),
                e.getMessage());
        assertEquals("mine\n", Files.readString(victim));
    }
}
