package org.gse.model;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A safe interpreter for the subset of the Python pickle format (protocols 2 to 4) that {@code torch.save} writes
 * for state dicts and training checkpoints. It never imports or calls anything: {@code GLOBAL} is checked against a
 * fixed allow-list ({@code collections.OrderedDict}, torch's tensor-rebuild functions and storage classes) and any
 * other name is an error naming it, so a checkpoint holding {@code os.system} or any other callable is rejected
 * before it could do anything.
 *
 * <p>Python values map to: {@code str} → {@link String}, {@code int} → {@link Long} (or {@link BigInteger} when it
 * does not fit), {@code float} → {@link Double}, {@code bool} → {@link Boolean}, {@code None} → {@code null},
 * {@code list} → {@link List}, {@code tuple} → {@link Tuple}, {@code dict}/{@code OrderedDict} → {@link Map} in
 * insertion order, {@code bytes} → {@code byte[]}, a tensor → a {@link TensorRef} (its data is not read here), a
 * storage persistent id → a {@link StorageRef}.
 */
public final class PickleReader {

    /** A Python tuple; equality by value so tuples can be dictionary keys. */
    public record Tuple(List<Object> items) {

        public Object get(int index) {
            return items.get(index);
        }

        public int size() {
            return items.size();
        }
    }

    /** A {@code GLOBAL module name} reference that passed the allow-list; nothing is imported. */
    public record Global(String module, String name) {

        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** The element types of torch storages. */
    public enum StorageType {
        FLOAT(4), HALF(2), BFLOAT16(2), DOUBLE(8), LONG(8), INT(4), SHORT(2), CHAR(1), BYTE(1), BOOL(1);

        public final int bytes;

        StorageType(int bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * A storage named by a persistent id {@code ('storage', torch.FloatStorage, key, location, numel)}: its data
     * is the zip entry {@code <prefix>/data/<key>}.
     */
    public record StorageRef(String key, StorageType type, String location, long numel) {}

    /**
     * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view of a storage.
     *
     * @param storage the storage it views
     * @param offset storage offset, in elements
     * @param shape dimensions
     * @param stride element strides
     * @param requiresGrad as saved
     */
    public record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride, boolean requiresGrad) {

        public long elementCount() {
            return Tensor.elementCount(shape);
        }

        /** Returns true when the elements are laid out densely in row-major order. */
        public boolean isContiguous() {
            long expected = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                if (shape[i] != 1 && stride[i] != expected) {
                    return false;
                }
                expected *= shape[i];
            }
            return true;
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    /** A pickle that cannot be read: malformed, truncated, or using something outside the supported subset. */
    public static final class PickleException extends RuntimeException {
        PickleException(String message) {
            super(message);
        }
    }

    private static final Map<String, StorageType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", StorageType.FLOAT),
            Map.entry("HalfStorage", StorageType.HALF),
            Map.entry("BFloat16Storage", StorageType.BFLOAT16),
            Map.entry("DoubleStorage", StorageType.DOUBLE),
            Map.entry("LongStorage", StorageType.LONG),
            Map.entry("IntStorage", StorageType.INT),
            Map.entry("ShortStorage", StorageType.SHORT),
            Map.entry("CharStorage", StorageType.CHAR),
            Map.entry("ByteStorage", StorageType.BYTE),
            Map.entry("BoolStorage", StorageType.BOOL));

    private static final Set<String> FUNCTIONS = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state");

    /** The names {@code GLOBAL} may refer to; everything else is rejected. */
    public static boolean isAllowed(String module, String name) {
        return FUNCTIONS.contains(module + "." + name) || (module.equals("torch") && STORAGES.containsKey(name));
    }

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Function<Tuple, Object> persistentLoad;

    private PickleReader(byte[] bytes, Function<Tuple, Object> persistentLoad) {
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoad = persistentLoad;
    }

    /** Interprets a pickle written by {@code torch.save}; storages become {@link StorageRef}s. */
    public static Object load(byte[] pickle) {
        return new PickleReader(pickle, PickleReader::torchPersistentLoad).run();
    }

    private static Object torchPersistentLoad(Tuple pid) {
        if (pid.size() != 5 || !"storage".equals(pid.get(0))) {
            throw new PickleException("unsupported persistent id " + pid + " (expected ('storage', type, key,"
                    + " location, numel))");
        }
        if (!(pid.get(1) instanceof Global type) || !type.module().equals("torch")
                || !STORAGES.containsKey(type.name())) {
            throw new PickleException("unsupported storage type " + pid.get(1));
        }
        if (!(pid.get(2) instanceof String key) || !(pid.get(3) instanceof String location)
                || !(pid.get(4) instanceof Long numel)) {
            throw new PickleException("malformed storage persistent id " + pid);
        }
        return new StorageRef(key, STORAGES.get(type.name()), location, numel);
    }

    // ------------------------------------------------------------------------------------------------------------

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) {
                throw new PickleException("truncated pickle: no STOP opcode");
            }
            int position = in.position();
            int opcode = in.get() & 0xff;
            try {
                if (step(opcode)) {
                    if (stack.size() != 1) {
                        throw new PickleException("STOP with " + stack.size() + " values on the stack");
                    }
                    return stack.getFirst();
                }
            } catch (java.nio.BufferUnderflowException e) {
                throw new PickleException("truncated pickle inside opcode 0x" + Integer.toHexString(opcode)
                        + " at byte " + position);
            } catch (PickleException e) {
                throw new PickleException(e.getMessage() + " (opcode 0x" + Integer.toHexString(opcode) + " at byte "
                        + position + ")");
            }
        }
    }

    /** Executes one opcode; returns true on STOP. */
    private boolean step(int opcode) {
        switch (opcode) {
            case 0x80 -> { // PROTO
                int protocol = in.get() & 0xff;
                if (protocol > 5) {
                    throw new PickleException("unsupported pickle protocol " + protocol);
                }
            }
            case 0x95 -> in.getLong(); // FRAME: a length hint only
            case '.' -> { // STOP
                return true;
            }
            case '(' -> { // MARK
                marks.add(stack.size());
                stack.add(MARK);
            }
            case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
            case ']' -> push(new ArrayList<>()); // EMPTY_LIST
            case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
            case 'N' -> push(null); // NONE
            case 0x88 -> push(Boolean.TRUE); // NEWTRUE
            case 0x89 -> push(Boolean.FALSE); // NEWFALSE
            case 'J' -> push((long) in.getInt()); // BININT
            case 'K' -> push((long) (in.get() & 0xff)); // BININT1
            case 'M' -> push((long) (in.getShort() & 0xffff)); // BININT2
            case 0x8a -> push(readLong(in.get() & 0xff)); // LONG1
            case 0x8b -> push(readLong(checkedLength(in.getInt()))); // LONG4
            case 'G' -> push(in.duplicate().order(ByteOrder.BIG_ENDIAN).getDouble(advance(8))); // BINFLOAT
            case 'X' -> push(readString(checkedLength(in.getInt()))); // BINUNICODE
            case 0x8c -> push(readString(in.get() & 0xff)); // SHORT_BINUNICODE
            case 0x8d -> push(readString(checkedLength(in.getLong()))); // BINUNICODE8
            case 'T' -> push(readString(checkedLength(in.getInt()))); // BINSTRING (Python 2 str)
            case 'U' -> push(readString(in.get() & 0xff)); // SHORT_BINSTRING
            case 'B' -> push(readBytes(checkedLength(in.getInt()))); // BINBYTES
            case 'C' -> push(readBytes(in.get() & 0xff)); // SHORT_BINBYTES
            case 0x8e -> push(readBytes(checkedLength(in.getLong()))); // BINBYTES8
            case 't' -> push(new Tuple(popToMark())); // TUPLE
            case 0x85 -> push(new Tuple(List.of(pop()))); // TUPLE1
            case 0x86 -> { // TUPLE2
                Object b = pop();
                Object a = pop();
                push(new Tuple(Arrays.asList(a, b)));
            }
            case 0x87 -> { // TUPLE3
                Object c = pop();
                Object b = pop();
                Object a = pop();
                push(new Tuple(Arrays.asList(a, b, c)));
            }
            case 'l' -> push(new ArrayList<>(popToMark())); // LIST
            case 'd' -> { // DICT
                List<Object> items = popToMark();
                Map<Object, Object> map = new LinkedHashMap<>();
                putPairs(map, items);
                push(map);
            }
            case 'a' -> { // APPEND
                Object value = pop();
                asList(peek()).add(value);
            }
            case 'e' -> { // APPENDS
                List<Object> items = popToMark();
                asList(peek()).addAll(items);
            }
            case 's' -> { // SETITEM
                Object value = pop();
                Object key = pop();
                asMap(peek()).put(key, value);
            }
            case 'u' -> { // SETITEMS
                List<Object> items = popToMark();
                putPairs(asMap(peek()), items);
            }
            case 'c' -> { // GLOBAL
                String module = readLine();
                String name = readLine();
                push(global(module, name));
            }
            case 0x93 -> { // STACK_GLOBAL
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("STACK_GLOBAL needs two strings");
                }
                push(global(m, n));
            }
            case 'R' -> { // REDUCE
                Object args = pop();
                Object callable = pop();
                if (!(args instanceof Tuple tuple)) {
                    throw new PickleException("REDUCE arguments are not a tuple");
                }
                push(call(callable, tuple));
            }
            case 'b' -> { // BUILD
                Object state = pop();
                build(peek(), state);
            }
            case 'Q' -> { // BINPERSID
                Object pid = pop();
                if (!(pid instanceof Tuple tuple)) {
                    throw new PickleException("persistent id is not a tuple: " + describe(pid));
                }
                push(persistentLoad.apply(tuple));
            }
            case 'q' -> memo.put((long) (in.get() & 0xff), peek()); // BINPUT
            case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek()); // LONG_BINPUT
            case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
            case 'h' -> push(memoGet(in.get() & 0xff)); // BINGET
            case 'j' -> push(memoGet(in.getInt() & 0xffffffffL)); // LONG_BINGET
            case '0' -> pop(); // POP
            case '2' -> push(peek()); // DUP
            case '1' -> popToMark(); // POP_MARK
            default -> throw new PickleException("unsupported pickle opcode 0x" + Integer.toHexString(opcode)
                    + (opcode >= 0x20 && opcode < 0x7f ? " ('" + (char) opcode + "')" : "")
                    + "; this reader handles the subset torch.save writes for state dicts");
        }
        return false;
    }

    private Object global(String module, String name) {
        if (!isAllowed(module, name)) {
            throw new PickleException("refusing to load global " + module + "." + name + ": only "
                    + "collections.OrderedDict, torch tensor rebuild functions and torch storage types are allowed"
                    + " in a checkpoint (it may be malicious, or hold objects other than tensors)");
        }
        return new Global(module, name);
    }

    private Object call(Object callable, Tuple args) {
        if (!(callable instanceof Global global)) {
            throw new PickleException("REDUCE on a value that is not an allowed global: " + describe(callable));
        }
        switch (global.toString()) {
            case "collections.OrderedDict" -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
                    for (Object pair : pairs) {
                        if (!(pair instanceof Tuple t) || t.size() != 2) {
                            throw new PickleException("OrderedDict items are not pairs");
                        }
                        map.put(t.get(0), t.get(1));
                    }
                } else if (args.size() != 0) {
                    throw new PickleException("unsupported OrderedDict arguments " + describe(args));
                }
                return map;
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args.size() < 6 || !(args.get(0) instanceof StorageRef storage)
                        || !(args.get(1) instanceof Long offset) || !(args.get(2) instanceof Tuple size)
                        || !(args.get(3) instanceof Tuple stride) || !(args.get(4) instanceof Boolean grad)) {
                    throw new PickleException("malformed _rebuild_tensor_v2 arguments " + describe(args));
                }
                long[] shape = longs(size, "size");
                long[] strides = longs(stride, "stride");
                if (shape.length != strides.length) {
                    throw new PickleException("tensor size " + size + " and stride " + stride + " differ in rank");
                }
                return new TensorRef(storage, offset, shape, strides, grad);
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                if (args.size() < 1 || !(args.get(0) instanceof TensorRef data)) {
                    throw new PickleException("malformed _rebuild_parameter arguments " + describe(args));
                }
                return data;
            }
            default -> throw new PickleException("global " + global + " cannot be called");
        }
    }

    private static void build(Object target, Object state) {
        // OrderedDict state is its __dict__ (the state dict's _metadata); tensors may carry Python attributes.
        // Neither affects the values, so the state is dropped.
        if (!(target instanceof Map) && !(target instanceof TensorRef)) {
            throw new PickleException("BUILD on unsupported object " + describe(target));
        }
    }

    private static long[] longs(Tuple tuple, String what) {
        long[] out = new long[tuple.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(tuple.get(i) instanceof Long value)) {
                throw new PickleException("tensor " + what + " " + tuple + " contains a non-integer");
            }
            out[i] = value;
        }
        return out;
    }

    private static void putPairs(Map<Object, Object> map, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw new PickleException("odd number of items for a dict");
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(items.get(i), items.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new PickleException("APPEND to a " + describe(value));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<Object, Object>) map;
        }
        throw new PickleException("SETITEM on a " + describe(value));
    }

    private static String describe(Object value) {
        return value == null ? "None" : value.getClass().getSimpleName() + " " + value;
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object pop() {
        if (stack.isEmpty() || stack.getLast() == MARK) {
            throw new PickleException("stack underflow");
        }
        return stack.removeLast();
    }

    private Object peek() {
        if (stack.isEmpty() || stack.getLast() == MARK) {
            throw new PickleException("stack underflow");
        }
        return stack.getLast();
    }

    private List<Object> popToMark() {
        if (marks.isEmpty()) {
            throw new PickleException("no MARK on the stack");
        }
        int mark = marks.removeLast();
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) {
            throw new PickleException("memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    private int advance(int count) {
        int position = in.position();
        if (count > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        in.position(position + count);
        return position;
    }

    private int checkedLength(long length) {
        if (length < 0 || length > in.remaining()) {
            throw new PickleException("length " + length + " runs past the end of the pickle");
        }
        return (int) length;
    }

    private String readString(int length) {
        int start = advance(length);
        return new String(in.array(), start, length, StandardCharsets.UTF_8);
    }

    private byte[] readBytes(int length) {
        int start = advance(length);
        return Arrays.copyOfRange(in.array(), start, start + length);
    }

    private String readLine() {
        int start = in.position();
        while (in.hasRemaining()) {
            if (in.get() == '\n') {
                return new String(in.array(), start, in.position() - start - 1, StandardCharsets.UTF_8);
            }
        }
        throw new PickleException("unterminated GLOBAL name");
    }

    /** Reads a little-endian two's-complement integer of {@code length} bytes. */
    private Object readLong(int length) {
        if (length == 0) {
            return 0L;
        }
        byte[] little = readBytes(length);
        byte[] big = new byte[length];
        for (int i = 0; i < length; i++) {
            big[i] = little[length - 1 - i];
        }
        BigInteger value = new BigInteger(big);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }
}
