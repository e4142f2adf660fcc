package org.gse.onnx;

import static org.gse.onnx.OnnxGraph.attr;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gse.model.ClipConfig;
import org.gse.model.ClipKeys;
import org.gse.model.ClipTextConfig;
import org.gse.model.ClipVisionConfig;
import org.gse.model.ClipWeights;
import org.gse.model.Tensor;

/**
 * Generates ONNX graphs (opset 17, standard operators only) for the two CLIP towers from a configuration and
 * its weights, with the semantics of {@link org.gse.djl.DjlClipModel}.
 *
 * <ul>
 *   <li>Vision: input {@code pixel_values} float32 {@code [batch, 3, S, S]}, output {@code image_embeds} float32
 *       {@code [batch, projection_dim]}, <b>not normalised</b> (Hugging Face {@code get_image_features}); callers
 *       L2-normalise.</li>
 *   <li>Text: input {@code input_ids} int64 {@code [batch, 77]}, output {@code text_embeds}
 *       {@code [batch, projection_dim]}, not normalised ({@code get_text_features}).</li>
 * </ul>
 *
 * <p>Operators: Conv, Reshape, Transpose, Pad, Split, Add, Mul, Div, LayerNormalization, MatMul, Softmax, Sigmoid, Erf,
 * Tanh, Gather, Equal, Cast, ArgMax; the int8 variant adds DynamicQuantizeLinear and MatMulInteger. Linear
 * weights are stored transposed ({@code [in, out]}) under {@code <checkpoint key>.T}, with q, k and v concatenated
 * into one {@code self_attn.qkv_proj} product; the attention scale
 * {@code head_dim^-0.5} is folded into the query projection (exact when head_dim is a power of 4, as 64 is).
 * The class token is added through a zero row padded in front of the patches plus a position table whose row 0
 * already contains {@code class_embedding}.
 */
public final class ClipOnnxExporter {

    /** Input and output names. */
    public static final String PIXEL_VALUES = "pixel_values";
    public static final String IMAGE_EMBEDS = "image_embeds";
    public static final String INPUT_IDS = "input_ids";
    public static final String TEXT_EMBEDS = "text_embeds";

    /** Numeric format of the large matrix multiplications. */
    public enum Precision {
        /** float32 everywhere: the reference path. */
        FP32,
        /**
         * Dynamic int8 quantisation of the transformer's linear layers: weights int8 per output column
         * (symmetric), activations uint8 per tensor, quantised at run time (DynamicQuantizeLinear + MatMulInteger).
         * Embeddings, attention products, LayerNorm and the projections stay float32.
         *
         * <p>NOTE: because the activation scale is per tensor, a sticker's int8 embedding depends slightly on the
         * other stickers of its batch (cosine 0.9999 in one measurement); fp32 does not.
         */
        INT8;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ClipWeights weights;
    private final Precision precision;
    OnnxGraph g;
    private final Map<String, String> constants = new HashMap<>();

    ClipOnnxExporter(ClipWeights weights, Precision precision) {
        this.weights = weights;
        this.precision = precision;
    }

    /** Writes the vision tower to {@code file} (atomically). */
    public static void exportVision(ClipWeights weights, Precision precision, Path file, String modelId)
            throws IOException {
        OnnxGraph graph = visionGraph(weights, precision);
        graph.metadata("gse.model_id", modelId);
        graph.write(file, version(), "CLIP vision tower exported by gse (" + precision.id() + ")");
    }

    /** Writes the text tower to {@code file} (atomically). */
    public static void exportText(ClipWeights weights, Precision precision, Path file, String modelId)
            throws IOException {
        OnnxGraph graph = textGraph(weights, precision);
        graph.metadata("gse.model_id", modelId);
        graph.write(file, version(), "CLIP text tower exported by gse (" + precision.id() + ")");
    }

    private static String version() {
        String v = ClipOnnxExporter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Builds the vision graph. */
    public static OnnxGraph visionGraph(ClipWeights weights, Precision precision) {
        return new ClipOnnxExporter(weights, precision).buildVision();
    }

    /** Builds the text graph; the configuration must have a text tower. */
    public static OnnxGraph textGraph(ClipWeights weights, Precision precision) {
        if (!weights.config().hasText()) {
            throw new IllegalArgumentException("this model has no text tower (no text_config in config.json)");
        }
        return new ClipOnnxExporter(weights, precision).buildText();
    }

    private OnnxGraph buildVision() {
        ClipConfig config = weights.config();
        ClipVisionConfig v = config.visionConfig();
        int d = v.hiddenSize();
        int n = v.numPatches();
        g = new OnnxGraph("clip_vision");
        g.metadata("gse.precision", precision.id());
        g.metadata("gse.embeds_normalised", "false");
        String pixels = g.input(PIXEL_VALUES, OnnxGraph.FLOAT, "batch", v.numChannels(), v.imageSize(), v.imageSize());

        Tensor patch = weights.get(ClipKeys.PATCH_EMBEDDING);
        String patchWeight = g.floats(ClipKeys.PATCH_EMBEDDING, patch.data(), patch.shape());
        String conv = g.op("Conv", List.of(pixels, patchWeight),
                attr("kernel_shape", new long[] {v.patchSize(), v.patchSize()}),
                attr("strides", new long[] {v.patchSize(), v.patchSize()}));
        String flat = g.op("Reshape", List.of(conv, shape(0, d, n)));
        String patches = g.op("Transpose", List.of(flat), attr("perm", new long[] {0, 2, 1}));
        String padded = g.op("Pad", List.of(patches, shape(0, 1, 0, 0, 0, 0)));

        float[] positions = weights.get(ClipKeys.VISION_POSITION_EMBEDDING).data().clone();
        float[] cls = weights.get(ClipKeys.CLASS_EMBEDDING).data();
        for (int i = 0; i < d; i++) {
            positions[i] += cls[i];
        }
        String pos = g.floats(ClipKeys.VISION_POSITION_EMBEDDING + "+class_embedding", positions, n + 1, d);
        String hidden = g.op("Add", List.of(padded, pos));
        hidden = layerNorm(hidden, ClipKeys.VISION_PRE_LAYERNORM, v.layerNormEps());
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            hidden = encoderLayer(hidden, ClipKeys.layer(ClipKeys.VISION, i), d, v.numAttentionHeads(),
                    v.hiddenAct(), v.layerNormEps(), null);
        }
        String pooled = g.op("Gather", List.of(hidden, g.longs(g.fresh("index"), new long[] {0})),
                attr("axis", 1L)); // [B, 1, D]
        pooled = g.op("Reshape", List.of(pooled, shape(0, d)));
        pooled = layerNorm(pooled, ClipKeys.VISION_POST_LAYERNORM, v.layerNormEps());
        String embeds;
        if (config.visionHead() == null) {
            embeds = projection(pooled, ClipKeys.VISUAL_PROJECTION, IMAGE_EMBEDS);
        } else {
            // GSE's MLP head: fc1, GELU (erf), fc2, all float32 as the linear projection is
            String h = activation(headLinear(pooled, ClipKeys.VISION_HEAD_FC1, null), "gelu");
            embeds = headLinear(h, ClipKeys.VISION_HEAD_FC2, IMAGE_EMBEDS);
        }
        g.output(embeds, OnnxGraph.FLOAT, "batch", config.projectionDim());
        return g;
    }

    private OnnxGraph buildText() {
        ClipConfig config = weights.config();
        ClipTextConfig t = config.textConfig();
        int d = t.hiddenSize();
        int length = t.maxPositionEmbeddings();
        g = new OnnxGraph("clip_text");
        g.metadata("gse.precision", precision.id());
        g.metadata("gse.embeds_normalised", "false");
        String ids = g.input(INPUT_IDS, OnnxGraph.INT64, "batch", length);

        Tensor token = weights.get(ClipKeys.TOKEN_EMBEDDING);
        String tokens = g.op("Gather", List.of(g.floats(ClipKeys.TOKEN_EMBEDDING, token.data(), token.shape()),
                ids), attr("axis", 0L));
        Tensor position = weights.get(ClipKeys.TEXT_POSITION_EMBEDDING);
        String hidden = g.op("Add", List.of(tokens,
                g.floats(ClipKeys.TEXT_POSITION_EMBEDDING, position.data(), position.shape())));

        float[] mask = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                mask[i * length + j] = -Float.MAX_VALUE;
            }
        }
        String causal = g.floats("causal_mask", mask, 1, 1, length, length);
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            hidden = encoderLayer(hidden, ClipKeys.layer(ClipKeys.TEXT, i), d, t.numAttentionHeads(),
                    t.hiddenAct(), t.layerNormEps(), causal);
        }

        // Pooling: the first end-of-text token, or the highest id when eos_token_id == 2 (legacy configs).
        String scores = t.eosTokenId() == 2 ? ids
                : g.op("Equal", List.of(ids, g.longs("eos_token_id", new long[] {t.eosTokenId()})));
        String asInt = g.op("Cast", List.of(scores), attr("to", (long) OnnxGraph.INT32));
        String index = g.op("ArgMax", List.of(asInt), attr("axis", 1L), attr("keepdims", 1L)); // [B, 1]
        long[] range = new long[length];
        for (int i = 0; i < length; i++) {
            range[i] = i;
        }
        String oneHot = g.op("Equal", List.of(g.longs("positions", range, length), index));   // [B, L]
        oneHot = g.op("Cast", List.of(oneHot), attr("to", (long) OnnxGraph.FLOAT));
        oneHot = g.op("Reshape", List.of(oneHot, shape(0, 1, length)));
        String pooled = g.op("MatMul", List.of(oneHot, hidden));                                // [B, 1, D]
        pooled = g.op("Reshape", List.of(pooled, shape(0, d)));
        pooled = layerNorm(pooled, ClipKeys.TEXT_FINAL_LAYERNORM, t.layerNormEps());
        String embeds = projection(pooled, ClipKeys.TEXT_PROJECTION, TEXT_EMBEDS);
        g.output(embeds, OnnxGraph.FLOAT, "batch", config.projectionDim());
        return g;
    }

    private String encoderLayer(String x, String prefix, int hidden, int heads, String act, double eps,
            String mask) {
        int headDim = hidden / heads;
        float scale = (float) Math.pow(headDim, -0.5);
        String h = layerNorm(x, prefix + ClipKeys.LAYER_NORM1, eps);
        String[] qkv = fusedQkv(h, prefix, hidden, scale);                 // 3 x [B, L, D]
        String q = qkv[0];
        String k = qkv[1];
        String v = qkv[2];
        String headShape = shape(0, 0, heads, headDim);
        q = g.op("Transpose", List.of(g.op("Reshape", List.of(q, headShape))), attr("perm", new long[] {0, 2, 1, 3}));
        k = g.op("Transpose", List.of(g.op("Reshape", List.of(k, headShape))), attr("perm", new long[] {0, 2, 3, 1}));
        v = g.op("Transpose", List.of(g.op("Reshape", List.of(v, headShape))), attr("perm", new long[] {0, 2, 1, 3}));
        String scores = g.op("MatMul", List.of(q, k));
        if (mask != null) {
            scores = g.op("Add", List.of(scores, mask));
        }
        String probs = g.op("Softmax", List.of(scores), attr("axis", -1L));
        String context = g.op("MatMul", List.of(probs, v));
        context = g.op("Transpose", List.of(context), attr("perm", new long[] {0, 2, 1, 3}));
        context = g.op("Reshape", List.of(context, shape(0, 0, hidden)));
        String attended = g.op("Add", List.of(x, linear(context, prefix + ClipKeys.OUT_PROJ, 1f)));

        h = layerNorm(attended, prefix + ClipKeys.LAYER_NORM2, eps);
        h = activation(linear(h, prefix + ClipKeys.FC1, 1f), act);
        h = linear(h, prefix + ClipKeys.FC2, 1f);
        return g.op("Add", List.of(attended, h));
    }

    private String activation(String x, String name) {
        return switch (name) {
            case "quick_gelu" -> g.op("Mul", List.of(x, g.op("Sigmoid", List.of(g.op("Mul", List.of(x, constant(1.702f)))))));
            case "gelu" -> {
                // 0.5 * x * (1 + erf(x / sqrt(2))), in the operator order ONNX Runtime's GELU fusion recognises.
                String erf = g.op("Erf", List.of(g.op("Div", List.of(x, constant((float) Math.sqrt(2))))));
                String gated = g.op("Mul", List.of(x, g.op("Add", List.of(erf, constant(1f)))));
                yield g.op("Mul", List.of(gated, constant(0.5f)));
            }
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> {
                String cube = g.op("Mul", List.of(g.op("Mul", List.of(x, x)), x));
                String inner = g.op("Add", List.of(x, g.op("Mul", List.of(cube, constant(0.044715f)))));
                inner = g.op("Tanh", List.of(g.op("Mul", List.of(inner, constant((float) Math.sqrt(2 / Math.PI))))));
                String gated = g.op("Mul", List.of(x, g.op("Add", List.of(inner, constant(1f)))));
                yield g.op("Mul", List.of(gated, constant(0.5f)));
            }
            case "relu" -> g.op("Relu", List.of(x));
            default -> throw new IllegalArgumentException("unsupported hidden_act '" + name
                    + "'; supported: quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, relu");
        };
    }

    private String layerNorm(String x, String module, double eps) {
        Tensor w = weights.get(ClipKeys.weight(module));
        Tensor b = weights.get(ClipKeys.bias(module));
        return g.op("LayerNormalization", List.of(x,
                        g.floats(ClipKeys.weight(module), w.data(), w.shape()),
                        g.floats(ClipKeys.bias(module), b.data(), b.shape())),
                attr("axis", -1L), attr("epsilon", (float) eps));
    }

    /** Returns {@code x @ W^T + b} for a biased linear layer of the transformer. */
    private String linear(String x, String module, float scale) {
        Tensor w = weights.get(ClipKeys.weight(module));
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        float[] transposed = transpose(w.data(), out, in, scale);
        float[] bias = weights.get(ClipKeys.bias(module)).data().clone();
        for (int i = 0; i < bias.length; i++) {
            bias[i] *= scale;
        }
        return biasedMatMul(x, ClipKeys.weight(module) + ".T", transposed, in, out,
                ClipKeys.bias(module) + (scale == 1f ? "" : ".scaled"), bias);
    }

    /**
     * Computes q, k and v with one matrix multiplication against {@code [q_proj * scale | k_proj | v_proj]}
     * ({@code [D, 3D]}), then splits the result: one large product runs faster than three, and the int8 variant
     * quantises the activations once.
     */
    private String[] fusedQkv(String x, String prefix, int hidden, float scale) {
        float[] weight = new float[hidden * 3 * hidden];
        float[] bias = new float[3 * hidden];
        String[] modules = {ClipKeys.Q_PROJ, ClipKeys.K_PROJ, ClipKeys.V_PROJ};
        for (int part = 0; part < 3; part++) {
            float factor = part == 0 ? scale : 1f;
            float[] w = weights.get(ClipKeys.weight(prefix + modules[part])).data();    // [out = D, in = D]
            float[] b = weights.get(ClipKeys.bias(prefix + modules[part])).data();
            for (int o = 0; o < hidden; o++) {
                for (int i = 0; i < hidden; i++) {
                    weight[i * 3 * hidden + part * hidden + o] = w[o * hidden + i] * factor;
                }
                bias[part * hidden + o] = b[o] * factor;
            }
        }
        String product = biasedMatMul(x, prefix + "self_attn.qkv_proj.weight.T", weight, hidden, 3 * hidden,
                prefix + "self_attn.qkv_proj.bias", bias);
        String sizes = shape(hidden, hidden, hidden);
        return g.opMulti("", "Split", List.of(product, sizes), 3, attr("axis", -1L));
    }

    private String biasedMatMul(String x, String weightName, float[] transposed, int in, int out, String biasName,
            float[] bias) {
        String product = precision == Precision.INT8 && out % 16 == 0
                ? quantisedMatMul(x, weightName, transposed, in, out)
                : g.op("MatMul", List.of(x, g.floats(weightName, transposed, in, out)));
        return g.op("Add", List.of(product, g.floats(biasName, bias, out)));
    }

    /** Adds a projection head, float32 in every variant because it is small and sets the embedding directly. */
    private String projection(String x, String key, String outputName) {
        Tensor w = weights.get(key);
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        String weight = g.floats(key + ".T", transpose(w.data(), out, in, 1f), in, out);
        return g.node("", "MatMul", List.of(x, weight), List.of(outputName))[0];
    }

    /** Returns {@code x @ W^T + b} in float32, written to {@code outputName} when it is not null. */
    private String headLinear(String x, String module, String outputName) {
        Tensor w = weights.get(ClipKeys.weight(module));
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        String weight = g.floats(ClipKeys.weight(module) + ".T", transpose(w.data(), out, in, 1f), in, out);
        String product = g.op("MatMul", List.of(x, weight));
        Tensor b = weights.get(ClipKeys.bias(module));
        List<String> inputs = List.of(product, g.floats(ClipKeys.bias(module), b.data(), out));
        return outputName == null ? g.op("Add", inputs) : g.node("", "Add", inputs, List.of(outputName))[0];
    }

    /**
     * {@code x @ W} with W quantised to int8 per output column (symmetric, zero point 0) and x quantised to uint8
     * at run time; the pattern (DynamicQuantizeLinear, MatMulInteger, Cast, Mul) is the one ONNX Runtime fuses
     * into a single DynamicQuantizeMatMul kernel.
     *
     * <p>Only layers whose output width is a multiple of 16 are quantised (every real CLIP width is): ONNX Runtime
     * 1.22 to 1.24 return wrong values from MatMulInteger (u8 x s8) on this project's Xeon machines (AVX-512 VNNI,
     * AMX-INT8) when the width is not, for example 20, 24 or 760 columns. Such layers stay float32.
     */
    String quantisedMatMul(String x, String name, float[] w, int in, int out) {
        float[] scales = new float[out];
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < out; c++) {
                scales[c] = Math.max(scales[c], Math.abs(w[r * out + c]));
            }
        }
        for (int c = 0; c < out; c++) {
            scales[c] = scales[c] == 0 ? 1f : scales[c] / 127f;
        }
        byte[] q = new byte[w.length];
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < out; c++) {
                q[r * out + c] = (byte) Math.max(-127, Math.min(127, Math.round(w[r * out + c] / scales[c])));
            }
        }
        String qWeight = g.bytes(name + ".int8", OnnxGraph.INT8, q, in, out);
        String zeroPoint = g.bytes(name + ".zero_point", OnnxGraph.INT8, new byte[] {0});
        String wScale = g.floats(name + ".scale", scales, out);
        String[] dq = g.opMulti("", "DynamicQuantizeLinear", List.of(x), 3);
        String product = g.op("MatMulInteger", List.of(dq[0], qWeight, dq[2], zeroPoint));
        String asFloat = g.op("Cast", List.of(product), attr("to", (long) OnnxGraph.FLOAT));
        String combined = g.op("Mul", List.of(dq[1], wScale));
        return g.op("Mul", List.of(asFloat, combined));
    }

    private static float[] transpose(float[] w, int rows, int cols, float scale) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[r * cols + c] * scale;
            }
        }
        return t;
    }

    private String shape(long... dims) {
        String key = "shape" + java.util.Arrays.toString(dims);
        return constants.computeIfAbsent(key, k -> g.int64s(dims));
    }

    private String constant(float value) {
        return constants.computeIfAbsent("f" + Float.floatToIntBits(value), k -> g.scalar(value));
    }
}
