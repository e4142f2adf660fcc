package org.gse.onnx;

/**
 * Field numbers and enum values of the ONNX protobuf schema, as declared in {@code onnx/onnx.proto} of the ONNX
 * project (github.com/onnx/onnx). Only the messages and fields that {@link OnnxGraph} writes are listed; each
 * constant is named {@code MESSAGE_FIELD} after the message and field in that file.
 */
final class OnnxFields {

    private OnnxFields() {}

    // message ModelProto
    static final int MODEL_IR_VERSION = 1;          // optional int64 ir_version = 1
    static final int MODEL_PRODUCER_NAME = 2;       // optional string producer_name = 2
    static final int MODEL_PRODUCER_VERSION = 3;    // optional string producer_version = 3
    static final int MODEL_DOC_STRING = 6;          // optional string doc_string = 6
    static final int MODEL_GRAPH = 7;               // optional GraphProto graph = 7
    static final int MODEL_OPSET_IMPORT = 8;        // repeated OperatorSetIdProto opset_import = 8
    static final int MODEL_METADATA_PROPS = 14;     // repeated StringStringEntryProto metadata_props = 14

    // message OperatorSetIdProto
    static final int OPSET_DOMAIN = 1;              // optional string domain = 1
    static final int OPSET_VERSION = 2;             // optional int64 version = 2

    // message StringStringEntryProto
    static final int ENTRY_KEY = 1;                 // optional string key = 1
    static final int ENTRY_VALUE = 2;               // optional string value = 2

    // message GraphProto
    static final int GRAPH_NODE = 1;                // repeated NodeProto node = 1
    static final int GRAPH_NAME = 2;                // optional string name = 2
    static final int GRAPH_INITIALIZER = 5;         // repeated TensorProto initializer = 5
    static final int GRAPH_INPUT = 11;              // repeated ValueInfoProto input = 11
    static final int GRAPH_OUTPUT = 12;             // repeated ValueInfoProto output = 12

    // message NodeProto
    static final int NODE_INPUT = 1;                // repeated string input = 1
    static final int NODE_OUTPUT = 2;               // repeated string output = 2
    static final int NODE_NAME = 3;                 // optional string name = 3
    static final int NODE_OP_TYPE = 4;              // optional string op_type = 4
    static final int NODE_ATTRIBUTE = 5;            // repeated AttributeProto attribute = 5
    static final int NODE_DOMAIN = 7;               // optional string domain = 7

    // message AttributeProto
    static final int ATTRIBUTE_NAME = 1;            // optional string name = 1
    static final int ATTRIBUTE_F = 2;               // optional float f = 2
    static final int ATTRIBUTE_I = 3;               // optional int64 i = 3
    static final int ATTRIBUTE_S = 4;               // optional bytes s = 4
    static final int ATTRIBUTE_T = 5;               // optional TensorProto t = 5
    static final int ATTRIBUTE_INTS = 8;            // repeated int64 ints = 8
    static final int ATTRIBUTE_TYPE = 20;           // optional AttributeType type = 20

    // enum AttributeProto.AttributeType
    static final int ATTRIBUTE_TYPE_FLOAT = 1;
    static final int ATTRIBUTE_TYPE_INT = 2;
    static final int ATTRIBUTE_TYPE_STRING = 3;
    static final int ATTRIBUTE_TYPE_TENSOR = 4;
    static final int ATTRIBUTE_TYPE_INTS = 7;

    // message ValueInfoProto
    static final int VALUE_INFO_NAME = 1;           // optional string name = 1
    static final int VALUE_INFO_TYPE = 2;           // optional TypeProto type = 2

    // message TypeProto
    static final int TYPE_TENSOR_TYPE = 1;          // Tensor tensor_type = 1 (oneof value)
    // message TypeProto.Tensor
    static final int TYPE_TENSOR_ELEM_TYPE = 1;     // optional int32 elem_type = 1
    static final int TYPE_TENSOR_SHAPE = 2;         // optional TensorShapeProto shape = 2
    // message TensorShapeProto
    static final int SHAPE_DIM = 1;                 // repeated Dimension dim = 1
    // message TensorShapeProto.Dimension
    static final int DIM_VALUE = 1;                 // int64 dim_value = 1
    static final int DIM_PARAM = 2;                 // string dim_param = 2

    // message TensorProto
    static final int TENSOR_DIMS = 1;               // repeated int64 dims = 1
    static final int TENSOR_DATA_TYPE = 2;          // optional int32 data_type = 2
    static final int TENSOR_NAME = 8;               // optional string name = 8
    static final int TENSOR_RAW_DATA = 9;           // optional bytes raw_data = 9

    // enum TensorProto.DataType
    static final int DATA_TYPE_FLOAT = 1;
    static final int DATA_TYPE_UINT8 = 2;
    static final int DATA_TYPE_INT8 = 3;
    static final int DATA_TYPE_INT32 = 6;
    static final int DATA_TYPE_INT64 = 7;

    /** IR version 8 goes with opset 17 (onnx/docs/Versioning.md). */
    static final long IR_VERSION = 8;
}
