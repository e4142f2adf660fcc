package org.gse.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message assembled field by field and serialised with {@link CodedOutputStream}, without generated
 * classes. Sizes are computed before writing, so a message with gigabytes of float data streams straight to a
 * file: float arrays are kept as Java arrays and written as {@code bytes} fields (little-endian) on the fly.
 *
 * <p>Only the wire types that ONNX needs: varint ({@code int64}, {@code int32}, enums), 32-bit ({@code float}),
 * length-delimited ({@code string}, {@code bytes}, packed repeated {@code int64}, nested messages).
 */
final class ProtoMessage {

    private sealed interface Field permits Varint, Fixed32, Bytes, Floats, Packed, Nested {}

    private record Varint(int number, long value) implements Field {}

    private record Fixed32(int number, float value) implements Field {}

    private record Bytes(int number, ByteString value) implements Field {}

    /** A {@code bytes} field holding float32 values, little-endian, written without an intermediate copy. */
    private record Floats(int number, float[] values) implements Field {}

    private record Packed(int number, long[] values) implements Field {}

    private record Nested(int number, ProtoMessage value) implements Field {}

    private final List<Field> fields = new ArrayList<>();
    private int cachedSize = -1;

    ProtoMessage int64(int number, long value) {
        return add(new Varint(number, value));
    }

    ProtoMessage float32(int number, float value) {
        return add(new Fixed32(number, value));
    }

    ProtoMessage string(int number, String value) {
        return add(new Bytes(number, ByteString.copyFromUtf8(value)));
    }

    ProtoMessage bytes(int number, byte[] value) {
        return add(new Bytes(number, ByteString.copyFrom(value)));
    }

    /** A {@code bytes} field with {@code values} as little-endian float32 (ONNX {@code raw_data}). */
    ProtoMessage floatBytes(int number, float[] values) {
        return add(new Floats(number, values));
    }

    /** A packed repeated varint field (ONNX {@code dims}, {@code ints}). */
    ProtoMessage packed(int number, long[] values) {
        return add(new Packed(number, values));
    }

    ProtoMessage message(int number, ProtoMessage value) {
        return add(new Nested(number, value));
    }

    private ProtoMessage add(Field field) {
        fields.add(field);
        cachedSize = -1;
        return this;
    }

    /** Returns the serialised size in bytes. */
    long size() {
        if (cachedSize >= 0) {
            return cachedSize;
        }
        long size = 0;
        for (Field field : fields) {
            size += switch (field) {
                case Varint v -> CodedOutputStream.computeInt64Size(v.number(), v.value());
                case Fixed32 f -> CodedOutputStream.computeFloatSize(f.number(), f.value());
                case Bytes b -> CodedOutputStream.computeBytesSize(b.number(), b.value());
                case Floats f -> delimited(f.number(), 4L * f.values().length);
                case Packed p -> delimited(p.number(), packedLength(p.values()));
                case Nested n -> delimited(n.number(), n.value().size());
            };
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalStateException("protobuf message of " + size + " bytes exceeds the 2 GiB limit; "
                    + "ONNX models this large need external data");
        }
        cachedSize = (int) size;
        return size;
    }

    void writeTo(CodedOutputStream out) throws IOException {
        for (Field field : fields) {
            switch (field) {
                case Varint v -> out.writeInt64(v.number(), v.value());
                case Fixed32 f -> out.writeFloat(f.number(), f.value());
                case Bytes b -> out.writeBytes(b.number(), b.value());
                case Floats f -> {
                    out.writeTag(f.number(), 2);
                    out.writeUInt32NoTag(Math.toIntExact(4L * f.values().length));
                    writeFloats(out, f.values());
                }
                case Packed p -> {
                    out.writeTag(p.number(), 2);
                    out.writeUInt32NoTag(Math.toIntExact(packedLength(p.values())));
                    for (long value : p.values()) {
                        out.writeInt64NoTag(value);
                    }
                }
                case Nested n -> {
                    out.writeTag(n.number(), 2);
                    out.writeUInt32NoTag(Math.toIntExact(n.value().size()));
                    n.value().writeTo(out);
                }
            }
        }
    }

    private static void writeFloats(CodedOutputStream out, float[] values) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        while (i < values.length) {
            chunk.clear();
            int n = Math.min(values.length - i, chunk.capacity() / 4);
            chunk.asFloatBuffer().put(values, i, n);
            out.writeRawBytes(chunk.array(), 0, n * 4);
            i += n;
        }
    }

    private static long packedLength(long[] values) {
        long length = 0;
        for (long value : values) {
            length += CodedOutputStream.computeInt64SizeNoTag(value);
        }
        return length;
    }

    private static long delimited(int number, long length) {
        return CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt32SizeNoTag((int) length)
                + length;
    }
}
