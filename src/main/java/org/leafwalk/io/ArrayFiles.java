package org.leafwalk.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Named arrays in the two formats notebooks read without Leafwalk: safetensors (a JSON header, then the raw
 * little-endian data; string metadata in {@code __metadata__}) and NumPy's {@code .npz} (a zip of {@code .npy}
 * files, format 1.0, with the metadata as a 0-d unicode array {@code metadata}).
 */
public final class ArrayFiles {
    /** A float32 or int32 array, row-major; exactly one of {@code floats} and {@code ints} is set. */
    public record Array(String name, long[] shape, float[] floats, int[] ints) {
        public Array {
            long count = 1;
            for (long s : shape) {
                count *= s;
            }
            int length = floats != null ? floats.length : ints.length;
            if (count != length || (floats == null) == (ints == null)) {
                throw new IllegalArgumentException(name + ": " + length + " values for the shape "
                        + java.util.Arrays.toString(shape));
            }
        }

        public static Array of(String name, long[] shape, float[] values) {
            return new Array(name, shape, values, null);
        }

        public static Array ofInts(String name, long[] shape, int[] values) {
            return new Array(name, shape, null, values);
        }

        int bytes() {
            return 4 * (floats != null ? floats.length : ints.length);
        }

        void put(ByteBuffer b) {
            if (floats != null) {
                for (float v : floats) {
                    b.putFloat(v);
                }
            } else {
                for (int v : ints) {
                    b.putInt(v);
                }
            }
        }
    }

    private ArrayFiles() {}

    /** The arrays as a safetensors file, in the order given, with {@code metadata} as its string metadata. */
    public static byte[] safetensors(List<Array> arrays, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        long offset = 0;
        for (Array a : arrays) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", a.floats() != null ? "F32" : "I32");
            JsonArray shape = new JsonArray();
            for (long s : a.shape()) {
                shape.add(s);
            }
            o.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(offset);
            offset += a.bytes();
            offs.add(offset);
            o.add("data_offsets", offs);
            header.add(a.name(), o);
        }
        JsonObject meta = new JsonObject();
        metadata.forEach(meta::addProperty);
        header.add("__metadata__", meta);
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded);
        b.put(h);
        for (int i = h.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        for (Array a : arrays) {
            a.put(b);
        }
        return b.array();
    }

    /** The arrays as a NumPy {@code .npz} archive, with {@code metadata} (JSON text) as the 0-d array "metadata". */
    public static byte[] npz(List<Array> arrays, String metadata) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Array a : arrays) {
                entry(zip, a.name() + ".npy", npy(a.floats() != null ? "<f4" : "<i4", a.shape(), a.bytes(), a::put));
            }
            int[] cps = metadata.codePoints().toArray();
            entry(zip, "metadata.npy", npy("<U" + cps.length, new long[0], 4 * cps.length, b -> {
                for (int c : cps) {
                    b.putInt(c);
                }
            }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** One array in the .npy format 1.0: magic, version, the header dict padded to 64 bytes, the data. */
    static byte[] npy(String descr, long[] shape, int dataBytes, java.util.function.Consumer<ByteBuffer> data) {
        StringBuilder s = new StringBuilder("(");
        for (long d : shape) {
            s.append(d).append(", ");
        }
        String dims = shape.length == 1 ? "(" + shape[0] + ",)" : shape.length == 0 ? "()"
                : s.substring(0, s.length() - 2) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + dims + ", }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        data.accept(b);
        return b.array();
    }

    /** A stored (uncompressed) zip entry, as numpy.savez writes them. */
    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        // a fixed time: the same walk exports the same bytes
        e.setTimeLocal(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
        e.setSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }
}
