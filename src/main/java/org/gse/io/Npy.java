package org.gse.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0 to 3.0, C order). Reading accepts little-endian
 * float32, float64, int32 and int64 and returns values widened or narrowed to the requested Java type; writing
 * produces float32 or int64 arrays that {@code numpy.load} reads.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** An array read from a file: its shape, NumPy dtype string and raw little-endian values. */
    public record Array(long[] shape, String dtype, ByteBuffer data) {

        /** Returns the number of elements. */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** Returns the values as float32 (float64 and integers are converted). */
        public float[] floats() {
            int n = Math.toIntExact(size());
            float[] out = new float[n];
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            switch (kind()) {
                case "f4" -> b.asFloatBuffer().get(out);
                case "f8" -> { for (int i = 0; i < n; i++) { out[i] = (float) b.getDouble(i * 8); } }
                case "i4" -> { for (int i = 0; i < n; i++) { out[i] = b.getInt(i * 4); } }
                case "i8" -> { for (int i = 0; i < n; i++) { out[i] = b.getLong(i * 8); } }
                default -> throw new IllegalArgumentException("unsupported npy dtype " + dtype);
            }
            return out;
        }

        /** Returns the values as int64 (integers only). */
        public long[] longs() {
            int n = Math.toIntExact(size());
            long[] out = new long[n];
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            switch (kind()) {
                case "i8" -> b.asLongBuffer().get(out);
                case "i4" -> { for (int i = 0; i < n; i++) { out[i] = b.getInt(i * 4); } }
                default -> throw new IllegalArgumentException("npy dtype " + dtype + " is not an integer type");
            }
            return out;
        }

        private String kind() {
            if (dtype.length() < 3 || dtype.charAt(0) == '>') {
                throw new IllegalArgumentException("unsupported npy dtype " + dtype + " (only little-endian)");
            }
            return dtype.substring(1);
        }
    }

    /** Reads a {@code .npy} file. */
    public static Array read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException(file + ": not a readable .npy file: " + e.getMessage(), e);
        }
    }

    static Array parse(byte[] bytes) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IllegalArgumentException("missing the \\x93NUMPY magic");
        }
        int major = bytes[6];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength;
        int offset;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(b.getShort(8));
            offset = 10;
        } else if (major == 2 || major == 3) {
            headerLength = b.getInt(8);
            offset = 12;
        } else {
            throw new IllegalArgumentException("unsupported format version " + major);
        }
        String header = new String(bytes, offset, headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new IllegalArgumentException("malformed header " + header.strip());
        }
        if (fortran.group(1).equals("True")) {
            throw new IllegalArgumentException("Fortran-order arrays are not supported");
        }
        String[] parts = shape.group(1).split(",");
        long[] dims = Arrays.stream(parts).map(String::strip).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        ByteBuffer data = ByteBuffer.wrap(bytes, offset + headerLength, bytes.length - offset - headerLength)
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        Array array = new Array(dims, descr.group(1).replace('=', '<').replace('|', '<'), data);
        int width = Integer.parseInt(array.dtype().substring(2));
        if ((long) data.remaining() < array.size() * width) {
            throw new IllegalArgumentException("file holds " + data.remaining() + " data bytes, shape "
                    + Arrays.toString(dims) + " needs " + array.size() * width);
        }
        return array;
    }

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
