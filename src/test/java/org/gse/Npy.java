package org.gse;

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
 * Reads the {@code .npy} files that the fixture scripts write with {@code numpy.save}: version 1 or 2 headers,
 * C order, dtype {@code <f4} (float32) or {@code |u1} (uint8).
 *
 * @param dtype the numpy dtype string, for example {@code <f4}
 * @param shape dimensions, outermost first
 * @param data the raw little-endian element bytes
 */
public record Npy(String dtype, int[] shape, byte[] data) {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public static Npy read(Path path) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        buffer.get(magic);
        if (!Arrays.equals(magic, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'})) {
            throw new IOException(path + " is not an .npy file");
        }
        int major = buffer.get();
        buffer.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(buffer.getShort()) : buffer.getInt();

        byte[] headerBytes = new byte[headerLength];
        buffer.get(headerBytes);
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw new IOException(path + ": cannot parse header " + header);
        }
        if (fortran.group(1).equals("True")) {
            throw new IOException(path + ": Fortran order is not supported");
        }

        int[] shape = Arrays.stream(shapeText.group(1).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        byte[] data = new byte[buffer.remaining()];
        buffer.get(data);
        Npy npy = new Npy(descr.group(1), shape, data);
        if (data.length != npy.elementCount() * npy.elementSize()) {
            throw new IOException(path + ": " + data.length + " data bytes for shape " + Arrays.toString(shape)
                    + " and dtype " + npy.dtype);
        }
        return npy;
    }

    public long elementCount() {
        long count = 1;
        for (int dim : shape) {
            count *= dim;
        }
        return count;
    }

    private int elementSize() {
        return switch (dtype) {
            case "<f4" -> 4;
            case "|u1" -> 1;
            default -> throw new IllegalStateException("unsupported dtype " + dtype);
        };
    }

    public float[] floats() {
        if (!dtype.equals("<f4")) {
            throw new IllegalStateException("dtype is " + dtype + ", not <f4");
        }
        float[] values = new float[(int) elementCount()];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    public byte[] bytes() {
        if (!dtype.equals("|u1")) {
            throw new IllegalStateException("dtype is " + dtype + ", not |u1");
        }
        return data.clone();
    }
}
