package org.gse.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.gse.model.ClipConfig;
import org.gse.model.ClipKeys;
import org.gse.model.ClipTextConfig;
import org.gse.model.ClipVisionConfig;
import org.gse.model.ClipWeights;
import org.gse.model.Tensor;

/**
 * A Hugging Face {@code CLIPModel} built from DJL NDArray operations on the PyTorch engine: the model GSE trains
 * and the in-process reference for the ONNX export.
 *
 * <p>Semantics follow {@code transformers.models.clip.modeling_clip}: a patch convolution without bias, a class
 * token and learned position embeddings, {@code pre_layrnorm}, pre-LayerNorm residual blocks (attention with
 * {@code q_proj}/{@code k_proj}/{@code v_proj}/{@code out_proj}, the query scaled by {@code head_dim^-0.5}, then an
 * MLP {@code fc1 -> hidden_act -> fc2}), {@code post_layernorm} on the class token and {@code visual_projection};
 * the text tower adds a causal mask, applies {@code final_layer_norm} and pools at the first end-of-text token
 * (at the highest id when the legacy {@code eos_token_id == 2}), then {@code text_projection}.
 *
 * <p>Parameters are NDArrays named by their checkpoint key ({@link #parameters()}); {@link #setTrainable} marks a
 * subset as requiring gradients so that a {@code GradientCollector} can differentiate through
 * {@link #imageFeatures} and {@link #textFeatures}. Every transformer block runs in its own child
 * {@link NDManager}, closed as soon as the block's output exists: holding the intermediates to the end of a
 * forward pass halves the speed.
 *
 * <p>Thread-safe for inference. Inference entry points that take Java arrays switch gradient mode off on the
 * calling thread.
 */
public final class DjlClipModel implements AutoCloseable {

    private ClipConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    /** Loads {@code weights} into a new NDManager on the CPU. */
    public DjlClipModel(ClipWeights weights) {
        this.config = weights.config();
        this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        for (Map.Entry<String, Tensor> entry : weights.tensors().entrySet()) {
            Tensor tensor = entry.getValue();
            NDArray array = DjlArrays.owned(manager.create(tensor.data(), new Shape(tensor.shape())));
            array.setName(entry.getKey());
            parameters.put(entry.getKey(), array);
        }
    }

    public ClipConfig config() {
        return config;
    }

    /** Returns the parameters by checkpoint key, in checkpoint order. */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Marks the parameters whose key {@code trainable} accepts as requiring gradients, and freezes the rest. */
    public void setTrainable(Predicate<String> trainable) {
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            entry.getValue().setRequiresGradient(trainable.test(entry.getKey()));
        }
    }

    /** Returns the parameters that currently require gradients. */
    public Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> result = new LinkedHashMap<>();
        parameters.forEach((key, array) -> {
            if (array.hasGradient()) {
                result.put(key, array);
            }
        });
        return result;
    }

    /**
     * Returns a selection of keys for fine-tuning: the last {@code lastBlocks} vision encoder layers, plus
     * {@code post_layernorm}, {@code visual_projection} and the MLP head's weights when {@code projection} is true (and
     * {@code logit_scale} when {@code logitScale} is true). {@code lastBlocks == 0} with {@code projection} trains
     * only the head.
     */
    public static Predicate<String> visionTail(ClipConfig config, int lastBlocks, boolean projection,
            boolean logitScale) {
        int layers = config.visionConfig().numHiddenLayers();
        if (lastBlocks < 0 || lastBlocks > layers) {
            throw new IllegalArgumentException("lastBlocks must be 0 to " + layers + ", got " + lastBlocks);
        }
        return key -> {
            if (key.equals(ClipKeys.LOGIT_SCALE)) {
                return logitScale;
            }
            if (key.equals(ClipKeys.VISUAL_PROJECTION) || key.startsWith(ClipKeys.VISION_POST_LAYERNORM)
                    || key.startsWith(ClipKeys.VISION_HEAD)) {
                return projection;
            }
            for (int i = layers - lastBlocks; i < layers; i++) {
                if (key.startsWith(ClipKeys.layer(ClipKeys.VISION, i))) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Copies the current parameter values back into checkpoint tensors (after training, to save). */
    public Map<String, Tensor> toTensors() {
        Map<String, Tensor> result = new LinkedHashMap<>();
        parameters.forEach((key, array) -> result.put(key, new Tensor(array.getShape().getShape(),
                array.toFloatArray())));
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Forward passes on NDArrays (differentiable)

    /**
     * Returns unnormalised image features {@code [batch, projection_dim]} (Hugging Face
     * {@code get_image_features}) for {@code pixelValues} {@code [batch, 3, S, S]}. The result belongs to the
     * input's manager.
     */
    public NDArray imageFeatures(NDArray pixelValues) {
        ClipVisionConfig v = config.visionConfig();
        NDManager outer = pixelValues.getManager();
        long batch = pixelValues.getShape().get(0);
        int d = v.hiddenSize();
        NDArray hidden;
        try (NDManager scope = outer.newSubManager()) {
            pixelValues.tempAttach(scope);
            NDArray patches = own(Conv2d.conv2d(pixelValues, p(ClipKeys.PATCH_EMBEDDING), null,
                    new Shape(v.patchSize(), v.patchSize())).singletonOrThrow(), scope); // [B, D, g, g]
            patches = patches.reshape(batch, d, v.numPatches()).transpose(0, 2, 1);          // [B, N, D]
            NDArray cls = scope.zeros(new Shape(batch, 1, d)).add(p(ClipKeys.CLASS_EMBEDDING));
            NDArray embeddings = NDArrays.concat(new NDList(cls, patches), 1)
                    .add(p(ClipKeys.VISION_POSITION_EMBEDDING));
            hidden = layerNorm(embeddings, ClipKeys.VISION_PRE_LAYERNORM, d, v.layerNormEps(), scope);
            hidden.attach(outer);
        }
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            hidden = encoderLayer(hidden, ClipKeys.layer(ClipKeys.VISION, i), d, v.numAttentionHeads(),
                    v.hiddenAct(), v.layerNormEps(), null);
        }
        try (NDManager scope = outer.newSubManager()) {
            hidden.attach(scope);
            NDArray pooled = hidden.get(":, 0, :");
            pooled = layerNorm(pooled, ClipKeys.VISION_POST_LAYERNORM, d, v.layerNormEps(), scope);
            NDArray features = imageHead(pooled, scope);
            features.attach(outer);
            return features;
        }
    }

    /**
     * Applies the image head to pooled, {@code post_layernorm}-ed features {@code [batch, hidden_size]}:
     * {@code visual_projection}, or the MLP of {@link ClipConfig#visionHead()} when the configuration declares one.
     * Returns {@code [batch, projection_dim]} in {@code scope}.
     */
    public NDArray imageHead(NDArray pooled, NDManager scope) {
        if (config.visionHead() == null) {
            return linear(pooled, ClipKeys.VISUAL_PROJECTION, false, scope);              // [B, P]
        }
        NDArray h = linear(pooled, ClipKeys.VISION_HEAD_FC1, true, scope);              // [B, H]
        h = activation(h, "gelu");
        return linear(h, ClipKeys.VISION_HEAD_FC2, true, scope);                         // [B, P]
    }

    /**
     * Adds an MLP image head with the given weights ({@link ClipKeys#VISION_HEAD_FC1} and
     * {@link ClipKeys#VISION_HEAD_FC2}); from then on {@link #imageFeatures} uses it in place of
     * {@code visual_projection}.
     */
    public void addVisionHead(ClipConfig.VisionHead head, Map<String, Tensor> weights) {
        if (config.visionHead() != null) {
            throw new IllegalStateException("the model already has a vision head: " + config.visionHead());
        }
        ClipConfig withHead = config.withVisionHead(head);
        Map<String, long[]> expected = ClipKeys.expected(withHead);
        for (String module : new String[] {ClipKeys.VISION_HEAD_FC1, ClipKeys.VISION_HEAD_FC2}) {
            for (String key : new String[] {ClipKeys.weight(module), ClipKeys.bias(module)}) {
                Tensor tensor = weights.get(key);
                if (tensor == null || !java.util.Arrays.equals(tensor.shape(), expected.get(key))) {
                    throw new IllegalArgumentException("vision head weight " + key + " must have shape "
                            + java.util.Arrays.toString(expected.get(key)) + ", got "
                            + (tensor == null ? "none" : tensor.shapeString()));
                }
                NDArray array = DjlArrays.owned(manager.create(tensor.data(), new Shape(tensor.shape())));
                array.setName(key);
                parameters.put(key, array);
            }
        }
        config = withHead;
    }

    /**
     * Returns unnormalised text features {@code [batch, projection_dim]} (Hugging Face
     * {@code get_text_features}) for token ids {@code [batch, length]} (int64, length at most
     * {@code max_position_embeddings}). The result belongs to the input's manager.
     */
    public NDArray textFeatures(NDArray inputIds) {
        ClipTextConfig t = requireText();
        NDManager outer = inputIds.getManager();
        long batch = inputIds.getShape().get(0);
        int length = Math.toIntExact(inputIds.getShape().get(1));
        int d = t.hiddenSize();
        NDArray hidden;
        NDArray mask = causalMask(outer, length);
        NDArray poolIndex;
        try (NDManager scope = outer.newSubManager()) {
            inputIds.tempAttach(scope);
            NDArray ids = inputIds.getDataType() == DataType.INT64 ? inputIds : inputIds.toType(DataType.INT64, false);
            NDArray tokens = own(Embedding.embedding(ids, p(ClipKeys.TOKEN_EMBEDDING), SparseFormat.DENSE)
                    .singletonOrThrow(), scope);
            NDArray positions = p(ClipKeys.TEXT_POSITION_EMBEDDING);
            if (length != t.maxPositionEmbeddings()) {
                positions = own(positions.get("0:" + length), scope);
            }
            hidden = tokens.add(positions);
            hidden.attach(outer);
            // Pooling index: the first end-of-text token, or the highest id for legacy configs (eos id 2).
            NDArray index = t.eosTokenId() == 2 ? ids.argMax(1)
                    : ids.eq(t.eosTokenId()).toType(DataType.INT32, false).argMax(1);
            poolIndex = index.oneHot(length).toType(DataType.FLOAT32, false).reshape(batch, 1, length);
            poolIndex.attach(outer);
        }
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            hidden = encoderLayer(hidden, ClipKeys.layer(ClipKeys.TEXT, i), d, t.numAttentionHeads(),
                    t.hiddenAct(), t.layerNormEps(), mask);
        }
        try (NDManager scope = outer.newSubManager()) {
            hidden.attach(scope);
            poolIndex.attach(scope);
            mask.attach(scope);
            NDArray pooled = poolIndex.matMul(hidden).reshape(batch, d); // exact selection of one row per text
            pooled = layerNorm(pooled, ClipKeys.TEXT_FINAL_LAYERNORM, d, t.layerNormEps(), scope);
            NDArray features = linear(pooled, ClipKeys.TEXT_PROJECTION, false, scope);
            features.attach(outer);
            return features;
        }
    }

    /** Returns the CLIP logits {@code exp(logit_scale) * cos(image, text)}, {@code [images, texts]}. */
    public NDArray logitsPerImage(NDArray imageFeatures, NDArray textFeatures) {
        NDManager outer = imageFeatures.getManager();
        try (NDManager scope = outer.newSubManager()) {
            imageFeatures.tempAttach(scope);
            textFeatures.tempAttach(scope);
            NDArray img = imageFeatures.div(imageFeatures.norm(new int[] {1}, true));
            NDArray txt = textFeatures.div(textFeatures.norm(new int[] {1}, true));
            NDArray scale = own(p(ClipKeys.LOGIT_SCALE).exp(), scope);
            NDArray logits = img.matMul(txt.transpose()).mul(scale);
            logits.attach(outer);
            return logits;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Inference on Java arrays

    /** Returns unnormalised image features for {@code batch} images of {@code 3*S*S} floats each (CHW order). */
    public float[][] imageFeatures(float[] pixels, int batch) {
        ClipVisionConfig v = config.visionConfig();
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = DjlArrays.owned(scope.create(pixels, new Shape(batch, v.numChannels(), v.imageSize(), v.imageSize())));
            return rows(imageFeatures(input), batch);
        }
    }

    /** Returns unnormalised text features for {@code batch} rows of token ids. */
    public float[][] textFeatures(long[] ids, int batch) {
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = DjlArrays.owned(scope.create(ids, new Shape(batch, ids.length / batch)));
            return rows(textFeatures(input), batch);
        }
    }

    private float[][] rows(NDArray features, int batch) {
        float[] flat = features.toFloatArray();
        int width = flat.length / batch;
        float[][] out = new float[batch][];
        for (int i = 0; i < batch; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Building blocks

    /** One pre-LayerNorm transformer block; consumes {@code input} (closed) and returns a new array in its manager. */
    private NDArray encoderLayer(NDArray input, String prefix, int hidden, int heads, String act, double eps,
            NDArray mask) {
        NDManager outer = input.getManager();
        try (NDManager scope = outer.newSubManager()) {
            input.attach(scope);
            if (mask != null) {
                mask.tempAttach(scope);
            }
            Shape shape = input.getShape();
            long batch = shape.get(0);
            long length = shape.get(1);
            int headDim = hidden / heads;

            NDArray h = layerNorm(input, prefix + ClipKeys.LAYER_NORM1, hidden, eps, scope);
            NDArray q = linear(h, prefix + ClipKeys.Q_PROJ, true, scope).mul(Math.pow(headDim, -0.5));
            NDArray k = linear(h, prefix + ClipKeys.K_PROJ, true, scope);
            NDArray v = linear(h, prefix + ClipKeys.V_PROJ, true, scope);
            q = q.reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
            k = k.reshape(batch, length, heads, headDim).transpose(0, 2, 3, 1);
            v = v.reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
            NDArray scores = q.matMul(k);                                     // [B, H, L, L]
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray context = scores.softmax(-1).matMul(v)                   // [B, H, L, hd]
                    .transpose(0, 2, 1, 3).reshape(batch, length, hidden);
            NDArray x = input.add(linear(context, prefix + ClipKeys.OUT_PROJ, true, scope));

            h = layerNorm(x, prefix + ClipKeys.LAYER_NORM2, hidden, eps, scope);
            h = activation(linear(h, prefix + ClipKeys.FC1, true, scope), act);
            NDArray out = x.add(linear(h, prefix + ClipKeys.FC2, true, scope));
            out.attach(outer);
            return out;
        }
    }

    static NDArray activation(NDArray x, String name) {
        return switch (name) {
            case "quick_gelu" -> x.mul(ai.djl.nn.Activation.sigmoid(x.mul(1.702f)));
            case "gelu" -> x.mul(x.mul((float) (1 / Math.sqrt(2))).erf().add(1f)).mul(0.5f);
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> {
                NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI));
                yield x.mul(inner.tanh().add(1f)).mul(0.5f);
            }
            case "relu" -> x.maximum(0f);
            default -> throw new IllegalArgumentException("unsupported hidden_act '" + name
                    + "'; supported: quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, relu");
        };
    }

    private NDArray layerNorm(NDArray x, String module, int hidden, double eps, NDManager scope) {
        return own(LayerNorm.layerNorm(x, new Shape(hidden), p(ClipKeys.weight(module)), p(ClipKeys.bias(module)),
                (float) eps).singletonOrThrow(), scope);
    }

    private NDArray linear(NDArray x, String module, boolean bias, NDManager scope) {
        String weightKey = module.endsWith(".weight") ? module : ClipKeys.weight(module);
        NDArray b = bias ? p(ClipKeys.bias(module)) : null;
        return own(Linear.linear(x, p(weightKey), b).singletonOrThrow(), scope);
    }

    /** Additive causal mask {@code [1, 1, L, L]}: 0 on and below the diagonal, the most negative float above. */
    private static NDArray causalMask(NDManager manager, int length) {
        float[] mask = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                mask[i * length + j] = -Float.MAX_VALUE;
            }
        }
        return DjlArrays.owned(manager.create(mask, new Shape(1, 1, length, length)));
    }

    private NDArray p(String key) {
        NDArray array = parameters.get(key);
        if (array == null) {
            throw new IllegalStateException("model has no parameter '" + key + "'");
        }
        return array;
    }

    /** Moves an array produced by an operation whose receiver was a parameter into {@code scope}. */
    private static NDArray own(NDArray array, NDManager scope) {
        if (array.getManager() != scope) {
            array.attach(scope);
        }
        return array;
    }

    private ClipTextConfig requireText() {
        if (!config.hasText()) {
            throw new UnsupportedOperationException("this CLIP model has no text tower");
        }
        return config.textConfig();
    }

    @Override
    public void close() {
        manager.close();
    }
}
