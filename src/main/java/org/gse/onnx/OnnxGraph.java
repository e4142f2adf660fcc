package org.gse.onnx;

import static org.gse.onnx.OnnxFields.*;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gse.io.AtomicFiles;

/**
 * Builds an ONNX model (one graph, the default opset domain plus optionally {@code com.microsoft}) and writes it
 * as a {@code ModelProto}. Values are named by strings; {@link #op} appends a node and returns the name of its
 * output. Initializers keep their Java arrays until {@link #write}, which streams them as {@code raw_data}.
 */
public final class OnnxGraph {

    /** The ONNX opset this project generates. */
    public static final int OPSET = 17;

    private final String name;
    private final List<ProtoMessage> nodes = new ArrayList<>();
    private final List<ProtoMessage> initializers = new ArrayList<>();
    private final List<ProtoMessage> inputs = new ArrayList<>();
    private final List<ProtoMessage> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private boolean usesMicrosoftDomain;
    private int counter;

    public OnnxGraph(String name) {
        this.name = name;
    }

    /** A named attribute of a node. */
    public record Attribute(String name, Object value) {}

    public static Attribute attr(String name, Object value) {
        return new Attribute(name, value);
    }

    /** Declares a graph input; a dimension is an Integer/Long (fixed) or a String (symbolic, e.g. "batch"). */
    public String input(String name, int elemType, Object... dims) {
        inputs.add(valueInfo(name, elemType, dims));
        return name;
    }

    /** Declares a graph output. */
    public void output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
    }

    /** Records a {@code metadata_props} entry. */
    public void metadata(String key, String value) {
        metadata.put(key, value);
    }

    /** Adds a float32 initializer. */
    public String floats(String name, float[] values, long... dims) {
        initializers.add(tensor(name, DATA_TYPE_FLOAT, dims).floatBytes(TENSOR_RAW_DATA, values));
        return name;
    }

    /** Adds an int64 initializer. */
    public String longs(String name, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensor(name, DATA_TYPE_INT64, dims).bytes(TENSOR_RAW_DATA, raw.array()));
        return name;
    }

    /** Adds an int8 or uint8 initializer. */
    public String bytes(String name, int dataType, byte[] values, long... dims) {
        initializers.add(tensor(name, dataType, dims).bytes(TENSOR_RAW_DATA, values));
        return name;
    }

    /** Adds a float32 scalar initializer with a generated name. */
    public String scalar(float value) {
        return floats(fresh("const"), new float[] {value});
    }

    /** Adds a 1-D int64 initializer with a generated name. */
    public String int64s(long... values) {
        return longs(fresh("shape"), values, values.length);
    }

    /** Appends a node of the default domain with one output, returning the output's name. */
    public String op(String opType, List<String> inputNames, Attribute... attributes) {
        return opMulti("", opType, inputNames, 1, attributes)[0];
    }

    /** Appends a node with {@code outputCount} outputs in {@code domain} ("" for the ONNX default). */
    public String[] opMulti(String domain, String opType, List<String> inputNames, int outputCount,
            Attribute... attributes) {
        String nodeName = fresh(opType);
        String[] outs = new String[outputCount];
        for (int i = 0; i < outputCount; i++) {
            outs[i] = nodeName + (outputCount == 1 ? "" : "_" + i);
        }
        return node(domain, opType, inputNames, List.of(outs), attributes);
    }

    /** Appends a node with explicitly named outputs. */
    public String[] node(String domain, String opType, List<String> inputNames, List<String> outputNames,
            Attribute... attributes) {
        ProtoMessage node = new ProtoMessage();
        for (String in : inputNames) {
            node.string(NODE_INPUT, in);
        }
        for (String out : outputNames) {
            node.string(NODE_OUTPUT, out);
        }
        node.string(NODE_NAME, outputNames.getFirst() + "_node");
        node.string(NODE_OP_TYPE, opType);
        if (!domain.isEmpty()) {
            node.string(NODE_DOMAIN, domain);
            if (domain.equals("com.microsoft")) {
                usesMicrosoftDomain = true;
            }
        }
        for (Attribute attribute : attributes) {
            node.message(NODE_ATTRIBUTE, attribute(attribute));
        }
        nodes.add(node);
        return outputNames.toArray(String[]::new);
    }

    /** Returns a new unique value name with the given prefix. */
    public String fresh(String prefix) {
        return prefix + "_" + (counter++);
    }

    /** Writes the model to {@code file} atomically (temporary file, then rename). */
    public void write(Path file, String producerVersion, String docString) throws IOException {
        ProtoMessage model = toModel(producerVersion, docString);
        AtomicFiles.write(file, out -> writeTo(model, out));
    }

    /** Returns the serialised model as bytes (small models and tests). */
    public byte[] toBytes(String producerVersion, String docString) throws IOException {
        ProtoMessage model = toModel(producerVersion, docString);
        var buffer = new java.io.ByteArrayOutputStream(Math.toIntExact(model.size()));
        writeTo(model, buffer);
        return buffer.toByteArray();
    }

    private static void writeTo(ProtoMessage model, OutputStream out) throws IOException {
        CodedOutputStream coded = CodedOutputStream.newInstance(out, 1 << 16);
        model.writeTo(coded);
        coded.flush();
    }

    private ProtoMessage toModel(String producerVersion, String docString) {
        ProtoMessage graph = new ProtoMessage();
        nodes.forEach(n -> graph.message(GRAPH_NODE, n));
        graph.string(GRAPH_NAME, name);
        initializers.forEach(t -> graph.message(GRAPH_INITIALIZER, t));
        inputs.forEach(v -> graph.message(GRAPH_INPUT, v));
        outputs.forEach(v -> graph.message(GRAPH_OUTPUT, v));

        ProtoMessage model = new ProtoMessage();
        model.int64(MODEL_IR_VERSION, IR_VERSION);
        model.string(MODEL_PRODUCER_NAME, "gse");
        model.string(MODEL_PRODUCER_VERSION, producerVersion);
        model.string(MODEL_DOC_STRING, docString);
        model.message(MODEL_GRAPH, graph);
        model.message(MODEL_OPSET_IMPORT, new ProtoMessage().string(OPSET_DOMAIN, "").int64(OPSET_VERSION, OPSET));
        if (usesMicrosoftDomain) {
            model.message(MODEL_OPSET_IMPORT,
                    new ProtoMessage().string(OPSET_DOMAIN, "com.microsoft").int64(OPSET_VERSION, 1));
        }
        metadata.forEach((k, v) -> model.message(MODEL_METADATA_PROPS,
                new ProtoMessage().string(ENTRY_KEY, k).string(ENTRY_VALUE, v)));
        return model;
    }

    private static ProtoMessage tensor(String name, int dataType, long[] dims) {
        ProtoMessage tensor = new ProtoMessage();
        if (dims.length > 0) {
            tensor.packed(TENSOR_DIMS, dims);
        }
        tensor.int64(TENSOR_DATA_TYPE, dataType);
        tensor.string(TENSOR_NAME, name);
        return tensor;
    }

    private static ProtoMessage valueInfo(String name, int elemType, Object[] dims) {
        ProtoMessage shape = new ProtoMessage();
        for (Object dim : dims) {
            ProtoMessage d = new ProtoMessage();
            if (dim instanceof String param) {
                d.string(DIM_PARAM, param);
            } else {
                d.int64(DIM_VALUE, ((Number) dim).longValue());
            }
            shape.message(SHAPE_DIM, d);
        }
        ProtoMessage tensorType = new ProtoMessage().int64(TYPE_TENSOR_ELEM_TYPE, elemType)
                .message(TYPE_TENSOR_SHAPE, shape);
        return new ProtoMessage().string(VALUE_INFO_NAME, name)
                .message(VALUE_INFO_TYPE, new ProtoMessage().message(TYPE_TENSOR_TYPE, tensorType));
    }

    private static ProtoMessage attribute(Attribute attribute) {
        ProtoMessage a = new ProtoMessage().string(ATTRIBUTE_NAME, attribute.name());
        switch (attribute.value()) {
            case Float f -> a.float32(ATTRIBUTE_F, f).int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_FLOAT);
            case Double d -> a.float32(ATTRIBUTE_F, d.floatValue()).int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_FLOAT);
            case Integer i -> a.int64(ATTRIBUTE_I, i).int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
            case Long l -> a.int64(ATTRIBUTE_I, l).int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
            case String s -> a.string(ATTRIBUTE_S, s).int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_STRING);
            case long[] ints -> a.packed(ATTRIBUTE_INTS, ints).int64(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INTS);
            default -> throw new IllegalArgumentException("unsupported attribute value " + attribute.value());
        }
        return a;
    }

    // Data type constants for callers.
    public static final int FLOAT = DATA_TYPE_FLOAT;
    public static final int UINT8 = DATA_TYPE_UINT8;
    public static final int INT8 = DATA_TYPE_INT8;
    public static final int INT32 = DATA_TYPE_INT32;
    public static final int INT64 = DATA_TYPE_INT64;
}
