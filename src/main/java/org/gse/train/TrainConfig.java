package org.gse.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.gse.model.ClipConfig;
import org.gse.model.ClipConfigJson;

/**
 * A training run as written in a YAML or JSON file: the base model, the stages in order, the seed and the output
 * folder. {@code docs/training.md} shows a complete example. Relative paths are resolved against the folder of
 * the configuration file. Every error names the field, such as {@code stages[1].batch_size}, and unknown fields
 * are rejected so that a misspelt option never silently takes its default.
 *
 * @param base where the starting weights come from
 * @param seed seeds data order, augmentation, the validation split and random initialisation
 * @param output the folder the model bundle is written to; checkpoints go to {@code output + ".checkpoint"}
 * @param validationFraction the share of training stickers held out for validation (0.1), or 0 with
 *     {@code validation}
 * @param validation an optional Triple-S pair file that validates every stage and sets the threshold, in place of
 *     held-out training stickers. None of its stickers may appear in the training data.
 * @param test an optional Triple-S pair file of test data: training fails if any of its stickers is used
 * @param logEvery log a progress line every this many optimizer steps (10)
 * @param stages the stages, run in order
 * @param source the configuration file, or null when parsed from text
 */
public record TrainConfig(Base base, long seed, Path output, double validationFraction, Path validation,
        Path test, int logEvery, List<StageConfig> stages, Path source) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * The starting point: exactly one of {@code model} and {@code architecture}.
     *
     * @param model a Hugging Face folder, a {@code .pt}/{@code .safetensors} file or a GSE model bundle
     * @param architecture an inline Hugging Face {@code config.json} object to start from random weights
     * @param tokenizer a {@code tokenizer.json}; defaults to the one in {@code model}
     * @param preprocessor a {@code preprocessor_config.json}; defaults to the one in {@code model}, or to CLIP's
     *     values at the architecture's image size
     */
    public record Base(Path model, ClipConfig architecture, Path tokenizer, Path preprocessor) {

        /** Returns a short description for logs and the model card. */
        public String describe() {
            return model != null ? model.toString() : "random weights (" + architecture.visionConfig().imageSize()
                    + " px ViT, " + architecture.visionConfig().numHiddenLayers() + " layers)";
        }
    }

    /** The data kind of a stage: images with text queries, or image pairs. */
    public enum Kind {
        /** Stickers with search queries: symmetric image-text InfoNCE. */
        IMAGE_TEXT("image-text"),
        /** Labelled sticker pairs: image-image InfoNCE with hard negatives, or a margin loss. */
        IMAGE_IMAGE("image-image");

        final String id;

        Kind(String id) {
            this.id = id;
        }
    }

    /**
     * Which parameters a stage updates. {@code HEAD} trains the image head (the linear {@code visual_projection},
     * or the MLP head a stage's {@code head} field declares) and, for image-text, the text projection and
     * {@code logit_scale}, on cached backbone features. {@code TEXT} (image-text only) trains the whole text tower,
     * its projection and {@code logit_scale} against the locked image tower, as in Zhai et al., "LiT: Zero-Shot
     * Transfer with Locked-image text Tuning" (CVPR 2022): the image embeddings, and every image-image result, stay
     * exactly as the earlier stages left them.
     */
    public enum Mode { HEAD, LAST_BLOCKS, ALL, TEXT }

    /**
     * The loss of an image-image stage: InfoNCE over similar pairs with in-batch and labelled hard negatives, a
     * margin loss over labelled pairs, or the supervised contrastive loss over groups of similar stickers.
     */
    public enum Loss { INFONCE, MARGIN, SUPCON }

    /**
     * Sticker augmentations, applied to training images only (never in {@code head} mode, whose backbone
     * features are cached from the unaugmented images).
     *
     * @param cropScaleMin the smallest area share a random resized crop keeps (0.6); 1 turns cropping off
     * @param colorJitter the largest relative change of brightness, contrast and saturation (0.2)
     * @param randomBackground composite transparent stickers over a random colour instead of white (true)
     * @param randomFrame take a random frame of an animated sticker instead of the middle one (true)
     * @param horizontalFlip mirror half the images; off by default because stickers often carry text (false)
     */
    public record Augment(double cropScaleMin, double colorJitter, boolean randomBackground, boolean randomFrame,
            boolean horizontalFlip) {

        public static final Augment DEFAULT = new Augment(0.6, 0.2, true, true, false);
        public static final Augment NONE = new Augment(1.0, 0.0, false, false, false);
    }

    /**
     * One stage.
     *
     * @param name a label for logs and the model card (defaults to {@code stage-N})
     * @param kind {@code image-text} or {@code image-image}
     * @param images the folder holding the sticker files, named by {@code sticker_id}
     * @param data the StickerQueries file ({@code image-text}) or the Triple-S pair file ({@code image-image})
     * @param mode what is trained: {@code head}, {@code last_blocks} or {@code all}
     * @param lastBlocks the number of trailing vision blocks trained in {@code last_blocks} mode
     * @param epochs the maximum number of epochs
     * @param batchSize examples per micro-batch, which are each other's in-batch negatives. With the
     *     {@code supcon} loss an example is a group of similar stickers, so a batch contains every member of each
     *     group
     * @param accumulationSteps micro-batches per optimizer step
     * @param learningRate the peak learning rate after warm-up
     * @param weightDecay AdamW's decoupled weight decay, not applied to norms, biases, embeddings and logit_scale
     * @param warmupSteps optimizer steps of linear warm-up before the cosine decay
     * @param maxGradNorm the global gradient norm is clipped to this value (0 turns clipping off)
     * @param patience stop after this many epochs without a better validation AUC (0 turns early stopping off)
     * @param loss the image-image loss
     * @param temperature the fixed softmax temperature of the image-image InfoNCE and supervised contrastive loss
     * @param margin the cosine margin of the margin loss: negatives are pushed below it
     * @param hardNegatives add each anchor's labelled negative partner to the image-image InfoNCE columns
     * @param augment the image augmentations
     * @param head the MLP image head a {@code head} stage adds and trains ({@code head: {type: mlp, hidden: N}}),
     *     or null for the linear {@code visual_projection} ({@code head: linear}, the default)
     */
    public record StageConfig(String name, Kind kind, Path images, Path data, Mode mode, int lastBlocks, int epochs,
            int batchSize, int accumulationSteps, double learningRate, double weightDecay, int warmupSteps,
            double maxGradNorm, int patience, Loss loss, double temperature, double margin, boolean hardNegatives,
            Augment augment, ClipConfig.VisionHead head) {

        /** Returns the training mode as written in the configuration. */
        public String modeText() {
            return switch (mode) {
                case HEAD -> "head";
                case TEXT -> "text";
                case ALL -> "all";
                case LAST_BLOCKS -> "last_blocks: " + lastBlocks;
            };
        }
    }

    /** Returns this configuration with another output folder (the command line's {@code --out}). */
    public TrainConfig withOutput(Path folder) {
        return new TrainConfig(base, seed, folder, validationFraction, validation, test, logEvery, stages, source);
    }

    /** Reads a YAML or JSON file (JSON is valid YAML). */
    public static TrainConfig read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("training config not found: " + file, e);
        }
        return parse(text, file.toAbsolutePath().getParent(), file);
    }

    /** Parses configuration text; relative paths resolve against {@code folder}. */
    public static TrainConfig parse(String text, Path folder, Path source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where(source) + "not valid YAML or JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(where(source) + "the training config must be a mapping with base,"
                    + " stages and output");
        }
        Fields top = new Fields((ObjectNode) root, "", source, folder);
        top.allow("base", "seed", "output", "validation_fraction", "validation", "test", "log_every", "stages");

        Base base = parseBase(top.object("base", true), source, folder);
        long seed = top.integer("seed", 42, Long.MIN_VALUE);
        Path output = top.path("output", true);
        Path validation = top.path("validation", false);
        if (validation != null && root.has("validation_fraction")) {
            throw top.error("validation_fraction", "cannot be combined with validation: the validation pair file"
                    + " takes the place of held-out training stickers; remove one of the two");
        }
        double validationFraction = validation != null ? 0 : top.number("validation_fraction", 0.1);
        if (validation == null && !(validationFraction > 0 && validationFraction < 0.9)) {
            throw top.error("validation_fraction", "must be between 0 and 0.9 (exclusive), got " + validationFraction);
        }
        Path test = top.path("test", false);
        int logEvery = (int) top.integer("log_every", 10, 1);

        JsonNode stagesNode = root.get("stages");
        if (stagesNode == null || !stagesNode.isArray() || stagesNode.isEmpty()) {
            throw top.error("stages", "must be a non-empty list of stages (kind: image-text or image-image)");
        }
        List<StageConfig> stages = new ArrayList<>();
        for (int i = 0; i < stagesNode.size(); i++) {
            JsonNode node = stagesNode.get(i);
            if (!node.isObject()) {
                throw top.error("stages[" + i + "]", "must be a mapping");
            }
            stages.add(parseStage(new Fields((ObjectNode) node, "stages[" + i + "].", source, folder), i, base));
        }
        return new TrainConfig(base, seed, output, validationFraction, validation, test, logEvery,
                List.copyOf(stages), source);
    }

    private static Base parseBase(Fields fields, Path source, Path folder) {
        fields.allow("model", "architecture", "tokenizer", "preprocessor");
        Path model = fields.path("model", false);
        JsonNode architectureNode = fields.node.get("architecture");
        if ((model == null) == (architectureNode == null)) {
            throw fields.error("model", "give exactly one of base.model (a model folder, .pt or bundle) and"
                    + " base.architecture (an inline config.json to start from random weights)");
        }
        ClipConfig architecture = null;
        if (architectureNode != null) {
            if (!architectureNode.isObject()) {
                throw fields.error("architecture", "must be a mapping in Hugging Face config.json form");
            }
            try {
                architecture = ClipConfigJson.parse((ObjectNode) architectureNode);
            } catch (IllegalArgumentException e) {
                throw fields.error("architecture", e.getMessage());
            }
            if (!architecture.hasText()) {
                throw fields.error("architecture", "needs a text_config: image-text stages train the text tower");
            }
        }
        Path tokenizer = fields.path("tokenizer", false);
        if (tokenizer == null && model == null) {
            throw fields.error("tokenizer", "is required with base.architecture (a CLIP tokenizer.json)");
        }
        return new Base(model, architecture, tokenizer, fields.path("preprocessor", false));
    }

    private static StageConfig parseStage(Fields f, int index, Base base) {
        f.allow("name", "kind", "images", "queries", "pairs", "train", "epochs", "batch_size", "accumulation_steps",
                "learning_rate", "weight_decay", "warmup_steps", "max_grad_norm", "patience", "loss", "temperature",
                "margin", "hard_negatives", "augment", "head");
        String name = f.text("name", "stage-" + (index + 1));
        String kindText = f.text("kind", null);
        Kind kind = null;
        for (Kind candidate : Kind.values()) {
            if (candidate.id.equals(kindText)) {
                kind = candidate;
            }
        }
        if (kind == null) {
            throw f.error("kind", "must be image-text or image-image, got " + (kindText == null ? "nothing" : "'"
                    + kindText + "'"));
        }
        Path images = f.path("images", true);
        Path data;
        if (kind == Kind.IMAGE_TEXT) {
            if (f.node.has("pairs")) {
                throw f.error("pairs", "belongs to image-image stages; an image-text stage reads queries");
            }
            data = f.path("queries", true);
        } else {
            if (f.node.has("queries")) {
                throw f.error("queries", "belongs to image-text stages; an image-image stage reads pairs");
            }
            data = f.path("pairs", true);
        }

        Mode mode;
        int lastBlocks = 0;
        JsonNode train = f.node.get("train");
        if (train == null || (train.isTextual() && train.asText().equals("head"))) {
            mode = Mode.HEAD;
        } else if (train.isTextual() && train.asText().equals("all")) {
            mode = Mode.ALL;
        } else if (train.isTextual() && train.asText().equals("text")) {
            if (kind != Kind.IMAGE_TEXT) {
                throw f.error("train", "text trains the text tower against the locked image tower, so it needs an"
                        + " image-text stage; this stage is image-image");
            }
            mode = Mode.TEXT;
        } else if (train.isObject() && train.size() == 1 && train.has("last_blocks") && train.get("last_blocks").isInt()) {
            mode = Mode.LAST_BLOCKS;
            lastBlocks = train.get("last_blocks").asInt();
            int layers = base.architecture() != null ? base.architecture().visionConfig().numHiddenLayers()
                    : Integer.MAX_VALUE;
            if (lastBlocks < 1 || lastBlocks > layers) {
                throw f.error("train.last_blocks", "must be from 1 to the number of vision layers, got " + lastBlocks);
            }
        } else {
            throw f.error("train", "must be head, all, text or {last_blocks: N}, got " + train);
        }

        int epochs = (int) f.integer("epochs", 5, 1);
        int batchSize = (int) f.integer("batch_size", 32, 2);
        int accumulation = (int) f.integer("accumulation_steps", 1, 1);
        double learningRate = f.positive("learning_rate", mode == Mode.HEAD ? 1e-3 : 1e-5);
        double weightDecay = f.number("weight_decay", 0.1);
        if (weightDecay < 0) {
            throw f.error("weight_decay", "must not be negative, got " + weightDecay);
        }
        int warmup = (int) f.integer("warmup_steps", 0, 0);
        double maxGradNorm = f.number("max_grad_norm", 1.0);
        if (maxGradNorm < 0) {
            throw f.error("max_grad_norm", "must not be negative (0 turns clipping off), got " + maxGradNorm);
        }
        int patience = (int) f.integer("patience", 3, 0);
        String lossText = f.text("loss", "infonce");
        Loss loss = switch (lossText) {
            case "infonce" -> Loss.INFONCE;
            case "margin" -> Loss.MARGIN;
            case "supcon" -> Loss.SUPCON;
            default -> throw f.error("loss", "must be infonce, margin or supcon, got '" + lossText + "'");
        };
        if (kind == Kind.IMAGE_TEXT && f.node.has("loss")) {
            throw f.error("loss", "applies to image-image stages; image-text stages use the CLIP InfoNCE loss");
        }
        double temperature = f.positive("temperature", 0.05);
        double margin = f.number("margin", 0.5);
        boolean hardNegatives = f.bool("hard_negatives", true);
        Augment augment = parseAugment(f.node.get("augment"), f);
        ClipConfig.VisionHead head = parseHead(f.node.get("head"), f, mode);
        return new StageConfig(name, kind, images, data, mode, lastBlocks, epochs, batchSize, accumulation,
                learningRate, weightDecay, warmup, maxGradNorm, patience, loss, temperature, margin, hardNegatives,
                augment, head);
    }

    /** Parses {@code head}: absent, {@code linear} or {@code {type: linear}} give null. */
    private static ClipConfig.VisionHead parseHead(JsonNode node, Fields stage, Mode mode) {
        if (node == null || (node.isTextual() && node.asText().equals("linear"))) {
            return null;
        }
        if (!node.isObject()) {
            throw stage.error("head", "must be linear or {type: mlp, hidden: N}, got " + node);
        }
        Fields f = new Fields((ObjectNode) node, stage.prefix + "head.", stage.source, stage.folder);
        f.allow("type", "hidden");
        String type = f.text("type", "linear");
        if (type.equals("linear")) {
            if (node.has("hidden")) {
                throw f.error("hidden", "applies to the mlp head only");
            }
            return null;
        }
        if (!type.equals(ClipConfig.VisionHead.TYPE)) {
            throw f.error("type", "must be linear or mlp, got '" + type + "'");
        }
        if (mode != Mode.HEAD) {
            String trained = switch (mode) {
                case ALL -> "all";
                case TEXT -> "text";
                case LAST_BLOCKS -> "last_blocks";
                case HEAD -> "head";
            };
            throw stage.error("head", "an mlp head is added by a stage with train: head; this stage trains "
                    + trained);
        }
        return new ClipConfig.VisionHead((int) f.integer("hidden", 512, 1));
    }

    private static Augment parseAugment(JsonNode node, Fields stage) {
        if (node == null) {
            return Augment.DEFAULT;
        }
        if (node.isBoolean()) {
            return node.asBoolean() ? Augment.DEFAULT : Augment.NONE;
        }
        if (!node.isObject()) {
            throw stage.error("augment", "must be true, false or a mapping");
        }
        Fields f = new Fields((ObjectNode) node, stage.prefix + "augment.", stage.source, stage.folder);
        f.allow("crop_scale_min", "color_jitter", "random_background", "random_frame", "horizontal_flip");
        Augment d = Augment.DEFAULT;
        double cropScaleMin = f.number("crop_scale_min", d.cropScaleMin());
        if (!(cropScaleMin > 0 && cropScaleMin <= 1)) {
            throw f.error("crop_scale_min", "must be in (0, 1], got " + cropScaleMin);
        }
        double jitter = f.number("color_jitter", d.colorJitter());
        if (jitter < 0 || jitter >= 1) {
            throw f.error("color_jitter", "must be in [0, 1), got " + jitter);
        }
        return new Augment(cropScaleMin, jitter, f.bool("random_background", d.randomBackground()),
                f.bool("random_frame", d.randomFrame()), f.bool("horizontal_flip", d.horizontalFlip()));
    }

    private static String where(Path source) {
        return source == null ? "" : source + ": ";
    }

    /** Typed access to one mapping, with errors that name {@code prefix + field}. */
    private static final class Fields {
        final ObjectNode node;
        final String prefix;
        final Path source;
        final Path folder;

        Fields(ObjectNode node, String prefix, Path source, Path folder) {
            this.node = node;
            this.prefix = prefix;
            this.source = source;
            this.folder = folder;
        }

        IllegalArgumentException error(String field, String problem) {
            return new IllegalArgumentException(where(source) + prefix + field + ": " + problem);
        }

        void allow(String... names) {
            Set<String> allowed = Set.of(names);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    throw error(name, "unknown field; expected one of " + String.join(", ", names));
                }
            }
        }

        Fields object(String field, boolean required) {
            JsonNode value = node.get(field);
            if (value == null && required) {
                throw error(field, "is required");
            }
            if (value != null && !value.isObject()) {
                throw error(field, "must be a mapping");
            }
            return new Fields(value == null ? YAML.createObjectNode() : (ObjectNode) value, prefix + field + ".",
                    source, folder);
        }

        String text(String field, String fallback) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isTextual()) {
                throw error(field, "must be text, got " + value);
            }
            return value.asText();
        }

        Path path(String field, boolean required) {
            String value = text(field, null);
            if (value == null || value.isBlank()) {
                if (required) {
                    throw error(field, "is required (a file or folder path)");
                }
                return null;
            }
            Path path = Path.of(value);
            return path.isAbsolute() || folder == null ? path : folder.resolve(path).normalize();
        }

        long integer(String field, long fallback, long min) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isIntegralNumber()) {
                throw error(field, "must be a whole number, got " + value);
            }
            if (value.asLong() < min) {
                throw error(field, "must be at least " + min + ", got " + value.asLong());
            }
            return value.asLong();
        }

        double number(String field, double fallback) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            // YAML 1.1 reads 1e-4 (no dot) as a string, so numeric text is accepted too.
            if (value.isTextual()) {
                try {
                    return Double.parseDouble(value.asText());
                } catch (NumberFormatException e) {
                    throw error(field, "must be a number, got '" + value.asText() + "'");
                }
            }
            if (!value.isNumber()) {
                throw error(field, "must be a number, got " + value);
            }
            return value.asDouble();
        }

        double positive(String field, double fallback) {
            double value = number(field, fallback);
            if (!(value > 0) || Double.isInfinite(value)) {
                throw error(field, String.format(Locale.ROOT, "must be a positive number, got %s", value));
            }
            return value;
        }

        boolean bool(String field, boolean fallback) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isBoolean()) {
                throw error(field, "must be true or false, got " + value);
            }
            return value.asBoolean();
        }
    }
}
