package org.gse.engine;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.FramePolicy;
import org.gse.djl.DjlClipEncoder;
import org.gse.djl.DjlClipModel;
import org.gse.model.ClipCheckpoint;
import org.gse.model.ClipConfig;
import org.gse.model.ClipConfigJson;
import org.gse.model.ClipEncoderBase;
import org.gse.model.ClipImageProcessor;
import org.gse.model.ClipImageProcessorConfig;
import org.gse.model.ClipTextConfig;
import org.gse.model.ClipTokenizer;
import org.gse.model.ClipVisionConfig;
import org.gse.model.ClipWeights;
import org.gse.model.ModelBundle;
import org.gse.model.PixelPreprocessor;
import org.gse.model.TextTokenizer;
import org.gse.onnx.ClipOnnxExporter;
import org.gse.onnx.ClipOnnxExporter.Precision;
import org.gse.onnx.OnnxClipEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a model for every command: a Hugging Face folder ({@code config.json} + weights), a weights file
 * ({@code .safetensors}, {@code .pt}, {@code .bin}), or an {@code .onnx} vision graph; then picks the engine.
 *
 * <ul>
 *   <li>{@link Engine#ONNXRUNTIME} (the default): a checkpoint is exported on first use to
 *       {@code <cache>/onnx/<model-id>-<variant>.onnx} (and {@code ...-text.onnx}) with a sidecar
 *       {@code .config.json}, so later runs neither export nor load the checkpoint. An {@code .onnx} file runs as
 *       it is; a {@code text_model.onnx} beside a {@code vision_model.onnx} is used as the text tower.</li>
 *   <li>{@link Engine#DJL}: the checkpoint runs on DJL's PyTorch engine in process.</li>
 * </ul>
 *
 * <p>The model id is the first 16 hex digits of the SHA-256 of the weights file(s) (all shards, in name order),
 * or of the {@code .onnx} file; {@link ModelIds} caches it by path, size and last-modified time. The frame and
 * alpha policies that {@link Options} leaves null come from the {@code gse} object of the model's
 * {@code config.json} (see {@link ModelBundle#readPolicies}), else from the defaults. Preprocessing is
 * {@link ClipImageProcessor} with the folder's {@code preprocessor_config.json} (defaults sized to the model
 * otherwise); text uses the folder's {@code tokenizer.json} when there is one.
 */
public final class Models {

    private static final Logger log = LoggerFactory.getLogger(Models.class);

    /** Bumped whenever {@link ClipOnnxExporter} changes its graphs, so cached exports are redone. */
    public static final int EXPORT_FORMAT = 2;

    private Models() {}

    /** The inference engine. */
    public enum Engine {
        ONNXRUNTIME, DJL;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code onnxruntime} (also {@code ort}, {@code onnx}) or {@code djl}. */
        public static Engine parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "onnxruntime", "ort", "onnx" -> ONNXRUNTIME;
                case "djl", "pytorch" -> DJL;
                default -> throw new IllegalArgumentException("unknown engine '" + text
                        + "'; expected onnxruntime or djl");
            };
        }
    }

    /** Numeric format of the ONNX Runtime vision graph. */
    public enum PrecisionChoice {
        /** float32: the reference numbers. */
        FP32,
        /** Dynamic int8 quantisation of the transformer's linear layers, without a check. */
        INT8,
        /**
         * int8 for the vision tower when, on this model, its embeddings of {@link #VALIDATION_IMAGES} synthetic
         * images all have a cosine of at least {@link #AUTO_MIN_COSINE} to the float32 ones; float32 otherwise. The
         * decision is made once per model and cached beside the export; the text tower stays float32.
         */
        AUTO;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static PrecisionChoice parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown precision '" + text + "'; expected fp32, int8 or auto",
                        e);
            }
        }
    }

    /** The embedding tolerance that {@link PrecisionChoice#AUTO} requires of int8: minimum cosine to float32. */
    public static final double AUTO_MIN_COSINE = 0.995;

    /** Number of synthetic images the {@link PrecisionChoice#AUTO} check embeds. */
    public static final int VALIDATION_IMAGES = 24;

    /**
     * How to open a model.
     *
     * @param engine the inference engine
     * @param precision fp32, int8 or auto (ONNX Runtime only; DJL is always float32)
     * @param framePolicy frames of animated stickers that are embedded and averaged, or null for the policy that
     *     the model's {@code config.json} declares, else {@link FramePolicy#DEFAULT}
     * @param alphaPolicy how transparency is flattened before preprocessing, or null for the policy that the
     *     model's {@code config.json} declares, else {@link AlphaPolicy#WHITE}
     * @param batchSize images per forward pass
     * @param threads intra-op threads of the engine (0: available processors)
     * @param cacheDir the gse cache root ({@code onnx/} and {@code embeddings/} live under it)
     */
    public record Options(Engine engine, PrecisionChoice precision, FramePolicy framePolicy, AlphaPolicy alphaPolicy,
            int batchSize, int threads, Path cacheDir) {

        public static Options defaults() {
            return new Options(Engine.ONNXRUNTIME, PrecisionChoice.AUTO, null, null, 16, 0, defaultCacheDir());
        }

        public Options withEngine(Engine value) {
            return new Options(value, precision, framePolicy, alphaPolicy, batchSize, threads, cacheDir);
        }

        public Options withPrecision(PrecisionChoice value) {
            return new Options(engine, value, framePolicy, alphaPolicy, batchSize, threads, cacheDir);
        }

        public Options withFramePolicy(FramePolicy value) {
            return new Options(engine, precision, value, alphaPolicy, batchSize, threads, cacheDir);
        }

        public Options withAlphaPolicy(AlphaPolicy value) {
            return new Options(engine, precision, framePolicy, value, batchSize, threads, cacheDir);
        }

        public Options withBatchSize(int value) {
            return new Options(engine, precision, framePolicy, alphaPolicy, value, threads, cacheDir);
        }

        public Options withThreads(int value) {
            return new Options(engine, precision, framePolicy, alphaPolicy, batchSize, value, cacheDir);
        }

        public Options withCacheDir(Path value) {
            return new Options(engine, precision, framePolicy, alphaPolicy, batchSize, threads, value);
        }

        int effectiveThreads() {
            return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        }
    }

    /** Returns {@code $GSE_CACHE_DIR}, else {@code $XDG_CACHE_HOME/gse}, else {@code ~/.cache/gse}. */
    public static Path defaultCacheDir() {
        String explicit = System.getenv("GSE_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "gse");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "gse");
    }

    /**
     * Opens {@code model} with {@code options}, taking the frame and alpha policies that the options leave null from
     * the model's {@code config.json}; the caller closes the encoder.
     */
    public static ClipEncoderBase open(Path model, Options options) throws IOException {
        if (!Files.exists(model)) {
            throw new java.nio.file.NoSuchFileException(model.toString(), null,
                    "no such model; pass a Hugging Face folder, a .safetensors/.pt file or an .onnx file");
        }
        options = resolvePolicies(model, options);
        if (isOnnx(model)) {
            if (options.engine() == Engine.DJL) {
                throw new IllegalArgumentException("--engine djl needs a checkpoint (folder, .safetensors or .pt), not "
                        + model.getFileName());
            }
            return openOnnxFile(model, options);
        }
        String id = modelId(model, options.cacheDir());
        Path home = home(model);
        if (options.engine() == Engine.DJL) {
            if (options.precision() == PrecisionChoice.INT8) {
                throw new IllegalArgumentException("--precision int8 is available with the onnxruntime engine only");
            }
            ClipWeights weights = loadWeights(model);
            return new DjlClipEncoder(new DjlClipModel(weights), id, preprocessor(home, weights.config(), options),
                    tokenizer(home, weights.config()), options.framePolicy(), options.batchSize());
        }
        Exported fp32 = export(model, id, Precision.FP32, options.cacheDir());
        boolean int8 = switch (options.precision()) {
            case FP32 -> false;
            case INT8 -> true;
            case AUTO -> int8Agrees(model, id, fp32, options);
        };
        Path vision = int8 ? export(model, id, Precision.INT8, options.cacheDir()).vision() : fp32.vision();
        OnnxClipEncoder encoder = onnxEncoder(vision, fp32.text(), fp32.config(), id, home, options);
        encoder.setPrecisionLabel(int8 ? "int8" : "fp32");
        return encoder;
    }

    /**
     * Fills the frame and alpha policies that {@code options} leaves null: from the {@code gse} object of the
     * model's {@code config.json} (the policies it was trained with), else {@link FramePolicy#DEFAULT} and
     * {@link AlphaPolicy#WHITE}. The {@code config.json} is the folder's own, or the one beside a weights or
     * {@code .onnx} file. Options that set both policies are returned as they are.
     *
     * @throws IllegalArgumentException when the {@code config.json} declares an invalid policy
     */
    public static Options resolvePolicies(Path model, Options options) throws IOException {
        if (options.framePolicy() != null && options.alphaPolicy() != null) {
            return options;
        }

        Path configJson = home(model).resolve("config.json");
        ModelBundle.DeclaredPolicies declared = ModelBundle.readPolicies(configJson);
        FramePolicy frames = choosePolicy("Frame", options.framePolicy(), declared.framePolicy(), FramePolicy.DEFAULT,
                FramePolicy::id, configJson);
        AlphaPolicy alpha = choosePolicy("Alpha", options.alphaPolicy(), declared.alphaPolicy(), AlphaPolicy.WHITE,
                AlphaPolicy::id, configJson);
        return options.withFramePolicy(frames).withAlphaPolicy(alpha);
    }

    /**
     * Returns the policy an option sets, else the one {@code config.json} declares, else {@code fallback}, and logs
     * where a declared policy was used or overridden.
     */
    private static <P> P choosePolicy(String kind, P option, P declared, P fallback, Function<P, String> id,
            Path configJson) {
        if (option == null && declared != null) {
            log.info("{} policy {} from {} (the policy the model was trained with)", kind, id.apply(declared),
                    configJson);
            return declared;
        }
        if (option == null) {
            return fallback;
        }
        if (declared != null && !declared.equals(option)) {
            log.info("{} policy {} set by option overrides {} from {}", kind, id.apply(option), id.apply(declared),
                    configJson);
        }
        return option;
    }

    /** Returns the folder whose {@code config.json}, preprocessing and tokenizer files belong to {@code model}. */
    private static Path home(Path model) {
        return Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
    }

    /**
     * Decides {@link PrecisionChoice#AUTO} for a model: exports the int8 graph and compares its embeddings of
     * synthetic images with float32's. The outcome is cached in {@code <cache>/onnx/<id>-v<N>-auto.json}.
     */
    static boolean int8Agrees(Path model, String id, Exported fp32, Options options) throws IOException {
        Path decisionFile = options.cacheDir().resolve("onnx").resolve(id + "-v" + EXPORT_FORMAT + "-auto.json");
        ObjectMapper json = new ObjectMapper();
        if (Files.isRegularFile(decisionFile)) {
            return json.readTree(decisionFile.toFile()).path("int8").asBoolean(false);
        }
        Exported int8 = export(model, id, Precision.INT8, options.cacheDir());
        int size = fp32.config().visionConfig().imageSize();
        float[] pixels = validationPixels(size, VALIDATION_IMAGES);
        double minCosine = 1;
        try (OnnxClipEncoder exact = onnxEncoder(fp32.vision(), null, fp32.config(), id, null, options);
                OnnxClipEncoder quantised = onnxEncoder(int8.vision(), null, fp32.config(), id, null, options)) {
            var a = exact.embedPixels(pixels, VALIDATION_IMAGES);
            var b = quantised.embedPixels(pixels, VALIDATION_IMAGES);
            for (int i = 0; i < a.size(); i++) {
                minCosine = Math.min(minCosine, a.get(i).cosine(b.get(i)));
            }
        }
        boolean accepted = minCosine >= AUTO_MIN_COSINE;
        log.info("int8 vision graph of model {}: min cosine to fp32 {} over {} synthetic images; {}", id,
                String.format(Locale.ROOT, "%.5f", minCosine), VALIDATION_IMAGES,
                accepted ? "using int8" : "below " + AUTO_MIN_COSINE + ", using fp32");
        var node = json.createObjectNode();
        node.put("int8", accepted);
        node.put("min_cosine", minCosine);
        node.put("threshold", AUTO_MIN_COSINE);
        node.put("images", VALIDATION_IMAGES);
        org.gse.io.AtomicFiles.write(decisionFile, json.writeValueAsBytes(node));
        return accepted;
    }

    /**
     * Returns {@code count} synthetic CLIP-normalised images of {@code size x size} in CHW order: colour gradients,
     * checkerboards of several cell sizes, discs on a background and uniform noise, so that the int8 check covers
     * smooth regions, edges and texture.
     */
    static float[] validationPixels(int size, int count) {
        float[] mean = {0.48145466f, 0.4578275f, 0.40821073f};
        float[] std = {0.26862954f, 0.26130258f, 0.27577711f};
        java.util.SplittableRandom random = new java.util.SplittableRandom(20240601);
        int plane = size * size;
        float[] out = new float[count * 3 * plane];
        for (int k = 0; k < count; k++) {
            double[] colour = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
            int cell = 2 + random.nextInt(Math.max(1, size / 4));
            double cx = size * random.nextDouble();
            double cy = size * random.nextDouble();
            double radius = size * (0.15 + 0.3 * random.nextDouble());
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    for (int c = 0; c < 3; c++) {
                        double value = switch (k % 4) {
                            case 0 -> colour[c] * x / size + (1 - colour[c]) * y / size;
                            case 1 -> ((x / cell + y / cell) % 2 == 0) ? colour[c] : 1 - colour[c];
                            case 2 -> Math.hypot(x - cx, y - cy) < radius ? colour[c] : 1.0 - 0.5 * colour[c];
                            default -> random.nextDouble();
                        };
                        out[k * 3 * plane + c * plane + y * size + x] = (float) ((value - mean[c]) / std[c]);
                    }
                }
            }
        }
        return out;
    }

    /** Paths of a cached export. */
    public record Exported(Path vision, Path text, ClipConfig config) {}

    /**
     * Exports {@code model} to the ONNX cache unless it is there already, and returns the graphs and the
     * configuration. The text graph is exported in fp32 only. Concurrent runs may both export, and the renames
     * keep the files whole.
     */
    public static Exported export(Path model, String id, Precision precision, Path cacheDir) throws IOException {
        Path folder = cacheDir.resolve("onnx");
        String stem = id + "-v" + EXPORT_FORMAT + "-" + precision.id();
        Path vision = folder.resolve(stem + ".onnx");
        Path text = folder.resolve(stem + "-text.onnx");
        Path sidecar = folder.resolve(stem + ".config.json");
        if (Files.isRegularFile(vision) && Files.isRegularFile(sidecar)) {
            ClipConfig config = ClipConfigJson.read(sidecar);
            log.debug("Using cached ONNX export {}", vision);
            return new Exported(vision, config.hasText() && Files.isRegularFile(text) ? text : null, config);
        }
        long start = System.nanoTime();
        log.info("Exporting {} to ONNX ({}) in {} (first use of this model)", model, precision.id(), folder);
        ClipWeights weights = loadWeights(model);
        // The text tower always runs in float32 (see PrecisionChoice), so only the fp32 export writes it.
        boolean withText = weights.config().hasText() && precision == Precision.FP32;
        ClipOnnxExporter.exportVision(weights, precision, vision, id);
        if (withText) {
            ClipOnnxExporter.exportText(weights, precision, text, id);
        }
        ClipConfigJson.write(weights.config(), sidecar);
        log.info("Exported in {} s", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        return new Exported(vision, withText ? text : null, weights.config());
    }

    /**
     * Loads a checkpoint's weights; a single weights file takes its architecture from a {@code config.json} beside
     * it when there is one (else {@link ClipCheckpoint} infers it from the shapes).
     */
    public static ClipWeights loadWeights(Path model) throws IOException {
        Path sibling = model.toAbsolutePath().resolveSibling("config.json");
        boolean useSibling = Files.isRegularFile(model) && Files.isRegularFile(sibling);
        return ClipWeights.of(ClipCheckpoint.load(model, useSibling ? sibling : null));
    }

    private static ClipEncoderBase openOnnxFile(Path file, Options options) throws IOException {
        String id = ModelIds.of(List.of(file), options.cacheDir());
        Path home = home(file);
        Path text = null;
        if (file.getFileName().toString().equals("vision_model.onnx")
                && Files.isRegularFile(home.resolve("text_model.onnx"))) {
            text = home.resolve("text_model.onnx");
        }
        ClipConfig config = Files.isRegularFile(home.resolve("config.json")) ? ClipConfigJson.read(home)
                : shapeOnlyConfig(file);
        if (text != null && !config.hasText()) {
            text = null;
        }
        if (options.precision() == PrecisionChoice.INT8) {
            log.warn("--precision int8 does not apply to an .onnx file, which runs as it is");
        }
        return onnxEncoder(file, text, config, id, home, options);
    }

    private static OnnxClipEncoder onnxEncoder(Path vision, Path text, ClipConfig config, String id, Path home,
            Options options) throws IOException {
        try {
            return new OnnxClipEncoder(vision, text, config, id, preprocessor(home, config, options),
                    text == null ? null : tokenizer(home, config), options.framePolicy(),
                    Math.max(options.batchSize(), 1),
                    OnnxClipEncoder.Settings.defaults().withThreads(options.effectiveThreads()));
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime cannot load " + vision + ": " + e.getMessage(), e);
        }
    }

    /** Reads the image size and embedding size of an ONNX vision graph without a config.json. */
    static ClipConfig shapeOnlyConfig(Path file) throws IOException {
        try (var env = ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(file.toString())) {
            long[] in = ((ai.onnxruntime.TensorInfo) env.getInputInfo().values().iterator().next().getInfo())
                    .getShape();
            long size = in.length == 4 && in[3] > 0 ? in[3] : 224;
            long projection = -1;
            for (var info : env.getOutputInfo().values()) {
                if (info.getInfo() instanceof ai.onnxruntime.TensorInfo t && t.getShape().length == 2) {
                    projection = t.getShape()[1];
                    break;
                }
            }
            if (projection < 1) {
                throw new IOException(file + ": cannot tell the embedding size from the graph; put the model's"
                        + " config.json beside it");
            }
            ClipVisionConfig vision = new ClipVisionConfig(64, 64, 1, 1, 3, (int) size, (int) size, "quick_gelu",
                    1e-5);
            return new ClipConfig(vision, null, (int) projection, 2.6592);
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /** Returns the folder's image preprocessing, sized to the model when the folder has no preprocessor_config.json. */
    static PixelPreprocessor preprocessor(Path home, ClipConfig config, Options options) throws IOException {
        int size = config.visionConfig().imageSize();
        ClipImageProcessorConfig pc = home != null ? ClipImageProcessorConfig.load(home)
                : ClipImageProcessorConfig.DEFAULT;
        if (pc.cropSize().height() != size || pc.cropSize().width() != size) {
            boolean own = home != null && Files.isRegularFile(home.resolve("preprocessor_config.json"));
            if (own) {
                throw new IllegalArgumentException("preprocessor_config.json crops to " + pc.cropSize().height() + "x"
                        + pc.cropSize().width() + " but the model takes " + size + "x" + size + " images");
            }
            pc = new ClipImageProcessorConfig(true, ClipImageProcessorConfig.Size.shortestEdge(size), pc.resample(),
                    true, new ClipImageProcessorConfig.CropSize(size, size), pc.doRescale(), pc.rescaleFactor(),
                    pc.doNormalize(), pc.imageMean(), pc.imageStd(), pc.doConvertRgb());
        }
        ClipImageProcessor processor = new ClipImageProcessor(pc, options.alphaPolicy());
        String description = "clip-image-processor size " + size + " resample " + pc.resample() + " alpha "
                + options.alphaPolicy().id();
        return new PixelPreprocessor() {
            @Override
            public float[] pixels(org.gse.decode.Frame frame) {
                return processor.preprocess(frame);
            }

            @Override
            public String id() {
                return description;
            }
        };
    }

    /** Returns the folder's tokenizer, or null when there is no {@code tokenizer.json}. */
    static TextTokenizer tokenizer(Path home, ClipConfig config) throws IOException {
        if (home == null || !config.hasText() || !Files.isRegularFile(home.resolve("tokenizer.json"))) {
            return null;
        }
        ClipTextConfig text = config.textConfig();
        ClipTokenizer tokenizer = ClipTokenizer.load(home, ClipTokenizer.Options.of(text));
        return value -> tokenizer.encode(value).ids();
    }

    private static boolean isOnnx(Path model) {
        return Files.isRegularFile(model) && model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /**
     * Returns the model id, the first 16 hex digits of the SHA-256 of the weights file(s), cached under
     * {@link #defaultCacheDir()}.
     */
    public static String modelId(Path model) throws IOException {
        return modelId(model, defaultCacheDir());
    }

    /**
     * Returns the model id, the first 16 hex digits of the SHA-256 of the weights file(s). The id is cached by the
     * files' paths, sizes and last-modified times, in memory and under {@code cacheDir} (null: in memory only).
     */
    public static String modelId(Path model, Path cacheDir) throws IOException {
        return ModelIds.of(weightFiles(model), cacheDir);
    }

    /** Lists the files holding a model's weights: one file, or every shard of a sharded checkpoint. */
    static List<Path> weightFiles(Path model) throws IOException {
        if (!Files.isDirectory(model)) {
            return List.of(model);
        }
        for (String name : List.of("model.safetensors", "pytorch_model.bin")) {
            if (Files.isRegularFile(model.resolve(name))) {
                return List.of(model.resolve(name));
            }
        }
        for (String index : List.of("model.safetensors.index.json", "pytorch_model.bin.index.json")) {
            Path file = model.resolve(index);
            if (Files.isRegularFile(file)) {
                JsonNode map = new ObjectMapper().readTree(file.toFile()).path("weight_map");
                TreeSet<String> shards = new TreeSet<>();
                for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
                    shards.add(it.next().asText());
                }
                List<Path> files = new ArrayList<>();
                for (String shard : shards) {
                    files.add(model.resolve(shard));
                }
                return files;
            }
        }
        throw new java.nio.file.NoSuchFileException(model.toString(), null,
                "no weights in this folder (model.safetensors, pytorch_model.bin or a sharded index)");
    }
}
