package org.gse.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CLIP model's architecture and float32 weights, loaded and checked, ready for an engine.
 *
 * <p>{@link #load(Path, Path)} accepts:
 * <ul>
 *   <li>a Hugging Face model folder: {@code config.json} with {@code model.safetensors}, or a sharded
 *       {@code model.safetensors.index.json}, or {@code pytorch_model.bin} (or its sharded index), tried in that
 *       order;</li>
 *   <li>a single weights file: {@code *.safetensors}, or a {@code torch.save} file ({@code .pt}, {@code .pth},
 *       {@code .bin}, {@code .ckpt}) holding a state dict at the top level or under {@code model_state_dict} (the
 *       GSE release) or {@code state_dict}.</li>
 * </ul>
 * The architecture comes from {@code base} when given (an HF {@code config.json}, or a folder holding one), else
 * from the folder's {@code config.json}, else it is {@linkplain #inferConfig inferred from the tensor shapes}.
 *
 * <p>Keys are normalised before the check: a common prefix in front of {@code vision_model.} (such as
 * {@code module.} from DataParallel, or the attribute name of a wrapper module) is stripped, and the known buffers
 * {@link ClipKeys#BUFFERS} are dropped. Then the weights must match {@link ClipKeys#expected} exactly; every
 * missing, unexpected and mis-shaped key is reported in one {@link CheckpointException}. A checkpoint with no text
 * weights at all ({@code CLIPVisionModelWithProjection} layout) loads as a vision-only model.
 *
 * @param config the architecture
 * @param weights float32 tensors in {@link ClipKeys#expected} order, HF names
 * @param source the file or folder loaded
 * @param format how the weights were stored ({@code safetensors}, {@code safetensors-sharded}, {@code torch})
 * @param notes what was assumed or changed while loading (inferred values, stripped prefixes, dropped buffers)
 */
public record ClipCheckpoint(ClipConfig config, Map<String, Tensor> weights, Path source, String format,
        List<String> notes) {

    private static final Logger LOG = LoggerFactory.getLogger(ClipCheckpoint.class);

    /** The head width of every OpenAI CLIP model, used to infer head counts: heads = hidden / 64. */
    public static final int CLIP_HEAD_DIM = 64;

    private static final Pattern LAYER = Pattern.compile("^(vision_model|text_model)\\.encoder\\.layers\\.(\\d+)\\.");

    public ClipCheckpoint {
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        notes = List.copyOf(notes);
    }

    /** Returns the weight called {@code name}; throws when there is none. */
    public Tensor tensor(String name) {
        Tensor tensor = weights.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no weight named " + name);
        }
        return tensor;
    }

    /** Returns the learned temperature {@code logit_scale} (before {@code exp}); NaN for a vision-only model. */
    public float logitScale() {
        Tensor tensor = weights.get(ClipKeys.LOGIT_SCALE);
        return tensor == null ? Float.NaN : tensor.data()[0];
    }

    /** Loads {@code path} with the architecture from its own {@code config.json} or inferred from shapes. */
    public static ClipCheckpoint load(Path path) throws IOException {
        return load(path, null);
    }

    /**
     * Loads a model folder or weights file.
     *
     * @param path an HF model folder or a weights file
     * @param base an HF {@code config.json} (or its folder) giving the architecture, or null
     */
    public static ClipCheckpoint load(Path path, Path base) throws IOException {
        if (!Files.exists(path)) {
            throw CheckpointException.of(path, "no such file or folder");
        }
        List<String> notes = new ArrayList<>();
        Weights raw = readWeights(path);
        Map<String, Tensor> weights = normalise(raw.tensors(), notes);

        ClipConfig config;
        Path ownConfig = Files.isDirectory(path) ? path.resolve("config.json") : null;
        if (base != null) {
            config = ClipConfigJson.read(base);
            notes.add("architecture from " + base);
        } else if (ownConfig != null && Files.exists(ownConfig)) {
            config = ClipConfigJson.read(ownConfig);
        } else {
            Inferred inferred = inferConfig(weights);
            config = inferred.config();
            notes.addAll(inferred.assumptions());
        }
        if (config.hasText() && !hasTextWeights(weights)) {
            config = new ClipConfig(config.visionConfig(), null, config.projectionDim(), config.logitScaleInitValue(),
                    config.visionHead());
            notes.add("no text weights: loaded as a vision-only model (CLIPVisionModelWithProjection layout)");
        }
        validate(config, weights, raw.source());

        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (String key : ClipKeys.expected(config).keySet()) {
            ordered.put(key, weights.get(key));
        }
        for (String note : notes) {
            LOG.info("{}: {}", path, note);
        }
        return new ClipCheckpoint(config, ordered, path, raw.format(), notes);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Weights as stored, before normalisation.
     *
     * @param tensors name to tensor, in file order
     * @param format {@code safetensors}, {@code safetensors-sharded}, {@code torch} or {@code torch-sharded}
     * @param source the file actually read (the index for a sharded checkpoint)
     */
    public record Weights(Map<String, Tensor> tensors, String format, Path source) {}

    /** Reads the weights of a model folder or file as stored, without checking them. */
    public static Weights readWeights(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            List<String> tried = List.of("model.safetensors", Safetensors.INDEX_FILE, "pytorch_model.bin",
                    "pytorch_model.bin.index.json");
            for (String name : tried) {
                Path file = path.resolve(name);
                if (Files.isRegularFile(file)) {
                    return readWeights(file);
                }
            }
            throw CheckpointException.of(path, "no weights in this folder: looked for " + String.join(", ", tried));
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return new Weights(Safetensors.read(path), "safetensors", path);
        }
        if (name.endsWith(".safetensors.index.json")) {
            return new Weights(Safetensors.readSharded(path), "safetensors-sharded", path);
        }
        if (name.endsWith(".bin.index.json")) {
            return new Weights(readTorchSharded(path), "torch-sharded", path);
        }
        if (name.endsWith(".json")) {
            throw CheckpointException.of(path, "a JSON file is not a checkpoint; pass the model folder, or the"
                    + " weights file with this as --base");
        }
        return new Weights(TorchCheckpoint.readStateDict(path), "torch", path);
    }

    private static Map<String, Tensor> readTorchSharded(Path index) throws IOException {
        Map<String, String> weightMap = Safetensors.readWeightMap(index);
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (String shard : new LinkedHashSet<>(weightMap.values())) {
            all.putAll(TorchCheckpoint.readStateDict(index.toAbsolutePath().getParent().resolve(shard)));
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (String key : weightMap.keySet()) {
            if (!all.containsKey(key)) {
                throw CheckpointException.of(index, key + " is in weight_map but not in " + weightMap.get(key));
            }
            ordered.put(key, all.remove(key));
        }
        ordered.putAll(all);
        return ordered;
    }

    /**
     * Strips a wrapper prefix (whatever stands before {@code vision_model.embeddings.patch_embedding.weight}) and
     * drops the {@link ClipKeys#BUFFERS}; records what it did in {@code notes}.
     */
    public static Map<String, Tensor> normalise(Map<String, Tensor> tensors, List<String> notes) {
        String prefix = "";
        for (String key : tensors.keySet()) {
            if (key.endsWith(ClipKeys.PATCH_EMBEDDING)) {
                prefix = key.substring(0, key.length() - ClipKeys.PATCH_EMBEDDING.length());
                break;
            }
        }
        if (prefix.isEmpty()) {
            for (String key : tensors.keySet()) {
                if (key.endsWith(ClipKeys.TOKEN_EMBEDDING)) {
                    prefix = key.substring(0, key.length() - ClipKeys.TOKEN_EMBEDDING.length());
                    break;
                }
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            String key = entry.getKey();
            if (!prefix.isEmpty() && key.startsWith(prefix)) {
                key = key.substring(prefix.length());
            }
            if (ClipKeys.BUFFERS.contains(key)) {
                dropped.add(key);
                continue;
            }
            out.put(key, entry.getValue());
        }
        if (!prefix.isEmpty()) {
            notes.add("stripped the key prefix '" + prefix + "'");
        }
        if (!dropped.isEmpty()) {
            LOG.debug("dropped the non-parameter buffers {}", dropped);
        }
        return out;
    }

    private static boolean hasTextWeights(Map<String, Tensor> weights) {
        for (String key : weights.keySet()) {
            if (key.startsWith(ClipKeys.TEXT) || key.equals(ClipKeys.TEXT_PROJECTION) || key.equals(ClipKeys.LOGIT_SCALE)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Validation

    /**
     * Checks that {@code weights} are exactly the keys and shapes of {@code config}. Throws one exception listing
     * every missing, unexpected and mis-shaped key (with expected and found shapes).
     */
    public static void validate(ClipConfig config, Map<String, Tensor> weights, Path source) throws CheckpointException {
        Map<String, long[]> expected = ClipKeys.expected(config);
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            Tensor tensor = weights.get(entry.getKey());
            if (tensor == null) {
                missing.add(entry.getKey() + " " + Arrays.toString(entry.getValue()));
            } else if (!Arrays.equals(tensor.shape(), entry.getValue())) {
                wrongShape.add(entry.getKey() + ": expected " + Arrays.toString(entry.getValue()) + ", found "
                        + tensor.shapeString());
            }
        }
        for (Map.Entry<String, Tensor> entry : weights.entrySet()) {
            if (!expected.containsKey(entry.getKey())) {
                unexpected.add(entry.getKey() + " " + entry.getValue().shapeString());
            }
        }
        if (missing.isEmpty() && wrongShape.isEmpty() && unexpected.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("the weights do not match the architecture (")
                .append(describe(config)).append("):");
        section(message, "missing", missing);
        section(message, "unexpected", unexpected);
        section(message, "wrong shape", wrongShape);
        if (!missing.isEmpty() && !unexpected.isEmpty()) {
            message.append("\nIs this a CLIP checkpoint in Hugging Face naming, and is --base the right config?");
        }
        throw CheckpointException.of(source, message.toString());
    }

    private static void section(StringBuilder message, String title, List<String> items) {
        if (!items.isEmpty()) {
            message.append("\n  ").append(title).append(" (").append(items.size()).append("):");
            for (String item : items) {
                message.append("\n    ").append(item);
            }
        }
    }

    /** A one-line summary of an architecture, for messages. */
    public static String describe(ClipConfig config) {
        ClipVisionConfig v = config.visionConfig();
        String text = "";
        if (config.hasText()) {
            ClipTextConfig t = config.textConfig();
            text = String.format(Locale.ROOT, ", text %d layers x %d wide, %d heads, vocab %d, context %d",
                    t.numHiddenLayers(), t.hiddenSize(), t.numAttentionHeads(), t.vocabSize(),
                    t.maxPositionEmbeddings());
        }
        return String.format(Locale.ROOT, "vision %d layers x %d wide, %d heads, patch %d, image %d%s, projection %d",
                v.numHiddenLayers(), v.hiddenSize(), v.numAttentionHeads(), v.patchSize(), v.imageSize(), text,
                config.projectionDim());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Inference

    /**
     * An architecture inferred from shapes.
     *
     * @param config the architecture
     * @param assumptions the values that shapes cannot tell and were assumed, in words
     */
    public record Inferred(ClipConfig config, List<String> assumptions) {}

    /**
     * Infers the architecture from tensor shapes (HF names, after {@link #normalise}): hidden sizes, intermediate
     * sizes, layer counts, patch size, channels, image size (from the number of vision positions), vocabulary,
     * context length and projection size. Shapes cannot tell the head count, the activation or the special token
     * ids; they are assumed as in OpenAI CLIP: {@code heads = hidden / 64}, {@code quick_gelu}, layer-norm epsilon
     * 1e-5, bos/eos = the two highest token ids (49406/49407 for the real vocabulary), pad 1, and the result lists
     * these assumptions. When a hidden size is not a multiple of 64 the heads cannot be assumed: pass a base config.
     */
    public static Inferred inferConfig(Map<String, Tensor> weights) throws CheckpointException {
        return inferConfig(weights, 0, 0);
    }

    /**
     * As {@link #inferConfig(Map)} with the head counts given ({@code 0} = assume {@code hidden / 64}).
     */
    public static Inferred inferConfig(Map<String, Tensor> weights, int visionHeads, int textHeads)
            throws CheckpointException {
        List<String> assumptions = new ArrayList<>();
        long[] patch = require(weights, ClipKeys.PATCH_EMBEDDING, 4);
        long[] positions = require(weights, ClipKeys.VISION_POSITION_EMBEDDING, 2);
        long[] visual = require(weights, ClipKeys.VISUAL_PROJECTION, 2);
        int hidden = (int) patch[0];
        int channels = (int) patch[1];
        if (patch[2] != patch[3]) {
            throw inferenceError("the patch embedding " + Arrays.toString(patch) + " is not square");
        }
        int patchSize = (int) patch[2];
        long patches = positions[0] - 1;
        long side = Math.round(Math.sqrt(patches));
        if (side * side != patches) {
            throw inferenceError("the vision position embedding has " + positions[0] + " rows; "
                    + patches + " patches are not a square grid");
        }
        int visionLayers = countLayers(weights, "vision_model");
        int visionIntermediate = (int) require(weights, ClipKeys.layer(ClipKeys.VISION, 0) + "mlp.fc1.weight", 2)[0];
        int vHeads = heads(hidden, visionHeads, "vision", assumptions);
        ClipVisionConfig vision = new ClipVisionConfig(hidden, visionIntermediate, visionLayers, vHeads, channels,
                (int) side * patchSize, patchSize, "quick_gelu", 1e-5);
        ClipTextConfig text = null;
        if (weights.containsKey(ClipKeys.TOKEN_EMBEDDING)) {
            long[] tokens = require(weights, ClipKeys.TOKEN_EMBEDDING, 2);
            long[] textPositions = require(weights, ClipKeys.TEXT_POSITION_EMBEDDING, 2);
            int textHidden = (int) tokens[1];
            int vocab = (int) tokens[0];
            int textLayers = countLayers(weights, "text_model");
            int textIntermediate = (int) require(weights, ClipKeys.layer(ClipKeys.TEXT, 0) + "mlp.fc1.weight", 2)[0];
            int tHeads = heads(textHidden, textHeads, "text", assumptions);
            text = new ClipTextConfig(vocab, textHidden, textIntermediate, textLayers, tHeads, (int) textPositions[0],
                    "quick_gelu", 1e-5, vocab - 2, vocab - 1, 1);
            assumptions.add("text bos/eos token ids assumed " + (vocab - 2) + "/" + (vocab - 1)
                    + " (the two highest ids, as in CLIP's vocabulary); pad 1");
        }
        assumptions.add("hidden_act assumed quick_gelu and layer_norm_eps 1e-5 (OpenAI CLIP); shapes cannot tell");
        ClipConfig config = new ClipConfig(vision, text, (int) visual[0], 2.6592);
        assumptions.addFirst("architecture inferred from tensor shapes: " + describe(config));
        return new Inferred(config, assumptions);
    }

    private static int heads(int hidden, int given, String tower, List<String> assumptions) throws CheckpointException {
        if (given > 0) {
            return given;
        }
        if (hidden % CLIP_HEAD_DIM != 0) {
            throw inferenceError("the " + tower + " hidden size " + hidden + " is not a multiple of " + CLIP_HEAD_DIM
                    + ", so the number of attention heads cannot be assumed; pass the model's config.json as --base");
        }
        int heads = hidden / CLIP_HEAD_DIM;
        assumptions.add(tower + " num_attention_heads assumed " + heads + " = hidden " + hidden + " / head width "
                + CLIP_HEAD_DIM + " (the CLIP rule; shapes cannot tell)");
        return heads;
    }

    private static int countLayers(Map<String, Tensor> weights, String tower) throws CheckpointException {
        Set<Integer> layers = new TreeSet<>();
        for (String key : weights.keySet()) {
            Matcher matcher = LAYER.matcher(key);
            if (matcher.find() && matcher.group(1).equals(tower)) {
                layers.add(Integer.parseInt(matcher.group(2)));
            }
        }
        if (layers.isEmpty()) {
            throw inferenceError("no " + tower + ".encoder.layers.N weights");
        }
        int count = layers.size();
        if (!layers.contains(0) || !layers.contains(count - 1)) {
            throw inferenceError(tower + " layer numbers " + layers + " are not 0.." + (count - 1));
        }
        return count;
    }

    private static long[] require(Map<String, Tensor> weights, String key, int rank) throws CheckpointException {
        Tensor tensor = weights.get(key);
        if (tensor == null) {
            throw inferenceError("there is no " + key);
        }
        if (tensor.shape().length != rank) {
            throw inferenceError(key + " has shape " + tensor.shapeString() + ", expected " + rank + " dimensions");
        }
        return tensor.shape();
    }

    private static CheckpointException inferenceError(String problem) {
        return new CheckpointException("cannot infer the CLIP architecture from the weights: " + problem
                + ". Pass the model's Hugging Face config.json as --base.");
    }
}
