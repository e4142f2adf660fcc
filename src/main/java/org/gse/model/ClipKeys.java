package org.gse.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table from Hugging Face {@code CLIPModel} checkpoint keys to parameters. Every engine (DJL, the ONNX
 * exporter) looks weights up by these names, so a checkpoint loads without renaming and a trained model saves
 * back under the same keys.
 *
 * <p>Linear weights are stored {@code [out_features, in_features]} as in {@code torch.nn.Linear}; the patch
 * embedding is a {@code Conv2d} weight {@code [hidden, channels, patch, patch]} without bias.
 */
public final class ClipKeys {

    private ClipKeys() {}

    /** Scalar {@code logit_scale}; logits are {@code exp(logit_scale) * cos}. */
    public static final String LOGIT_SCALE = "logit_scale";
    /** {@code [projection_dim, vision hidden]}, no bias. */
    public static final String VISUAL_PROJECTION = "visual_projection.weight";
    /** {@code [projection_dim, text hidden]}, no bias. */
    public static final String TEXT_PROJECTION = "text_projection.weight";

    /** Prefix of the vision tower's keys. */
    public static final String VISION = "vision_model.";
    /** Prefix of the text tower's keys. */
    public static final String TEXT = "text_model.";

    /** {@code [hidden]}: the learned class token. */
    public static final String VISION_CLASS_EMBEDDING = "vision_model.embeddings.class_embedding";
    /** {@code [hidden, channels, patch, patch]}: the patch embedding (a strided convolution without bias). */
    public static final String VISION_PATCH_EMBEDDING = "vision_model.embeddings.patch_embedding.weight";
    /** {@code [num_positions, hidden]}. */
    public static final String VISION_POSITION_EMBEDDING = "vision_model.embeddings.position_embedding.weight";
    /** LayerNorm before the encoder; the key's misspelling is Hugging Face's. */
    public static final String VISION_PRE_LAYERNORM = "vision_model.pre_layrnorm";
    /** LayerNorm on the class token after the encoder. */
    public static final String VISION_POST_LAYERNORM = "vision_model.post_layernorm";

    /** {@code [vocab, hidden]}. */
    public static final String TEXT_TOKEN_EMBEDDING = "text_model.embeddings.token_embedding.weight";
    /** {@code [max_positions, hidden]}. */
    public static final String TEXT_POSITION_EMBEDDING = "text_model.embeddings.position_embedding.weight";
    /** LayerNorm after the text encoder. */
    public static final String TEXT_FINAL_LAYERNORM = "text_model.final_layer_norm";

    /** Module names inside one encoder layer; append {@code .weight} or {@code .bias}. */
    public static final String Q_PROJ = "self_attn.q_proj";
    public static final String K_PROJ = "self_attn.k_proj";
    public static final String V_PROJ = "self_attn.v_proj";
    public static final String OUT_PROJ = "self_attn.out_proj";
    public static final String LAYER_NORM1 = "layer_norm1";
    public static final String LAYER_NORM2 = "layer_norm2";
    public static final String FC1 = "mlp.fc1";
    public static final String FC2 = "mlp.fc2";

    /** Returns the prefix of encoder layer {@code index} of a tower, e.g. {@code vision_model.encoder.layers.3.}. */
    public static String layer(String towerPrefix, int index) {
        return towerPrefix + "encoder.layers." + index + ".";
    }

    /** Returns {@code module + ".weight"}. */
    public static String weight(String module) {
        return module + ".weight";
    }

    /** Returns {@code module + ".bias"}. */
    public static String bias(String module) {
        return module + ".bias";
    }

    /**
     * Returns every parameter a model of this configuration has, key to shape, in checkpoint order. A model
     * without a text tower has no {@code text_model.*} keys and no text projection.
     */
    public static Map<String, long[]> expectedShapes(ClipConfig config) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        ClipVisionConfig v = config.visionConfig();
        int d = v.hiddenSize();
        if (config.hasText()) {
            ClipTextConfig t = config.textConfig();
            shapes.put(TEXT_TOKEN_EMBEDDING, new long[] {t.vocabSize(), t.hiddenSize()});
            shapes.put(TEXT_POSITION_EMBEDDING, new long[] {t.maxPositionEmbeddings(), t.hiddenSize()});
            putLayers(shapes, TEXT, t.numHiddenLayers(), t.hiddenSize(), t.intermediateSize());
            putNorm(shapes, TEXT_FINAL_LAYERNORM, t.hiddenSize());
        }
        shapes.put(VISION_CLASS_EMBEDDING, new long[] {d});
        shapes.put(VISION_PATCH_EMBEDDING, new long[] {d, v.numChannels(), v.patchSize(), v.patchSize()});
        shapes.put(VISION_POSITION_EMBEDDING, new long[] {v.numPositions(), d});
        putNorm(shapes, VISION_PRE_LAYERNORM, d);
        putLayers(shapes, VISION, v.numHiddenLayers(), d, v.intermediateSize());
        putNorm(shapes, VISION_POST_LAYERNORM, d);
        shapes.put(VISUAL_PROJECTION, new long[] {config.projectionDim(), d});
        if (config.hasText()) {
            shapes.put(TEXT_PROJECTION, new long[] {config.projectionDim(), config.textConfig().hiddenSize()});
        }
        shapes.put(LOGIT_SCALE, new long[0]);
        return shapes;
    }

    private static void putLayers(Map<String, long[]> shapes, String tower, int layers, int hidden, int inner) {
        for (int i = 0; i < layers; i++) {
            String p = layer(tower, i);
            for (String proj : new String[] {K_PROJ, V_PROJ, Q_PROJ, OUT_PROJ}) {
                shapes.put(weight(p + proj), new long[] {hidden, hidden});
                shapes.put(bias(p + proj), new long[] {hidden});
            }
            putNorm(shapes, p + LAYER_NORM1, hidden);
            shapes.put(weight(p + FC1), new long[] {inner, hidden});
            shapes.put(bias(p + FC1), new long[] {inner});
            shapes.put(weight(p + FC2), new long[] {hidden, inner});
            shapes.put(bias(p + FC2), new long[] {hidden});
            putNorm(shapes, p + LAYER_NORM2, hidden);
        }
    }

    private static void putNorm(Map<String, long[]> shapes, String module, int hidden) {
        shapes.put(weight(module), new long[] {hidden});
        shapes.put(bias(module), new long[] {hidden});
    }
}
