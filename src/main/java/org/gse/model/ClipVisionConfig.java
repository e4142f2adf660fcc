package org.gse.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code vision_config} object of a Hugging Face {@code CLIPConfig}; each field is the JSON key of the same
 * name. Defaults reproduce {@code openai/clip-vit-base-patch32}; ViT-L/14 uses hidden_size 1024,
 * intermediate_size 4096, 24 layers, 16 heads and patch_size 14.
 *
 * @param hiddenSize width of the transformer residual stream (768 for ViT-B/32)
 * @param intermediateSize width of the MLP's hidden layer (3072)
 * @param numHiddenLayers transformer blocks (12)
 * @param numAttentionHeads attention heads per block (12)
 * @param numChannels input channels (3)
 * @param imageSize input side in pixels (224)
 * @param patchSize patch side in pixels (32)
 * @param hiddenAct activation in the MLP, {@code quick_gelu} for OpenAI CLIP
 * @param layerNormEps epsilon of every LayerNorm (1e-5)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipVisionConfig(
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("num_hidden_layers") int numHiddenLayers,
        @JsonProperty("num_attention_heads") int numAttentionHeads,
        @JsonProperty("num_channels") int numChannels,
        @JsonProperty("image_size") int imageSize,
        @JsonProperty("patch_size") int patchSize,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("layer_norm_eps") double layerNormEps) {

    /** The ViT-B/32 vision tower of {@code openai/clip-vit-base-patch32}. */
    public static final ClipVisionConfig VIT_B_32 =
            new ClipVisionConfig(768, 3072, 12, 12, 3, 224, 32, "quick_gelu", 1e-5);

    /** The ViT-L/14 vision tower of {@code openai/clip-vit-large-patch14}, which GSE fine-tunes. */
    public static final ClipVisionConfig VIT_L_14 =
            new ClipVisionConfig(1024, 4096, 24, 16, 3, 224, 14, "quick_gelu", 1e-5);

    public ClipVisionConfig {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("vision hidden_size " + hiddenSize
                    + " is not divisible by num_attention_heads " + numAttentionHeads);
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("vision image_size " + imageSize
                    + " is not divisible by patch_size " + patchSize);
        }
    }

    /** Returns the number of patches, {@code (image_size / patch_size)^2}. */
    public int numPatches() {
        int side = imageSize / patchSize;
        return side * side;
    }

    /** Returns the sequence length: patches plus the class token. */
    public int numPositions() {
        return numPatches() + 1;
    }

    /** Returns the per-head width, {@code hidden_size / num_attention_heads}. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }
}
