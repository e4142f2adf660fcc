package org.gse.engine;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
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
 * or of the {@code .onnx} file. Preprocessing is {@link ClipImageProcessor} with the folder's
 * {@code preprocessor_config.json} (defaults sized to the model otherwise); text uses the folder's
 * {@code tokenizer.json} when there is one.
 */
public final class Models {

    private static final Logger log = LoggerFactory.getLogger(Models.class);

    /** Bumped whenever {@link ClipOnnxExporter} changes its graphs, so cached exports are redone. */
    public static final int EXPORT_FORMAT = 1;

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

    /**
     * How to open a model.
     *
     * @param engine the inference engine
     * @param precision float32, or int8 dynamic quantisation (ONNX Runtime only)
     * @param framePolicy frames of animated stickers that are embedded and averaged
     * @param alphaPolicy how transparency is flattened before preprocessing
     * @param batchSize images per forward pass
     * @param threads intra-op threads of the engine (0: available processors)
     * @param cacheDir the gse cache root ({@code onnx/} and {@code embeddings/} live under it)
     */
    public record Options(Engine engine, Precision precision, FramePolicy framePolicy, AlphaPolicy alphaPolicy,
            int batchSize, int threads, Path cacheDir) {

        public static Options defaults() {
            return new Options(Engine.ONNXRUNTIME, Precision.FP32, FramePolicy.DEFAULT, AlphaPolicy.WHITE, 16, 0,
                    defaultCacheDir());
        }

        public Options withEngine(Engine value) {
            return new Options(value, precision, framePolicy, alphaPolicy, batchSize, threads, cacheDir);
        }

        public Options withPrecision(Precision value) {
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

    /** Opens {@code model} with {@code options}; the caller closes the encoder. */
    public static ClipEncoderBase open(Path model, Options options) throws IOException {
        if (!Files.exists(model)) {
            throw new java.nio.file.NoSuchFileException(model.toString(), null,
                    "no such model; pass a Hugging Face folder, a .safetensors/.pt file or an .onnx file");
        }
        if (isOnnx(model)) {
            if (options.engine() == Engine.DJL) {
                throw new IllegalArgumentException("--engine djl needs a checkpoint (folder, .safetensors or .pt), not "
                        + model.getFileName());
            }
            return openOnnxFile(model, options);
        }
        String id = modelId(model);
        Path home = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        if (options.engine() == Engine.DJL) {
            if (options.precision() != Precision.FP32) {
                throw new IllegalArgumentException("--precision " + options.precision().id()
                        + " is available with the onnxruntime engine only");
            }
            ClipWeights weights = loadWeights(model);
            return new DjlClipEncoder(new DjlClipModel(weights), id, preprocessor(home, weights.config(), options),
                    tokenizer(home, weights.config()), options.framePolicy(), options.batchSize());
        }
        Exported exported = export(model, id, options.precision(), options.cacheDir());
        return onnxEncoder(exported.vision(), exported.text(), exported.config(), id, home, options);
    }

    /** Paths of a cached export. */
    public record Exported(Path vision, Path text, ClipConfig config) {}

    /**
     * Exports {@code model} to the ONNX cache unless it is there already, and returns the graphs and the
     * configuration. Concurrent runs may both export; the renames keep the files whole.
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
        ClipOnnxExporter.exportVision(weights, precision, vision, id);
        if (weights.config().hasText()) {
            ClipOnnxExporter.exportText(weights, precision, text, id);
        }
        ClipConfigJson.write(weights.config(), sidecar);
        log.info("Exported in {} s", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        return new Exported(vision, weights.config().hasText() ? text : null, weights.config());
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
        String id = sha256Prefix(List.of(file));
        Path home = file.toAbsolutePath().getParent();
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
        return onnxEncoder(file, text, config, id, home, options);
    }

    private static ClipEncoderBase onnxEncoder(Path vision, Path text, ClipConfig config, String id, Path home,
            Options options) throws IOException {
        try {
            return new OnnxClipEncoder(vision, text, config, id, preprocessor(home, config, options),
                    text == null ? null : tokenizer(home, config), options.framePolicy(), options.batchSize(),
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

    /** Returns the folder's image preprocessing, sized to the model when the folder does not say. */
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

    /** Returns the model id: the first 16 hex digits of the SHA-256 of the weights file(s). */
    public static String modelId(Path model) throws IOException {
        return sha256Prefix(weightFiles(model));
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

    static String sha256Prefix(List<Path> files) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 20];
        for (Path file : files) {
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                while (in.read(buffer) >= 0) {
                    // digesting
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }
}
