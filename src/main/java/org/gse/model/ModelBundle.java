package org.gse.model;

import org.gse.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.FramePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained GSE model as a folder that every command loads:
 *
 * <ul>
 *   <li>{@code config.json}: the Hugging Face {@code CLIPConfig}, plus a {@code gse} object with the frame and
 *       alpha policies the model was trained with (Hugging Face ignores unknown keys);</li>
 *   <li>{@code model.safetensors}: float32 weights under Hugging Face {@code CLIPModel} keys;</li>
 *   <li>{@code preprocessor_config.json}: the {@code CLIPImageProcessor} settings;</li>
 *   <li>{@code tokenizer.json}: the text tokenizer, when the model has a text tower;</li>
 *   <li>{@code gse.json}: the model card (base model, stages with data files and their SHA-256, seed, epochs,
 *       {@code threshold}, validation metrics, training time, project version).</li>
 * </ul>
 *
 * Since a bundle is also a Hugging Face model folder, {@link ClipCheckpoint#load(Path)} reads its weights.
 * {@link #write} builds the folder beside the target under a temporary name and renames it into place, so a
 * reader sees either the old bundle or the complete new one.
 */
public final class ModelBundle {

    private static final Logger LOG = LoggerFactory.getLogger(ModelBundle.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The model card's file name. */
    public static final String CARD = "gse.json";

    /** The value of the card's {@code format} field. */
    public static final String FORMAT = "gse-model-bundle/1";

    private ModelBundle() {}

    /**
     * The frame and alpha policies that a model's {@code config.json} declares in its {@code gse} object, which
     * the trainer writes with the policies it trained under. Either is null when the file does not declare it.
     */
    public record DeclaredPolicies(FramePolicy framePolicy, AlphaPolicy alphaPolicy) {

        /** Nothing declared, as for a plain Hugging Face folder. */
        public static final DeclaredPolicies NONE = new DeclaredPolicies(null, null);
    }

    /**
     * Reads the {@code gse.frame_policy} and {@code gse.alpha_policy} keys of a {@code config.json}. A missing
     * file, {@code gse} object or key declares nothing.
     *
     * @throws IllegalArgumentException when a declared value is not a valid policy, with the file in the message
     */
    public static DeclaredPolicies readPolicies(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            return DeclaredPolicies.NONE;
        }
        JsonNode gse;
        try {
            gse = JSON.readTree(configJson.toFile()).path("gse");
        } catch (JsonProcessingException e) {
            throw new IOException(configJson + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!gse.isObject()) {
            return DeclaredPolicies.NONE;
        }

        String frames = policyText(configJson, gse, "frame_policy");
        String alpha = policyText(configJson, gse, "alpha_policy");
        try {
            return new DeclaredPolicies(frames == null ? null : FramePolicy.parse(frames),
                    alpha == null ? null : AlphaPolicy.parse(alpha));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": invalid policy in the gse object: " + e.getMessage()
                    + "; fix the value or remove the key", e);
        }
    }

    private static String policyText(Path configJson, JsonNode gse, String key) {
        JsonNode value = gse.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(configJson + ": gse." + key + " must be a string such as \"middle\","
                    + " got " + value);
        }
        return value.asText();
    }

    /** Returns true when {@code path} is a folder with a {@code gse.json} model card. */
    public static boolean isBundle(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve(CARD));
    }

    /** Reads the model card of a bundle. */
    public static ObjectNode readCard(Path bundle) throws IOException {
        Path card = bundle.resolve(CARD);
        if (!Files.isRegularFile(card)) {
            throw new IllegalArgumentException(bundle + " is not a GSE model bundle: it has no " + CARD);
        }
        if (!(JSON.readTree(card.toFile()) instanceof ObjectNode node)) {
            throw new IllegalArgumentException(card + " is not a JSON object");
        }
        return node;
    }

    /**
     * Writes a bundle atomically.
     *
     * @param folder the bundle folder; an existing bundle there is replaced
     * @param config the architecture
     * @param weights float32 weights under HF keys
     * @param preprocessor the image preprocessing
     * @param tokenizer the {@code tokenizer.json} to copy, or null
     * @param gse the {@code gse} object stored in {@code config.json} (frame and alpha policies); the
     *     {@code vision_head} entry comes from {@code config}
     * @param card the model card
     */
    public static void write(Path folder, ClipConfig config, Map<String, Tensor> weights,
            ClipImageProcessorConfig preprocessor, Path tokenizer, ObjectNode gse, ObjectNode card)
            throws IOException {
        Path target = folder.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path temp = AtomicFiles.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        try {
            ClipCheckpoint.validate(config, weights, temp.resolve("model.safetensors"));
            Safetensors.write(temp.resolve("model.safetensors"), weights, Map.of("format", "pt"));
            ObjectNode configJson = ClipConfigJson.toJson(config);
            // The gse object of toJson (the vision head) merged with the caller's (frame and alpha policies)
            ObjectNode section = configJson.has("gse") ? (ObjectNode) configJson.get("gse") : configJson.putObject("gse");
            section.setAll(gse);
            Files.write(temp.resolve("config.json"), JSON.writeValueAsBytes(configJson));
            Files.writeString(temp.resolve("preprocessor_config.json"), preprocessor.toJson(), StandardCharsets.UTF_8);
            if (tokenizer != null) {
                Files.copy(tokenizer, temp.resolve("tokenizer.json"));
            }
            card.put("format", FORMAT);
            Files.write(temp.resolve(CARD), JSON.writeValueAsBytes(card));

            Path old = null;
            if (Files.exists(target)) {
                old = parent.resolve("." + target.getFileName() + ".old-" + System.nanoTime());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                deleteTree(old);
            }
            LOG.info("Wrote model bundle {}", target);
        } finally {
            if (Files.exists(temp)) {
                deleteTree(temp);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
