package org.gse.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files (format versions 1 to 3) in C order: the reference inputs and outputs that
 * {@code tools/clip_reference.py} writes. Supports little-endian float32, float64, int64 and int32.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /**
     * An array as read: its dtype descriptor ({@code <f4}, {@code <i8}, ...), its shape and the little-endian
     * data.
     */
    public record Array(String descr, long[] shape, ByteBuffer data) {

        public long size() {
            return Tensor.elementCount(shape);
        }

        /** Returns the values as float32 (float64 rounded, integers converted). */
        public float[] floats() {
            int n = Math.toIntExact(size());
            float[] out = new float[n];
            ByteBuffer d = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (descr) {
                    case "<f4" -> d.getFloat(i * 4);
                    case "<f8" -> (float) d.getDouble(i * 8);
                    case "<i8" -> d.getLong(i * 8);
                    case "<i4" -> d.getInt(i * 4);
                    default -> throw new IllegalStateException("unsupported dtype " + descr);
                };
            }
            return out;
        }

        /** Returns the values as longs; only for integer arrays. */
        public long[] longs() {
            int n = Math.toIntExact(size());
            long[] out = new long[n];
            ByteBuffer d = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (descr) {
                    case "<i8" -> d.getLong(i * 8);
                    case "<i4" -> d.getInt(i * 4);
                    default -> throw new IllegalStateException("not an integer array: " + descr);
                };
            }
            return out;
        }

        /** Returns the array as a float32 {@link Tensor}. */
        public Tensor tensor() {
            return new Tensor(shape, floats());
        }
    }

    /** Reads {@code file}. */
    public static Array read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes.length < 10 || bytes[i] != MAGIC[i]) {
                throw new IOException(file + ": not a .npy file");
            }
        }
        int major = bytes[6];
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(buffer.getShort(8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            headerLength = buffer.getInt(8);
            headerStart = 12;
        } else {
            throw new IOException(file + ": unsupported .npy version " + major);
        }
        String header = new String(bytes, headerStart, headerLength, StandardCharsets.UTF_8);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new IOException(file + ": malformed .npy header " + header.strip());
        }
        if (fortran.group(1).equals("True")) {
            throw new IOException(file + ": Fortran-order arrays are not supported");
        }
        String type = descr.group(1).replace('|', '<');
        int itemSize = switch (type) {
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            default -> throw new IOException(file + ": unsupported dtype " + descr.group(1));
        };
        String[] dims = shape.group(1).split(",");
        long[] dimensions = java.util.Arrays.stream(dims).map(String::strip).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        int dataStart = headerStart + headerLength;
        long expected = Tensor.elementCount(dimensions) * itemSize;
        if (bytes.length - dataStart != expected) {
            throw new IOException(file + ": expected " + expected + " data bytes, found " + (bytes.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new Array(type, dimensions, data);
    }
}
