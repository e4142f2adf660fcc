package org.gse.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights a Hugging Face {@code CLIPModel} checkpoint holds, by their {@code state_dict()} names, with their
 * shapes for a given {@link ClipConfig}, in HF's order. With {@code D} = hidden size, {@code I} = intermediate
 * size, {@code P} = projection dim, {@code p} = patch size, {@code C} = channels, {@code N} = positions:
 *
 * <pre>
 * logit_scale                                                    []
 * text_model.embeddings.token_embedding.weight                   [vocab, Dt]
 * text_model.embeddings.position_embedding.weight                [max_position_embeddings, Dt]
 * text_model.encoder.layers.{i}.self_attn.{k,v,q,out}_proj.weight [Dt, Dt]   (nn.Linear: [out, in])
 * text_model.encoder.layers.{i}.self_attn.{k,v,q,out}_proj.bias   [Dt]
 * text_model.encoder.layers.{i}.layer_norm1.{weight,bias}        [Dt]
 * text_model.encoder.layers.{i}.mlp.fc1.weight                   [It, Dt]
 * text_model.encoder.layers.{i}.mlp.fc1.bias                     [It]
 * text_model.encoder.layers.{i}.mlp.fc2.weight                   [Dt, It]
 * text_model.encoder.layers.{i}.mlp.fc2.bias                     [Dt]
 * text_model.encoder.layers.{i}.layer_norm2.{weight,bias}        [Dt]
 * text_model.final_layer_norm.{weight,bias}                      [Dt]
 * vision_model.embeddings.class_embedding                        [Dv]
 * vision_model.embeddings.patch_embedding.weight                 [Dv, C, p, p]   (Conv2d, no bias)
 * vision_model.embeddings.position_embedding.weight              [N = (image/p)^2 + 1, Dv]
 * vision_model.pre_layrnorm.{weight,bias}                        [Dv]   (HF's spelling)
 * vision_model.encoder.layers.{i}...                             as the text layers, with Dv and Iv
 * vision_model.post_layernorm.{weight,bias}                      [Dv]
 * visual_projection.weight                                       [P, Dv]   (no bias)
 * text_projection.weight                                         [P, Dt]   (no bias)
 * </pre>
 *
 * A vision-only model ({@code CLIPVisionModelWithProjection}, {@link ClipConfig#hasText()} false) has only the
 * {@code vision_model.*} keys and {@code visual_projection.weight}.
 *
 * <p>A GSE bundle whose {@code config.json} declares {@code gse.vision_head} ({@link ClipConfig.VisionHead})
 * also holds the MLP image head under keys outside Hugging Face's names, with {@code H} = the head's hidden width:
 *
 * <pre>
 * gse_head.fc1.weight                                            [H, Dv]
 * gse_head.fc1.bias                                              [H]
 * gse_head.fc2.weight                                            [P, H]
 * gse_head.fc2.bias                                              [P]
 * </pre>
 *
 * Without that declaration these keys are unexpected, and loaders reject them.
 *
 * <p>Some checkpoints also hold the non-parameter buffers {@link #BUFFERS} ({@code position_ids}, int64
 * {@code [1, N]}), which older HF versions saved; loaders accept and drop them.
 */
public final class ClipKeys {

    public static final String LOGIT_SCALE = "logit_scale";
    public static final String VISUAL_PROJECTION = "visual_projection.weight";
    public static final String TEXT_PROJECTION = "text_projection.weight";
    public static final String VISION = "vision_model.";
    public static final String TEXT = "text_model.";
    public static final String CLASS_EMBEDDING = "vision_model.embeddings.class_embedding";
    public static final String PATCH_EMBEDDING = "vision_model.embeddings.patch_embedding.weight";
    public static final String VISION_POSITION_EMBEDDING = "vision_model.embeddings.position_embedding.weight";
    public static final String TOKEN_EMBEDDING = "text_model.embeddings.token_embedding.weight";
    public static final String TEXT_POSITION_EMBEDDING = "text_model.embeddings.position_embedding.weight";

    /** Prefix of GSE's MLP image head, and its two linear layers; append {@code .weight} or {@code .bias}. */
    public static final String VISION_HEAD = "gse_head.";
    public static final String VISION_HEAD_FC1 = "gse_head.fc1";
    public static final String VISION_HEAD_FC2 = "gse_head.fc2";

    /** LayerNorm modules outside the encoder layers; append {@code .weight} or {@code .bias}. */
    public static final String VISION_PRE_LAYERNORM = "vision_model.pre_layrnorm";
    public static final String VISION_POST_LAYERNORM = "vision_model.post_layernorm";
    public static final String TEXT_FINAL_LAYERNORM = "text_model.final_layer_norm";

    /** Module names inside one encoder layer (after {@link #layer}); append {@code .weight} or {@code .bias}. */
    public static final String Q_PROJ = "self_attn.q_proj";
    public static final String K_PROJ = "self_attn.k_proj";
    public static final String V_PROJ = "self_attn.v_proj";
    public static final String OUT_PROJ = "self_attn.out_proj";
    public static final String LAYER_NORM1 = "layer_norm1";
    public static final String LAYER_NORM2 = "layer_norm2";
    public static final String FC1 = "mlp.fc1";
    public static final String FC2 = "mlp.fc2";

    /** Returns {@code module + ".weight"}. */
    public static String weight(String module) {
        return module + ".weight";
    }

    /** Returns {@code module + ".bias"}. */
    public static String bias(String module) {
        return module + ".bias";
    }

    /** Non-parameter buffers that some checkpoints hold and that carry no information (0, 1, ..., N-1). */
    public static final Set<String> BUFFERS = Set.of(
            "text_model.embeddings.position_ids", "vision_model.embeddings.position_ids");

    private ClipKeys() {}

    /** Returns every expected key and its shape, in HF {@code CLIPModel.state_dict()} order. */
    public static Map<String, long[]> expected(ClipConfig config) {
        Map<String, long[]> keys = new LinkedHashMap<>();
        ClipVisionConfig v = config.visionConfig();
        ClipTextConfig t = config.textConfig();
        if (t != null) {
            keys.put(LOGIT_SCALE, new long[0]);
            keys.put(TOKEN_EMBEDDING, shape(t.vocabSize(), t.hiddenSize()));
            keys.put(TEXT_POSITION_EMBEDDING, shape(t.maxPositionEmbeddings(), t.hiddenSize()));
            encoder(keys, "text_model.encoder", t.numHiddenLayers(), t.hiddenSize(), t.intermediateSize());
            layerNorm(keys, "text_model.final_layer_norm", t.hiddenSize());
        }
        keys.put(CLASS_EMBEDDING, shape(v.hiddenSize()));
        keys.put(PATCH_EMBEDDING, shape(v.hiddenSize(), v.numChannels(), v.patchSize(), v.patchSize()));
        keys.put(VISION_POSITION_EMBEDDING, shape(v.numPositions(), v.hiddenSize()));
        layerNorm(keys, "vision_model.pre_layrnorm", v.hiddenSize());
        encoder(keys, "vision_model.encoder", v.numHiddenLayers(), v.hiddenSize(), v.intermediateSize());
        layerNorm(keys, "vision_model.post_layernorm", v.hiddenSize());
        keys.put(VISUAL_PROJECTION, shape(config.projectionDim(), v.hiddenSize()));
        if (t != null) {
            keys.put(TEXT_PROJECTION, shape(config.projectionDim(), t.hiddenSize()));
        }
        if (config.visionHead() != null) {
            int hidden = config.visionHead().hidden();
            keys.put(weight(VISION_HEAD_FC1), shape(hidden, v.hiddenSize()));
            keys.put(bias(VISION_HEAD_FC1), shape(hidden));
            keys.put(weight(VISION_HEAD_FC2), shape(config.projectionDim(), hidden));
            keys.put(bias(VISION_HEAD_FC2), shape(config.projectionDim()));
        }
        return Collections.unmodifiableMap(keys);
    }

    /** Returns the key prefix of encoder layer {@code index} of a tower ({@link #VISION} or {@link #TEXT}). */
    public static String layer(String tower, int index) {
        return tower + "encoder.layers." + index + ".";
    }

    private static void encoder(Map<String, long[]> keys, String prefix, int layers, int hidden, int intermediate) {
        for (int i = 0; i < layers; i++) {
            String layer = prefix + ".layers." + i + ".";
            for (String projection : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                keys.put(layer + "self_attn." + projection + ".weight", shape(hidden, hidden));
                keys.put(layer + "self_attn." + projection + ".bias", shape(hidden));
            }
            layerNorm(keys, layer + "layer_norm1", hidden);
            keys.put(layer + "mlp.fc1.weight", shape(intermediate, hidden));
            keys.put(layer + "mlp.fc1.bias", shape(intermediate));
            keys.put(layer + "mlp.fc2.weight", shape(hidden, intermediate));
            keys.put(layer + "mlp.fc2.bias", shape(hidden));
            layerNorm(keys, layer + "layer_norm2", hidden);
        }
    }

    private static void layerNorm(Map<String, long[]> keys, String prefix, int hidden) {
        keys.put(prefix + ".weight", shape(hidden));
        keys.put(prefix + ".bias", shape(hidden));
    }

    private static long[] shape(long... dims) {
        return dims;
    }
}
