package org.leafwalk.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw data).
 * Our own reader rather than NDList.decode so that every way a file can be wrong (truncated, a header that
 * lies about sizes, overlapping ranges) is caught before any value is used, with a message naming the file.
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private SafeTensors() {}

    public static Map<String, Tensor> read(Path file) {
        InputFiles.requireRegular(file, "weights file");
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read weights file (" + e.getMessage() + ")", e);
        }
        if (fileSize < 8) {
            throw new InvalidInputException(file + ": not a safetensors file (only " + fileSize + " bytes)");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > fileSize - 8) {
                throw new InvalidInputException(file + ": not a safetensors file or truncated (header length "
                        + headerLen + " for a file of " + fileSize + " bytes)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            String headerText = new String(headerBuf.array(), StandardCharsets.UTF_8).trim();
            JsonObject header;
            try {
                header = JsonParser.parseString(headerText).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new InvalidInputException(file + ": safetensors header is not a JSON object", e);
            }
            refuseDuplicateNames(file, headerText);
            long dataStart = 8 + headerLen;
            long dataSize = fileSize - dataStart;
            List<long[]> ranges = new ArrayList<>();
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                out.put(e.getKey(), readTensor(file, ch, e.getKey(), e.getValue(), dataStart, dataSize, ranges));
            }
            checkOverlaps(file, ranges);
            return out;
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read weights file (" + e.getMessage() + ")", e);
        }
    }

    /** A JSON object keeps the last of two equal keys; a weights file with one tensor twice is refused instead. */
    private static void refuseDuplicateNames(Path file, String headerText) {
        try (var r = new com.google.gson.stream.JsonReader(new java.io.StringReader(headerText))) {
            r.beginObject();
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (r.hasNext()) {
                String name = r.nextName();
                if (!seen.add(name)) {
                    throw new InvalidInputException(file + ": the header names tensor '" + name
                            + "' twice; the file is corrupt or was not written by a safetensors writer");
                }
                r.skipValue();
            }
        } catch (IOException | IllegalStateException e) {
            throw new InvalidInputException(file + ": safetensors header is not a JSON object", e);
        }
    }

    private static Tensor readTensor(Path file, FileChannel ch, String name, JsonElement spec, long dataStart,
            long dataSize, List<long[]> ranges) throws IOException {
        String where = file + ": tensor '" + name + "'";
        long[] shape;
        String dtype;
        long begin;
        long end;
        try {
            JsonObject o = spec.getAsJsonObject();
            dtype = o.get("dtype").getAsString();
            var shapeArr = o.get("shape").getAsJsonArray();
            shape = new long[shapeArr.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeArr.get(i).getAsLong();
                if (shape[i] < 0) {
                    throw new InvalidInputException(where + " has a negative dimension");
                }
            }
            var offs = o.get("data_offsets").getAsJsonArray();
            begin = offs.get(0).getAsLong();
            end = offs.get(1).getAsLong();
        } catch (RuntimeException e) {
            if (e instanceof InvalidInputException iie) {
                throw iie;
            }
            throw new InvalidInputException(where + " has a malformed header entry", e);
        }
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64" -> 8;
            default -> throw new InvalidInputException(where + " has unsupported dtype " + dtype
                    + " (Leafwalk reads F32, F16, BF16, F64)");
        };
        long count = 1;
        try {
            for (long s : shape) {
                count = Math.multiplyExact(count, s);
            }
            Math.multiplyExact(count, width);
        } catch (ArithmeticException e) {
            throw new InvalidInputException(where + ": header says shape " + java.util.Arrays.toString(shape)
                    + ", more values than any file can hold; the header is corrupt");
        }
        if (begin < 0 || end < begin || end - begin != count * width) {
            throw new InvalidInputException(where + ": header says shape " + java.util.Arrays.toString(shape) + " "
                    + dtype + " (" + count * width + " bytes) but its data range is [" + begin + ", " + end + ")");
        }
        if (end > dataSize) {
            throw new InvalidInputException(where + " ends at byte " + end + " but the file holds only " + dataSize
                    + " data bytes: the file is truncated or its header lies about sizes");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(where + " is too large (" + count + " values)");
        }
        ranges.add(new long[] {begin, end});
        ByteBuffer buf = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, dataStart + begin);
        buf.flip();
        float[] data = new float[(int) count];
        switch (dtype) {
            case "F32" -> buf.asFloatBuffer().get(data);
            case "F64" -> {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) buf.getDouble();
                }
            }
            case "F16" -> {
                for (int i = 0; i < data.length; i++) {
                    data[i] = halfToFloat(buf.getShort());
                }
            }
            default -> { // BF16: the top half of a float32
                for (int i = 0; i < data.length; i++) {
                    data[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
                }
            }
        }
        return new Tensor(name, shape, data).requireFinite(file.toString());
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat arrived only in Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static void checkOverlaps(Path file, List<long[]> ranges) {
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
                throw new InvalidInputException(file + ": safetensors header has overlapping tensor data ranges");
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    /** Writes tensors as F32 in name order, atomically (temporary file, then move). */
    public static void write(Path file, Map<String, Tensor> tensors) {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        JsonObject header = new JsonObject();
        long offset = 0;
        for (Tensor t : sorted.values()) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", "F32");
            var shape = new com.google.gson.JsonArray();
            for (long s : t.shape()) {
                shape.add(s);
            }
            o.add("shape", shape);
            var offs = new com.google.gson.JsonArray();
            offs.add(offset);
            offset += 4L * t.data().length;
            offs.add(offset);
            o.add("data_offsets", offs);
            header.add(t.name(), o);
        }
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (int) ((8 + headerBytes.length + 7) / 8 * 8 - 8);
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(headerBytes);
        for (int i = headerBytes.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : sorted.values()) {
            for (float v : t.data()) {
                buf.putFloat(v);
            }
        }
        AtomicFiles.write(file, buf.array());
    }
}
