package org.gse.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes NumPy {@code .npy} files (format 1.0, C order, little-endian float32 or int64) that {@code numpy.load}
 * reads, atomically. {@link org.gse.model.Npy} reads them back.
 */
public final class NpyWriter {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private NpyWriter() {}

    /** Writes a float32 array of the given shape, atomically (temporary file, then rename). */
    public static void writeFloats(Path file, long[] shape, float[] values) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        write(file, "<f4", shape, data.array(), values.length);
    }

    /** Writes an int64 array of the given shape, atomically. */
    public static void writeLongs(Path file, long[] shape, long[] values) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        data.asLongBuffer().put(values);
        write(file, "<i8", shape, data.array(), values.length);
    }

    private static void write(Path file, String dtype, long[] shape, byte[] data, int count) throws IOException {
        long expected = 1;
        for (long d : shape) {
            expected *= d;
        }
        if (expected != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + expected
                    + " values, got " + count);
        }
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (dims.isEmpty() ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int unpadded = 10 + header.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        header = header + " ".repeat(padding) + "\n";
        byte[] headerBytes = header.getBytes(StandardCharsets.ISO_8859_1);
        AtomicFiles.write(file, out -> {
            out.write(MAGIC);
            out.write(1);
            out.write(0);
            out.write(headerBytes.length & 0xFF);
            out.write((headerBytes.length >> 8) & 0xFF);
            out.write(headerBytes);
            out.write(data);
        });
    }
}
