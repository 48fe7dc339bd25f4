package org.leafwalk.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path tmp;

    private void writeSplit(Path dir, int count) {
        byte[] px = new byte[count * 4 * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 3);
        }
        Idx.write(dir.resolve("t10k-images-idx3-ubyte"), new int[] {count, 4, 4}, px);
        Idx.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {count}, labels);
    }

    @Test
    void roundTripPlainAndGzip() throws Exception {
        writeSplit(tmp, 5);
        LabeledImages d = Idx.readSplit(tmp, "t10k");
        assertEquals(5, d.count());
        assertEquals(4, d.rows());
        assertEquals(2, d.label(5 - 1 - 2));
        assertEquals(17 / 255.0, d.image(1)[1], 1e-12);
        Path gz = Files.createDirectories(tmp.resolve("gz"));
        for (String f : new String[] {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            var bytes = new ByteArrayOutputStream();
            try (var out = new GZIPOutputStream(bytes)) {
                out.write(Files.readAllBytes(tmp.resolve(f)));
            }
            Files.write(gz.resolve(f + ".gz"), bytes.toByteArray());
        }
        LabeledImages g = Idx.readSplit(gz, "t10k");
        assertArrayEquals(d.pixels(), g.pixels());
        assertArrayEquals(d.labels(), g.labels());
    }

    @Test
    void truncatedFileIsRefusedWithItsName() throws Exception {
        writeSplit(tmp, 5);
        Path f = tmp.resolve("t10k-images-idx3-ubyte");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 10));
        var e = assertThrows(InvalidInputException.class, () -> Idx.readSplit(tmp, "t10k"));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void wrongMagicAndMismatchedCountsAreRefused() throws Exception {
        writeSplit(tmp, 5);
        Path f = tmp.resolve("t10k-labels-idx1-ubyte");
        Idx.write(f, new int[] {4}, new byte[4]);
        var e = assertThrows(InvalidInputException.class, () -> Idx.readSplit(tmp, "t10k"));
        assertTrue(e.getMessage().contains("5 images") && e.getMessage().contains("4 labels"), e.getMessage());
        Files.write(tmp.resolve("t10k-images-idx3-ubyte"), "not an idx file at all".getBytes());
        e = assertThrows(InvalidInputException.class, () -> Idx.readSplit(tmp, "t10k"));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
        Files.write(tmp.resolve("t10k-images-idx3-ubyte"), new byte[] {0, 0});
        e = assertThrows(InvalidInputException.class, () -> Idx.readSplit(tmp, "t10k"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void missingFilesAreNamed() {
        var e = assertThrows(InvalidInputException.class, () -> Idx.readSplit(tmp, "train"));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }
}
