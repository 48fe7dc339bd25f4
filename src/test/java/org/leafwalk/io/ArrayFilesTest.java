package org.leafwalk.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The array exports read back by readers written here from the two formats' specifications (the safetensors
 * header and offsets; the .npy 1.0 header inside a zip), independent of the writer.
 */
class ArrayFilesTest {
    static final List<ArrayFiles.Array> ARRAYS = List.of(
            ArrayFiles.Array.of("points", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, Float.NaN}),
            ArrayFiles.Array.ofInts("step", new long[] {2}, new int[] {0, 7}));

    @Test
    void safetensorsHoldsTheArraysAtTheirOffsetsAndTheMetadataAsStrings() {
        byte[] b = ArrayFiles.safetensors(ARRAYS, Map.of("settings", "{\"eta\":1}"));
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        assertEquals(0, (8 + n) % 8, "the data starts 8-byte aligned");
        JsonObject header = JsonParser.parseString(new String(b, 8, (int) n, StandardCharsets.UTF_8).strip())
                .getAsJsonObject();
        assertEquals("{\"eta\":1}", header.getAsJsonObject("__metadata__").get("settings").getAsString());
        JsonObject p = header.getAsJsonObject("points");
        assertEquals("F32", p.get("dtype").getAsString());
        assertEquals("[2,3]", p.get("shape").toString());
        int start = (int) (8 + n + p.getAsJsonArray("data_offsets").get(0).getAsLong());
        ByteBuffer d = ByteBuffer.wrap(b, start, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1f, d.getFloat());
        JsonObject s = header.getAsJsonObject("step");
        assertEquals("I32", s.get("dtype").getAsString());
        int at = (int) (8 + n + s.getAsJsonArray("data_offsets").get(0).getAsLong());
        assertEquals(7, ByteBuffer.wrap(b, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(b.length, 8 + n + s.getAsJsonArray("data_offsets").get(1).getAsLong());
    }

    @Test
    void npzIsAZipOfNpyFilesWithTheMetadataAsUnicode() throws Exception {
        byte[] b = ArrayFiles.npz(ARRAYS, "{\"model\":\"défault\"}");
        assertArrayEquals(b, ArrayFiles.npz(ARRAYS, "{\"model\":\"défault\"}"), "the same arrays, the same bytes");
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(b))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null;) {
                entries.put(e.getName(), z.readAllBytes());
            }
        }
        assertEquals(java.util.Set.of("points.npy", "step.npy", "metadata.npy"), entries.keySet());
        byte[] points = entries.get("points.npy");
        assertEquals((byte) 0x93, points[0]);
        assertEquals("NUMPY", new String(points, 1, 5, StandardCharsets.US_ASCII));
        int hl = ByteBuffer.wrap(points, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertEquals(0, (10 + hl) % 64, "the header pads the data to 64 bytes");
        String header = new String(points, 10, hl, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<f4'") && header.contains("'shape': (2, 3)")
                && header.endsWith("\n"), header);
        ByteBuffer d = ByteBuffer.wrap(points, 10 + hl, 24).order(ByteOrder.LITTLE_ENDIAN);
        d.position(10 + hl + 20);
        assertTrue(Float.isNaN(d.getFloat()));
        byte[] meta = entries.get("metadata.npy");
        int ml = ByteBuffer.wrap(meta, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String mh = new String(meta, 10, ml, StandardCharsets.US_ASCII);
        assertTrue(mh.contains("'descr': '<U19'") && mh.contains("'shape': ()"), mh);
        String text = new String(meta, 10 + ml, meta.length - 10 - ml, java.nio.charset.Charset.forName("UTF-32LE"));
        assertEquals("{\"model\":\"défault\"}", text);
    }
}
