package org.gse.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.gse.model.PickleReader.PickleException;
import org.gse.model.PickleReader.StorageRef;
import org.gse.model.PickleReader.TensorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads PyTorch {@code torch.save} files ({@code .pt}, {@code .pth}, {@code .bin}) without Python. Since torch 1.6
 * these are zip archives: {@code <prefix>/data.pkl} is a pickle of the saved object in which each tensor is a call
 * to {@code torch._utils._rebuild_tensor_v2} on a storage given by persistent id, {@code <prefix>/data/<key>} holds
 * each storage's raw bytes, {@code <prefix>/version} the format version and, from torch 2.0, {@code byteorder} the
 * storages' byte order. The pickle is interpreted by {@link PickleReader}, which refuses every global outside
 * torch's tensor machinery, so loading an untrusted checkpoint cannot execute code.
 *
 * <p>Tensors are read lazily: {@link #root()} holds {@link TensorRef}s and only those turned into {@link Tensor}s
 * (for a training checkpoint, the model's state dict, not the optimizer's moments) are read from the archive.
 * Storage offsets and strides are honoured; non-contiguous views are copied element by element. All dtypes are
 * converted to float32.
 *
 * <p>The pre-1.6 format (a stream of pickles, {@code _use_new_zipfile_serialization=False}) is detected and
 * refused with instructions to re-save the file.
 */
public final class TorchCheckpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TorchCheckpoint.class);

    /** The keys under which training checkpoints keep the model weights, in the order they are tried. */
    public static final List<String> STATE_DICT_KEYS = List.of("model_state_dict", "state_dict", "model");

    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c,
        0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final ByteOrder order;
    private final Object root;

    private TorchCheckpoint(Path file, ZipFile zip, String prefix, ByteOrder order, Object root) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        this.order = order;
        this.root = root;
    }

    /** Opens {@code file} and interprets its pickle; tensor data is read later, on demand. */
    public static TorchCheckpoint open(Path file) throws IOException {
        checkFormat(file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw CheckpointException.of(file, "corrupt PyTorch zip archive: " + e.getMessage(), e);
        }
        try {
            String prefix = findPrefix(file, zip);
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null) {
                String value = new String(readEntry(zip, byteorder), StandardCharsets.US_ASCII).strip();
                if (value.equals("big")) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (!value.equals("little")) {
                    throw CheckpointException.of(file, "unknown byteorder record '" + value + "'");
                }
            }
            ZipEntry version = zip.getEntry(prefix + "version");
            if (version != null) {
                LOG.debug("{}: torch archive '{}', format version {}", file, prefix,
                        new String(readEntry(zip, version), StandardCharsets.US_ASCII).strip());
            }
            Object root;
            try {
                root = PickleReader.load(readEntry(zip, zip.getEntry(prefix + "data.pkl")));
            } catch (PickleException e) {
                throw CheckpointException.of(file, e.getMessage(), e);
            }
            return new TorchCheckpoint(file, zip, prefix, order, root);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** Reads the model state dict of {@code file}; see {@link #stateDict()}. */
    public static Map<String, Tensor> readStateDict(Path file) throws IOException {
        try (TorchCheckpoint checkpoint = open(file)) {
            return checkpoint.stateDict();
        }
    }

    /** The unpickled object, with tensors as {@link TensorRef}s. */
    public Object root() {
        return root;
    }

    /**
     * Returns the model weights as float32 tensors, in pickle order: the top-level dict when it holds tensors
     * (a plain {@code torch.save(model.state_dict())}), otherwise the dict under the first of
     * {@link #STATE_DICT_KEYS} that holds one (the GSE release keeps it under {@code model_state_dict}, beside
     * {@code epoch} and {@code optimizer_state_dict}, which are skipped and logged at debug level). Entries that are
     * not tensors are skipped.
     */
    public Map<String, Tensor> stateDict() throws IOException {
        Map<String, TensorRef> refs = stateDictRefs();
        Map<String, Integer> uses = new HashMap<>();
        for (TensorRef ref : refs.values()) {
            uses.merge(ref.storage().key(), 1, Integer::sum);
        }
        Map<String, byte[]> cache = new HashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> entry : refs.entrySet()) {
            TensorRef ref = entry.getValue();
            String key = ref.storage().key();
            byte[] storage = cache.containsKey(key) ? cache.get(key) : storageBytes(ref.storage());
            if (uses.merge(key, -1, Integer::sum) > 0) {
                cache.put(key, storage);
            } else {
                cache.remove(key);
            }
            tensors.put(entry.getKey(), materialise(entry.getKey(), ref, storage));
        }
        return tensors;
    }

    /** As {@link #stateDict()} without reading any data: the tensor descriptions. */
    public Map<String, TensorRef> stateDictRefs() throws CheckpointException {
        if (!(root instanceof Map<?, ?> top)) {
            throw CheckpointException.of(file, "contains a " + describe(root) + ", not a state dict");
        }
        Map<?, ?> dict = top;
        String where = "the top level";
        if (!holdsTensors(top)) {
            dict = null;
            for (String key : STATE_DICT_KEYS) {
                if (top.get(key) instanceof Map<?, ?> inner && holdsTensors(inner)) {
                    dict = inner;
                    where = "'" + key + "'";
                    break;
                }
            }
            if (dict == null) {
                throw CheckpointException.of(file, "no state dict found: the top level contains no tensors and none of "
                        + STATE_DICT_KEYS + " is a dict of tensors (top-level keys: " + top.keySet() + ")");
            }
            for (Object key : top.keySet()) {
                if (top.get(key) != dict) {
                    LOG.debug("{}: ignoring top-level entry '{}' ({})", file, key, summary(top.get(key)));
                }
            }
        }
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : dict.entrySet()) {
            if (!(entry.getKey() instanceof String name)) {
                throw CheckpointException.of(file, "state dict key " + entry.getKey() + " is not a string");
            }
            if (entry.getValue() instanceof TensorRef ref) {
                refs.put(name, ref);
            } else {
                LOG.debug("{}: skipping non-tensor state dict entry '{}' ({})", file, name, summary(entry.getValue()));
            }
        }
        LOG.debug("{}: {} tensors in {}", file, refs.size(), where);
        return refs;
    }

    /** Reads one tensor described in {@link #root()}. */
    public Tensor tensor(String name, TensorRef ref) throws IOException {
        return materialise(name, ref, storageBytes(ref.storage()));
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    // ------------------------------------------------------------------------------------------------------------

    private static void checkFormat(Path file) throws IOException {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw CheckpointException.of(file, "file not found", e);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return;
        }
        boolean legacy = n >= LEGACY_MAGIC.length;
        for (int i = 0; legacy && i < LEGACY_MAGIC.length; i++) {
            legacy = head[i] == LEGACY_MAGIC[i];
        }
        boolean tar = n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        if (legacy || tar) {
            throw CheckpointException.of(file, "this is the legacy (torch < 1.6) serialization format, which is not"
                    + " supported. Re-save it with torch >= 1.6: python3 -c \"import torch;"
                    + " torch.save(torch.load('OLD.pt', map_location='cpu'), 'NEW.pt')\"");
        }
        if (n >= 8 && head[0] != 0 && head[7] == 0 && head[8] == '{') {
            throw CheckpointException.of(file, "this looks like a safetensors file; name it *.safetensors");
        }
        throw CheckpointException.of(file, "not a PyTorch checkpoint (neither a torch.save zip archive nor the"
                + " legacy format)");
    }

    private static String findPrefix(Path file, ZipFile zip) throws IOException {
        String prefix = null;
        boolean torchScript = false;
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            if (name.endsWith("data.pkl") && (name.equals("data.pkl") || name.indexOf('/') == name.length() - 9)) {
                prefix = name.substring(0, name.length() - "data.pkl".length());
            }
            if (name.endsWith("constants.pkl") || name.contains("/code/")) {
                torchScript = true;
            }
        }
        if (prefix == null) {
            throw CheckpointException.of(file, "zip archive without data.pkl: not a torch.save checkpoint");
        }
        if (torchScript) {
            LOG.warn("{}: looks like a TorchScript archive; reading its data.pkl as a state dict", file);
        }
        return prefix;
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    private byte[] storageBytes(StorageRef storage) throws IOException {
        ZipEntry entry = zip.getEntry(prefix + "data/" + storage.key());
        if (entry == null) {
            throw CheckpointException.of(file, "storage " + storage.key() + " is missing from the archive (expected "
                    + prefix + "data/" + storage.key() + ")");
        }
        long needed = storage.numel() * storage.type().bytes;
        if (entry.getSize() >= 0 && entry.getSize() < needed) {
            throw CheckpointException.of(file, "storage " + storage.key() + " has " + entry.getSize()
                    + " bytes, its " + storage.numel() + " " + storage.type() + " elements need " + needed);
        }
        byte[] bytes = readEntry(zip, entry);
        if (bytes.length < needed) {
            throw CheckpointException.of(file, "storage " + storage.key() + " is truncated: " + bytes.length
                    + " of " + needed + " bytes");
        }
        return bytes;
    }

    private Tensor materialise(String name, TensorRef ref, byte[] storage) throws CheckpointException {
        long count = ref.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw CheckpointException.of(file, "tensor " + name + " has " + count + " elements, too many for one array");
        }
        long last = ref.offset();
        for (int i = 0; i < ref.shape().length; i++) {
            if (ref.stride()[i] < 0) {
                throw CheckpointException.of(file, "tensor " + name + " has a negative stride");
            }
            last += (ref.shape()[i] - 1) * ref.stride()[i];
        }
        if (count > 0 && (ref.offset() < 0 || last >= ref.storage().numel())) {
            throw CheckpointException.of(file, "tensor " + name + " " + ref.shapeString() + " at offset "
                    + ref.offset() + " reaches element " + last + " of a storage of " + ref.storage().numel());
        }
        ByteBuffer buffer = ByteBuffer.wrap(storage).order(order);
        PickleReader.StorageType type = ref.storage().type();
        float[] out = new float[(int) count];
        if (ref.isContiguous() && type == PickleReader.StorageType.FLOAT) {
            buffer.slice(Math.toIntExact(ref.offset() * 4), out.length * 4).order(order).asFloatBuffer().get(out);
        } else if (ref.isContiguous()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = element(buffer, type, ref.offset() + i);
            }
        } else {
            int rank = ref.shape().length;
            long[] index = new long[rank];
            long position = ref.offset();
            for (int i = 0; i < out.length; i++) {
                out[i] = element(buffer, type, position);
                for (int d = rank - 1; d >= 0; d--) {
                    index[d]++;
                    position += ref.stride()[d];
                    if (index[d] < ref.shape()[d]) {
                        break;
                    }
                    position -= index[d] * ref.stride()[d];
                    index[d] = 0;
                }
            }
        }
        return new Tensor(ref.shape().clone(), out);
    }

    private static float element(ByteBuffer buffer, PickleReader.StorageType type, long index) {
        int at = Math.toIntExact(index * type.bytes);
        return switch (type) {
            case FLOAT -> buffer.getFloat(at);
            case HALF -> Float.float16ToFloat(buffer.getShort(at));
            case BFLOAT16 -> Safetensors.bfloat16ToFloat(buffer.getShort(at));
            case DOUBLE -> (float) buffer.getDouble(at);
            case LONG -> buffer.getLong(at);
            case INT -> buffer.getInt(at);
            case SHORT -> buffer.getShort(at);
            case CHAR -> buffer.get(at);
            case BYTE, BOOL -> Byte.toUnsignedInt(buffer.get(at));
        };
    }

    private static boolean holdsTensors(Map<?, ?> map) {
        for (Object value : map.values()) {
            if (value instanceof TensorRef) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Object value) {
        return value == null ? "None" : value.getClass().getSimpleName();
    }

    private static String summary(Object value) {
        if (value instanceof Map<?, ?> map) {
            return "dict of " + map.size();
        }
        if (value instanceof List<?> list) {
            return "list of " + list.size();
        }
        if (value instanceof TensorRef ref) {
            return "tensor " + ref.shapeString();
        }
        String text = String.valueOf(value);
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    /** Lists the storages the archive holds, for diagnostics. */
    public List<String> storageKeys() {
        List<String> keys = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            if (name.startsWith(prefix + "data/")) {
                keys.add(name.substring(prefix.length() + 5));
            }
        }
        return keys;
    }
}
