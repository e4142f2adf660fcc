package org.gse.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code text_config} object of a Hugging Face {@code CLIPConfig}; each field is the JSON key of the same
 * name. Defaults reproduce {@code openai/clip-vit-base-patch32}.
 *
 * @param vocabSize token vocabulary size (49408)
 * @param hiddenSize width of the residual stream (512)
 * @param intermediateSize width of the MLP's hidden layer (2048)
 * @param numHiddenLayers transformer blocks (12)
 * @param numAttentionHeads attention heads per block (8)
 * @param maxPositionEmbeddings context length (77)
 * @param hiddenAct activation in the MLP, {@code quick_gelu} for OpenAI CLIP
 * @param layerNormEps epsilon of every LayerNorm (1e-5)
 * @param bosTokenId start-of-text token (49406)
 * @param eosTokenId end-of-text token (49407); the text embedding is pooled at its first occurrence, except that
 *     a legacy value of 2 means "pool at the highest token id", as Hugging Face does for old configs
 * @param padTokenId padding token (1 in Hugging Face configs; OpenAI pads with 0)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipTextConfig(
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("num_hidden_layers") int numHiddenLayers,
        @JsonProperty("num_attention_heads") int numAttentionHeads,
        @JsonProperty("max_position_embeddings") int maxPositionEmbeddings,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("layer_norm_eps") double layerNormEps,
        @JsonProperty("bos_token_id") int bosTokenId,
        @JsonProperty("eos_token_id") int eosTokenId,
        @JsonProperty("pad_token_id") int padTokenId) {

    /** The text tower of {@code openai/clip-vit-base-patch32}. */
    public static final ClipTextConfig VIT_B_32 =
            new ClipTextConfig(49408, 512, 2048, 12, 8, 77, "quick_gelu", 1e-5, 49406, 49407, 1);

    /** The text tower of {@code openai/clip-vit-large-patch14}. */
    public static final ClipTextConfig VIT_L_14 =
            new ClipTextConfig(49408, 768, 3072, 12, 12, 77, "quick_gelu", 1e-5, 49406, 49407, 1);

    public ClipTextConfig {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("text hidden_size " + hiddenSize
                    + " is not divisible by num_attention_heads " + numAttentionHeads);
        }
    }

    /** Returns the per-head width, {@code hidden_size / num_attention_heads}. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }
}
