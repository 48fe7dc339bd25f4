package org.leafwalk.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path tmp;

    private Path sample() {
        Path f = tmp.resolve("w.safetensors");
        SafeTensors.write(f, Map.of(
                "a.weight", new Tensor("a.weight", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                "b", new Tensor("b", new long[] {1}, new float[] {-0.5f})));
        return f;
    }

    @Test
    void roundTrip() {
        Map<String, Tensor> r = SafeTensors.read(sample());
        assertArrayEquals(new long[] {2, 3}, r.get("a.weight").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, r.get("a.weight").data());
        assertArrayEquals(new float[] {-0.5f}, r.get("b").data());
    }

    @Test
    void truncatedFileIsRefusedWithTheFileNamed() throws Exception {
        Path f = sample();
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 5));
        var e = assertThrows(InvalidInputException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void headerThatLiesAboutSizesIsRefused() throws Exception {
        String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}";
        Path f = tmp.resolve("lie.safetensors");
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putFloat(1).putFloat(2);
        Files.write(f, b.array());
        var e = assertThrows(InvalidInputException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void garbageIsNotASafetensorsFile() throws Exception {
        Path f = tmp.resolve("junk.safetensors");
        Files.writeString(f, "this is not a weights file at all");
        var e = assertThrows(InvalidInputException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
    }

    @Test
    void halfPrecisionDecodes() {
        assertEquals(1.0f, SafeTensors.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, SafeTensors.halfToFloat((short) 0xc000));
        assertEquals(5.9604645e-8f, SafeTensors.halfToFloat((short) 0x0001));
        assertTrue(Float.isInfinite(SafeTensors.halfToFloat((short) 0x7c00)));
    }
}
