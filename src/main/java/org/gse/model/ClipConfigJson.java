package org.gse.model;

import org.gse.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reads and writes Hugging Face CLIP {@code config.json} files. Like {@code transformers}, a key that the file
 * omits takes the library default (the {@code openai/clip-vit-base-patch32} values), so configs that list only
 * non-default values (as newer {@code save_pretrained} writes them) read correctly. Accepted layouts:
 * <ul>
 *   <li>{@code CLIPConfig}: {@code vision_config}, {@code text_config} (old files: {@code *_config_dict}, whose
 *       values win), {@code projection_dim}, {@code logit_scale_init_value};</li>
 *   <li>{@code CLIPVisionConfig} ({@code model_type: clip_vision_model}, the vision fields at the top level plus
 *       {@code projection_dim}): a vision-only model, {@link ClipConfig#textConfig()} null.</li>
 * </ul>
 */
public final class ClipConfigJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ClipConfigJson() {}

    /** HF {@code CLIPVisionConfig} defaults. */
    static ObjectNode visionDefaults() {
        ObjectNode node = JSON.createObjectNode();
        node.put("hidden_size", 768).put("intermediate_size", 3072).put("num_hidden_layers", 12)
                .put("num_attention_heads", 12).put("num_channels", 3).put("image_size", 224)
                .put("patch_size", 32).put("hidden_act", "quick_gelu").put("layer_norm_eps", 1e-5);
        return node;
    }

    /** HF {@code CLIPTextConfig} defaults. */
    static ObjectNode textDefaults() {
        ObjectNode node = JSON.createObjectNode();
        node.put("vocab_size", 49408).put("hidden_size", 512).put("intermediate_size", 2048)
                .put("num_hidden_layers", 12).put("num_attention_heads", 8).put("max_position_embeddings", 77)
                .put("hidden_act", "quick_gelu").put("layer_norm_eps", 1e-5).put("bos_token_id", 49406)
                .put("eos_token_id", 49407).put("pad_token_id", 1);
        return node;
    }

    /** Reads a {@code config.json}, or the {@code config.json} inside a folder. */
    public static ClipConfig read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw CheckpointException.of(file, "config file not found", e);
        } catch (JsonProcessingException e) {
            throw CheckpointException.of(file, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw CheckpointException.of(file, "not a JSON object");
        }
        try {
            return parse((ObjectNode) root);
        } catch (IllegalArgumentException e) {
            throw CheckpointException.of(file, "not a usable CLIP config: " + e.getMessage(), e);
        }
    }

    /** Parses a config.json tree; see the class comment for the accepted layouts. */
    public static ClipConfig parse(ObjectNode root) {
        String modelType = root.path("model_type").asText("");
        boolean visionOnly = modelType.equals("clip_vision_model")
                || (!root.has("vision_config") && !root.has("vision_config_dict") && root.has("patch_size"));
        try {
            ClipConfig.VisionHead head = visionHead(root);
            if (visionOnly) {
                ClipVisionConfig vision = JSON.treeToValue(merge(visionDefaults(), root, null), ClipVisionConfig.class);
                return new ClipConfig(vision, null, root.path("projection_dim").asInt(512), 2.6592, head);
            }
            if (!modelType.isEmpty() && !modelType.equals("clip")) {
                throw new IllegalArgumentException("model_type is '" + modelType + "', expected 'clip' or"
                        + " 'clip_vision_model'");
            }
            ClipVisionConfig vision = JSON.treeToValue(
                    merge(visionDefaults(), root.get("vision_config"), root.get("vision_config_dict")),
                    ClipVisionConfig.class);
            ClipTextConfig text = JSON.treeToValue(
                    merge(textDefaults(), root.get("text_config"), root.get("text_config_dict")),
                    ClipTextConfig.class);
            return new ClipConfig(vision, text, root.path("projection_dim").asInt(512),
                    root.path("logit_scale_init_value").asDouble(2.6592), head);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /** Reads {@code gse.vision_head}: absent or {@code {"type": "linear"}} gives null. */
    private static ClipConfig.VisionHead visionHead(ObjectNode root) {
        JsonNode node = root.path("gse").path("vision_head");
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String type = node.path("type").asText("");
        if (type.equals("linear")) {
            return null;
        }
        if (!type.equals(ClipConfig.VisionHead.TYPE) || !node.path("hidden").canConvertToInt()) {
            throw new IllegalArgumentException("gse.vision_head must be {\"type\": \"mlp\", \"hidden\": N} or"
                    + " {\"type\": \"linear\"}, got " + node);
        }
        return new ClipConfig.VisionHead(node.path("hidden").asInt());
    }

    /** Returns the {@code gse.vision_head} object of {@code head}. */
    public static ObjectNode visionHeadJson(ClipConfig.VisionHead head) {
        return JSON.createObjectNode().put("type", ClipConfig.VisionHead.TYPE).put("hidden", head.hidden());
    }

    private static ObjectNode merge(ObjectNode defaults, JsonNode config, JsonNode override) {
        for (JsonNode node : new JsonNode[] {config, override}) {
            if (node != null && node.isObject()) {
                node.properties().forEach(field -> {
                    if (defaults.has(field.getKey()) && !field.getValue().isNull()) {
                        defaults.set(field.getKey(), field.getValue());
                    }
                });
            }
        }
        return defaults;
    }

    /** Returns the HF {@code config.json} tree of {@code config}. */
    public static ObjectNode toJson(ClipConfig config) {
        ObjectNode root = JSON.createObjectNode();
        ClipVisionConfig v = config.visionConfig();
        ObjectNode vision = JSON.createObjectNode();
        vision.put("model_type", "clip_vision_model").put("hidden_size", v.hiddenSize())
                .put("intermediate_size", v.intermediateSize()).put("num_hidden_layers", v.numHiddenLayers())
                .put("num_attention_heads", v.numAttentionHeads()).put("num_channels", v.numChannels())
                .put("image_size", v.imageSize()).put("patch_size", v.patchSize()).put("hidden_act", v.hiddenAct())
                .put("layer_norm_eps", v.layerNormEps()).put("projection_dim", config.projectionDim());
        if (config.visionHead() != null) {
            root.putObject("gse").set("vision_head", visionHeadJson(config.visionHead()));
        }
        if (!config.hasText()) {
            root.put("architectures", JSON.createArrayNode().add("CLIPVisionModelWithProjection"));
            root.setAll(vision);
            return root;
        }
        ClipTextConfig t = config.textConfig();
        ObjectNode text = JSON.createObjectNode();
        text.put("model_type", "clip_text_model").put("vocab_size", t.vocabSize()).put("hidden_size", t.hiddenSize())
                .put("intermediate_size", t.intermediateSize()).put("num_hidden_layers", t.numHiddenLayers())
                .put("num_attention_heads", t.numAttentionHeads())
                .put("max_position_embeddings", t.maxPositionEmbeddings()).put("hidden_act", t.hiddenAct())
                .put("layer_norm_eps", t.layerNormEps()).put("bos_token_id", t.bosTokenId())
                .put("eos_token_id", t.eosTokenId()).put("pad_token_id", t.padTokenId())
                .put("projection_dim", config.projectionDim());
        root.put("architectures", JSON.createArrayNode().add("CLIPModel"));
        root.put("model_type", "clip");
        root.put("projection_dim", config.projectionDim());
        root.put("logit_scale_init_value", config.logitScaleInitValue());
        root.set("vision_config", vision);
        root.set("text_config", text);
        return root;
    }

    /** Writes {@code config} as an HF {@code config.json} (temporary file, then atomic rename). */
    public static void write(ClipConfig config, Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = AtomicFiles.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
        try {
            Files.write(temp, JSON.writeValueAsBytes(toJson(config)));
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
