package org.gse.model;

import org.gse.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the <a href="https://huggingface.co/docs/safetensors">safetensors</a> format: an 8-byte
 * little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the byte buffer that follows the
 * header) plus an optional {@code "__metadata__"} string map, then the raw little-endian tensor bytes.
 *
 * <p>Reading validates the whole header before any data is touched: offsets inside the file, no two tensors
 * overlapping, byte length equal to {@code product(shape) * dtype size}, known dtypes. F32 is read as is; F16 and
 * BF16 are widened to float32 exactly; F64 is rounded to float32; I64, I32, I16, I8, U8 and BOOL are converted to
 * float32 (meant for small integer buffers such as {@code position_ids}). Data is read through a memory mapping
 * that is released as soon as the read returns. Tensors come back in header order.
 *
 * <p>Sharded checkpoints ({@code model.safetensors.index.json} with a {@code weight_map}) are read by
 * {@link #readSharded(Path)}.
 */
public final class Safetensors {

    private static final Logger LOG = LoggerFactory.getLogger(Safetensors.class);

    /** The reference implementation refuses headers above 100 MB; so do we. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** The JSON key of the free-form string map. */
    public static final String METADATA_KEY = "__metadata__";

    /** The name of a sharded checkpoint's index file. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Safetensors() {}

    /** The element types of the format; {@link #bytes} is the size of one element. */
    public enum Dtype {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        public final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        static Dtype parse(String name) {
            for (Dtype dtype : values()) {
                if (dtype.name().equals(name)) {
                    return dtype;
                }
            }
            return null;
        }
    }

    /**
     * One tensor's header entry.
     *
     * @param name tensor name
     * @param dtype element type
     * @param shape dimensions
     * @param begin first byte, relative to the data buffer
     * @param end one past the last byte, relative to the data buffer
     */
    public record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {

        public long elementCount() {
            return Tensor.elementCount(shape);
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    /**
     * A parsed and validated header.
     *
     * @param entries tensors in header order
     * @param metadata the {@code __metadata__} map, empty when absent
     * @param dataStart file position of the data buffer, {@code 8 + N}
     */
    public record Header(Map<String, Entry> entries, Map<String, String> metadata, long dataStart) {}

    /** Reads and validates the header of {@code file}; no tensor data is read. */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel channel = open(file)) {
            return readHeader(file, channel);
        }
    }

    /** Reads every tensor of {@code file}, in header order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return read(file, name -> true);
    }

    /** Reads the tensors of {@code file} whose names pass {@code filter}, in header order. */
    public static Map<String, Tensor> read(Path file, Predicate<String> filter) throws IOException {
        try (FileChannel channel = open(file); Arena arena = Arena.ofConfined()) {
            Header header = readHeader(file, channel);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            long dataBytes = channel.size() - header.dataStart();
            if (dataBytes == 0 || header.entries().isEmpty()) {
                for (Entry entry : header.entries().values()) {
                    if (filter.test(entry.name())) {
                        tensors.put(entry.name(), new Tensor(entry.shape(), new float[0]));
                    }
                }
                return tensors;
            }
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, header.dataStart(), dataBytes, arena);
            for (Entry entry : header.entries().values()) {
                if (filter.test(entry.name())) {
                    tensors.put(entry.name(), decode(file, entry, data.asSlice(entry.begin(), entry.end() - entry.begin())));
                }
            }
            return tensors;
        }
    }

    /**
     * Reads a sharded checkpoint from its {@code model.safetensors.index.json} (or the folder holding it). Every
     * tensor named in {@code weight_map} must be in the shard the map names; a shard holding a tensor the map does
     * not name is an error too. Tensors come back in {@code weight_map} order.
     */
    public static Map<String, Tensor> readSharded(Path index) throws IOException {
        if (Files.isDirectory(index)) {
            index = index.resolve(INDEX_FILE);
        }
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        weightMap.forEach((tensor, shard) -> byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(tensor));
        Map<String, Tensor> all = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Path folder = index.toAbsolutePath().getParent();
        for (Map.Entry<String, List<String>> shard : byShard.entrySet()) {
            Path shardFile = folder.resolve(shard.getKey()).normalize();
            if (!shardFile.startsWith(folder)) {
                throw CheckpointException.of(index, "weight_map names a shard outside the folder: " + shard.getKey());
            }
            if (!Files.exists(shardFile)) {
                throw CheckpointException.of(index, "shard " + shard.getKey() + " named in weight_map does not exist"
                        + " (expected at " + shardFile + ")");
            }
            Map<String, Tensor> tensors = read(shardFile);
            Set<String> listed = new LinkedHashSet<>(shard.getValue());
            for (String name : listed) {
                if (!tensors.containsKey(name)) {
                    problems.add(name + " is mapped to " + shard.getKey() + " but that shard does not hold it");
                }
            }
            for (String name : tensors.keySet()) {
                if (!listed.contains(name)) {
                    problems.add(shard.getKey() + " holds " + name + ", which weight_map "
                            + (weightMap.containsKey(name) ? "maps to " + weightMap.get(name) : "does not name"));
                }
            }
            all.putAll(tensors);
        }
        if (!problems.isEmpty()) {
            throw CheckpointException.of(index, "the shards do not match weight_map:\n  " + String.join("\n  ", problems));
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (String name : weightMap.keySet()) {
            ordered.put(name, all.get(name));
        }
        LOG.debug("read {} tensors from {} shards listed in {}", ordered.size(), byShard.size(), index);
        return ordered;
    }

    /** Reads the {@code weight_map} of a sharded checkpoint's index file, in file order. */
    public static Map<String, String> readWeightMap(Path index) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(index));
        } catch (NoSuchFileException e) {
            throw CheckpointException.of(index, "index file not found", e);
        } catch (JsonProcessingException e) {
            throw CheckpointException.of(index, "index is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw CheckpointException.of(index, "index has no weight_map object");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw CheckpointException.of(index, "weight_map value of " + field.getKey() + " is not a file name");
            }
            weightMap.put(field.getKey(), field.getValue().asText());
        }
        return weightMap;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Header

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw CheckpointException.of(file, "file not found", e);
        }
    }

    private static Header readHeader(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw CheckpointException.of(file, "not a safetensors file: " + size + " bytes, shorter than the 8-byte"
                    + " header length (truncated or empty)");
        }
        ByteBuffer lengthBuffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBuffer, 0, file);
        long headerLength = lengthBuffer.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw CheckpointException.of(file, "not a safetensors file: header length " + Long.toUnsignedString(headerLength)
                    + " is outside 2.." + MAX_HEADER_BYTES + " bytes");
        }
        if (8 + headerLength > size) {
            throw CheckpointException.of(file, "truncated: the header says it is " + headerLength
                    + " bytes but the file has only " + (size - 8) + " after the length");
        }
        ByteBuffer headerBuffer = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBuffer, 8, file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBuffer.flip())
                    .toString();
        } catch (CharacterCodingException e) {
            throw CheckpointException.of(file, "header is not valid UTF-8", e);
        }
        if (!text.startsWith("{")) {
            throw CheckpointException.of(file, "not a safetensors file: the header does not start with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw CheckpointException.of(file, "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw CheckpointException.of(file, "header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataBytes = size - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                parseMetadata(file, field.getValue(), metadata);
            } else {
                entries.put(field.getKey(), parseEntry(file, field.getKey(), field.getValue(), dataBytes));
            }
        }
        checkNoOverlap(file, entries);
        return new Header(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata), dataStart);
    }

    private static void parseMetadata(Path file, JsonNode node, Map<String, String> metadata) throws CheckpointException {
        if (!node.isObject()) {
            throw CheckpointException.of(file, "header " + METADATA_KEY + " is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw CheckpointException.of(file, "header " + METADATA_KEY + "." + field.getKey()
                        + " is not a string");
            }
            metadata.put(field.getKey(), field.getValue().asText());
        }
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataBytes) throws CheckpointException {
        String where = "tensor " + name + ": ";
        if (!node.isObject()) {
            throw CheckpointException.of(file, where + "header entry is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw CheckpointException.of(file, where + "no dtype");
        }
        Dtype dtype = Dtype.parse(dtypeNode.asText());
        if (dtype == null) {
            throw CheckpointException.of(file, where + "unsupported dtype " + dtypeNode.asText()
                    + " (supported: " + Arrays.toString(Dtype.values()) + ")");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw CheckpointException.of(file, where + "no shape array");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode dim = shapeNode.get(i);
            if (!dim.isIntegralNumber() || !dim.canConvertToLong() || dim.asLong() < 0) {
                throw CheckpointException.of(file, where + "shape " + shapeNode + " has a dimension that is not a"
                        + " non-negative integer");
            }
            shape[i] = dim.asLong();
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw CheckpointException.of(file, where + "data_offsets must be [begin, end], got " + offsets);
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw CheckpointException.of(file, where + "data_offsets " + offsets + " are not an ascending pair");
        }
        if (end > dataBytes) {
            throw CheckpointException.of(file, where + "data_offsets " + offsets + " end past the data, which has "
                    + dataBytes + " bytes (truncated or corrupt file)");
        }
        long elements;
        long expectedBytes;
        try {
            elements = Tensor.elementCount(shape);
            expectedBytes = Math.multiplyExact(elements, dtype.bytes);
        } catch (ArithmeticException e) {
            throw CheckpointException.of(file, where + "shape " + Arrays.toString(shape) + " overflows");
        }
        if (end - begin != expectedBytes) {
            throw CheckpointException.of(file, where + "shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + expectedBytes + " bytes but data_offsets " + offsets + " span " + (end - begin));
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw CheckpointException.of(file, where + elements + " elements do not fit one Java array");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void checkNoOverlap(Path file, Map<String, Entry> entries) throws CheckpointException {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        for (Entry entry : sorted) {
            if (entry.begin() == entry.end()) {
                continue;
            }
            if (previous != null && entry.begin() < previous.end()) {
                throw CheckpointException.of(file, "tensors " + previous.name() + " [" + previous.begin() + ", "
                        + previous.end() + ") and " + entry.name() + " [" + entry.begin() + ", " + entry.end()
                        + ") overlap");
            }
            previous = entry;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw CheckpointException.of(file, "truncated: unexpected end of file");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Data

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static Tensor decode(Path file, Entry entry, MemorySegment bytes) throws CheckpointException {
        int n = (int) entry.elementCount();
        float[] out = new float[n];
        switch (entry.dtype()) {
            case F32 -> MemorySegment.copy(bytes, F32_LE, 0, out, 0, n);
            case F16 -> {
                short[] raw = new short[n];
                MemorySegment.copy(bytes, I16_LE, 0, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(raw[i]);
                }
            }
            case BF16 -> {
                short[] raw = new short[n];
                MemorySegment.copy(bytes, I16_LE, 0, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = bfloat16ToFloat(raw[i]);
                }
            }
            case F64 -> {
                double[] raw = new double[n];
                MemorySegment.copy(bytes, F64_LE, 0, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = (float) raw[i];
                }
            }
            case I64 -> {
                long[] raw = new long[n];
                MemorySegment.copy(bytes, I64_LE, 0, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i];
                }
            }
            case I32 -> {
                int[] raw = new int[n];
                MemorySegment.copy(bytes, I32_LE, 0, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i];
                }
            }
            case I16 -> {
                short[] raw = new short[n];
                MemorySegment.copy(bytes, I16_LE, 0, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i];
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = bytes.get(ValueLayout.JAVA_BYTE, i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, i));
                }
            }
            default -> throw CheckpointException.of(file, "tensor " + entry.name() + ": unsupported dtype " + entry.dtype());
        }
        return new Tensor(entry.shape(), out);
    }

    /** Widens a bfloat16 (the upper half of a float32) to float32; exact. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Rounds a float32 to bfloat16, to nearest even, as PyTorch does; NaN stays NaN. */
    public static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Writing

    /** Writes {@code tensors} as float32 with no metadata; see {@link #write(Path, Map, Map, Dtype)}. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of(), Dtype.F32);
    }

    /** Writes {@code tensors} as float32; see {@link #write(Path, Map, Map, Dtype)}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, Dtype.F32);
    }

    /**
     * Writes {@code tensors}, in map order, as {@code dtype} (F32, F16 or BF16, rounding to nearest even), with
     * {@code metadata} as {@code __metadata__} (omitted when empty). The file is written to a temporary file in the
     * same folder, forced to disk, then renamed over {@code file} atomically: a reader never sees half a file, and
     * a crash leaves the previous version in place.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, Dtype dtype)
            throws IOException {
        if (dtype != Dtype.F32 && dtype != Dtype.F16 && dtype != Dtype.BF16) {
            throw new IllegalArgumentException("can write F32, F16 or BF16, not " + dtype);
        }
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            if (entry.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            }
            Tensor tensor = entry.getValue();
            long bytes = (long) tensor.data().length * dtype.bytes;
            ObjectNode info = header.putObject(entry.getKey());
            info.put("dtype", dtype.name());
            ArrayNode shape = info.putArray("shape");
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        Path absolute = file.toAbsolutePath();
        Path folder = absolute.getParent();
        Files.createDirectories(folder);
        Path temp = AtomicFiles.createTempFile(folder, "." + absolute.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                buffer.putLong(headerBytes.length);
                flush(channel, buffer);
                writeAll(channel, ByteBuffer.wrap(headerBytes));
                for (Tensor tensor : tensors.values()) {
                    for (float value : tensor.data()) {
                        if (buffer.remaining() < 4) {
                            flush(channel, buffer);
                        }
                        switch (dtype) {
                            case F32 -> buffer.putFloat(value);
                            case F16 -> buffer.putShort(Float.floatToFloat16(value));
                            default -> buffer.putShort(floatToBfloat16(value));
                        }
                    }
                }
                flush(channel, buffer);
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            LOG.debug("wrote {} tensors ({} data bytes, {}) to {}", tensors.size(), offset, dtype, absolute);
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void flush(FileChannel channel, ByteBuffer buffer) throws IOException {
        buffer.flip();
        writeAll(channel, buffer);
        buffer.clear();
    }

    private static void writeAll(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
