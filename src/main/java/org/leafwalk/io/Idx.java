package org.leafwalk.io;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST (optionally gzip-compressed): a magic number naming the element type
 * and rank, the dimensions, then the data. Anything short or inconsistent is refused with the file named.
 */
public final class Idx {
    private static final int UBYTE_RANK1 = 0x00000801;
    private static final int UBYTE_RANK3 = 0x00000803;

    private Idx() {}

    /** Reads a split ("train" or "t10k") from a folder holding {split}-images-idx3-ubyte[.gz] and labels. */
    public static LabeledImages readSplit(Path dir, String split) {
        Path images = find(dir, split + "-images-idx3-ubyte");
        Path labels = find(dir, split + "-labels-idx1-ubyte");
        byte[][] img = read(images, UBYTE_RANK3);
        byte[][] lab = read(labels, UBYTE_RANK1);
        int count = toInt(img[0], 0);
        int rows = toInt(img[0], 4);
        int cols = toInt(img[0], 8);
        int labelCount = toInt(lab[0], 0);
        if (count != labelCount) {
            throw new InvalidInputException(images + " holds " + count + " images but " + labels + " holds "
                    + labelCount + " labels");
        }
        return new LabeledImages(count, rows, cols, img[1], lab[1]);
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new InvalidInputException(dir + ": no " + base + " (or .gz) in the data folder");
    }

    /** {header dims (4 bytes each), data} of an unsigned-byte IDX file with the expected magic. */
    static byte[][] read(Path file, int expectedMagic) {
        InputFiles.requireRegular(file, "IDX file");
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16))) {
            int magic = data.readInt();
            if (magic != expectedMagic) {
                throw new InvalidInputException(file + ": not an IDX file of unsigned bytes with "
                        + (expectedMagic & 0xff) + " dimensions (magic 0x" + Integer.toHexString(magic) + ")");
            }
            int rank = expectedMagic & 0xff;
            byte[] dims = new byte[4 * rank];
            data.readFully(dims);
            long total = 1;
            for (int i = 0; i < rank; i++) {
                int d = toInt(dims, 4 * i);
                if (d <= 0) {
                    throw new InvalidInputException(file + ": dimension " + i + " is " + d);
                }
                total *= d;
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new InvalidInputException(file + ": " + total + " values is more than Leafwalk reads");
            }
            byte[] values = new byte[(int) total];
            try {
                data.readFully(values);
            } catch (EOFException e) {
                throw new InvalidInputException(file + ": truncated (the header promises " + total
                        + " values)", e);
            }
            if (data.read() != -1) {
                throw new InvalidInputException(file + ": has bytes after the " + total + " values its header promises");
            }
            return new byte[][] {dims, values};
        } catch (EOFException e) {
            throw new InvalidInputException(file + ": truncated header", e);
        } catch (java.util.zip.ZipException e) {
            throw new InvalidInputException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static int toInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** Writes an unsigned-byte IDX file (for tests and data subsets). */
    public static void write(Path file, int[] dims, byte[] values) {
        var out = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        out.putInt(0x00000800 | dims.length);
        for (int d : dims) {
            out.putInt(d);
        }
        out.put(values);
        AtomicFiles.write(file, out.array());
    }
}
