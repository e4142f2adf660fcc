package org.gse.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A Hugging Face {@code CLIPConfig} as stored in a model folder's {@code config.json}: both towers, the size of
 * the shared embedding space and the initial {@code logit_scale}.
 *
 * @param visionConfig the {@code vision_config} object
 * @param textConfig the {@code text_config} object, or null for a vision-only model
 * @param projectionDim size of the shared embedding space (512 for ViT-B/32, 768 for ViT-L/14)
 * @param logitScaleInitValue initial value of the learnable {@code logit_scale}, ln(1/0.07) = 2.6592
 * @param visionHead GSE's MLP head in place of {@code visual_projection}, declared in {@code config.json} as
 *     {@code gse.vision_head}; null for CLIP's linear projection
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipConfig(
        @JsonProperty("vision_config") ClipVisionConfig visionConfig,
        @JsonProperty("text_config") ClipTextConfig textConfig,
        @JsonProperty("projection_dim") int projectionDim,
        @JsonProperty("logit_scale_init_value") double logitScaleInitValue,
        @JsonIgnore VisionHead visionHead) {

    /**
     * An MLP image head: {@code Linear(hidden_size -> hidden) -> GELU (erf) -> Linear(hidden -> projection_dim)} on
     * the pooled, {@code post_layernorm}-ed class token. Its weights are {@link ClipKeys#VISION_HEAD_FC1} and
     * {@link ClipKeys#VISION_HEAD_FC2}; {@code visual_projection} stays in the checkpoint but is not used.
     *
     * @param hidden width of the hidden layer
     */
    public record VisionHead(int hidden) {
        /** The {@code type} that {@code config.json} and training configs give for this head. */
        public static final String TYPE = "mlp";

        public VisionHead {
            if (hidden < 1) {
                throw new IllegalArgumentException("vision head hidden width must be positive, got " + hidden);
            }
        }
    }

    /** A configuration with CLIP's linear image projection. */
    public ClipConfig(ClipVisionConfig visionConfig, ClipTextConfig textConfig, int projectionDim,
            double logitScaleInitValue) {
        this(visionConfig, textConfig, projectionDim, logitScaleInitValue, null);
    }

    /** {@code openai/clip-vit-base-patch32}. */
    public static final ClipConfig VIT_B_32 =
            new ClipConfig(ClipVisionConfig.VIT_B_32, ClipTextConfig.VIT_B_32, 512, 2.6592);

    /** {@code openai/clip-vit-large-patch14}, the base of the published GSE model. */
    public static final ClipConfig VIT_L_14 =
            new ClipConfig(ClipVisionConfig.VIT_L_14, ClipTextConfig.VIT_L_14, 768, 2.6592);

    public ClipConfig {
        if (visionConfig == null) {
            throw new IllegalArgumentException("config.json has no vision_config; a CLIP model needs one");
        }
        if (projectionDim < 1) {
            throw new IllegalArgumentException("projection_dim must be positive, got " + projectionDim);
        }
    }

    /** Returns this configuration with {@code head} as the image head (null for the linear projection). */
    public ClipConfig withVisionHead(VisionHead head) {
        return new ClipConfig(visionConfig, textConfig, projectionDim, logitScaleInitValue, head);
    }

    /** Returns true when the model has a text tower. */
    public boolean hasText() {
        return textConfig != null;
    }
}
