package org.gse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.FramePolicy;
import org.gse.decode.StickerDecoder;
import org.gse.embed.EmbeddingCache;
import org.gse.embed.StickerEmbedder;
import org.gse.engine.Models;
import org.gse.io.AtomicFiles;
import org.gse.io.NpyWriter;
import org.gse.model.ClipEncoderBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gse embed}: embeds sticker files into {@code embeddings.npy} + {@code stickers.jsonl} + {@code model.json}. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed stickers with a CLIP/GSE model.",
                "Writes into --out: embeddings.npy (float32, one L2-normalised row per sticker read),",
                "stickers.jsonl (one object per input, in input order: file, sha256, format, frames_used, row,"
                        + " error) and model.json (model id, embedding size, preprocessing, frame policy).",
                "Folders are walked. Files that fail are listed with their error and the run goes on.",
                "Embeddings are cached by file SHA-256, model id and settings, so repeated runs are fast."})
public final class EmbedCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(EmbedCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "PATH",
            description = "Hugging Face folder, .safetensors/.pt file, gse train bundle or .onnx vision graph"
                    + " (default: the bundled model in models/default).")
    Path model;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Sticker files or folders.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder, new or existing (created if missing).")
    Path out;

    @Option(names = "--engine", paramLabel = "E", defaultValue = "onnxruntime",
            description = "onnxruntime (default) or djl.")
    String engine;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "auto",
            description = {"ONNX Runtime vision graph: auto (default: int8 when its embeddings of synthetic images"
                    + " keep a cosine >= 0.995 to fp32 on this model, else fp32), fp32 or int8."})
    String precision;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Frames per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--frame-policy", paramLabel = "POLICY",
            description = "Frames of animated stickers to average: first, middle or even:K (default: the"
                    + " gse.frame_policy in the model's config.json, else even:4).")
    String framePolicy;

    @Option(names = "--alpha", paramLabel = "POLICY",
            description = "Transparency: white, black, #RRGGBB or drop (default: the gse.alpha_policy in the"
                    + " model's config.json, else white).")
    String alpha;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Inference threads (default: all processors).")
    int threads;

    @Option(names = "--decode-threads", paramLabel = "N", defaultValue = "0",
            description = "Decoding threads (default: all processors).")
    int decodeThreads;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Cache root for exported models and embeddings (default: $GSE_CACHE_DIR or ~/.cache/gse).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Neither read nor write cached embeddings.")
    boolean noCache;

    @Option(names = "--strict", description = "Exit with status 1 when any input fails.")
    boolean strict;

    @Mixin
    DecodeLimitOptions limitOptions;

    @Override
    public Integer call() throws Exception {
        requireOutputFolder(out);

        // A policy left null here comes from the model's config.json (see Models.resolvePolicies).
        Models.Options options = Models.Options.defaults()
                .withEngine(Models.Engine.parse(engine))
                .withPrecision(Models.PrecisionChoice.parse(precision))
                .withFramePolicy(framePolicy == null ? null : FramePolicy.parse(framePolicy))
                .withAlphaPolicy(alpha == null ? null : AlphaPolicy.parse(alpha))
                .withBatchSize(batch)
                .withThreads(threads);
        if (cacheDir != null) {
            options = options.withCacheDir(cacheDir);
        }
        List<Path> files = InputWalker.listFiles(inputs);
        StickerDecoder decoder = StickerDecoder.withAllFormats(limitOptions.toLimits());
        int workers = decodeThreads > 0 ? decodeThreads : Runtime.getRuntime().availableProcessors();

        long start = System.nanoTime();
        List<StickerEmbedder.Result> results;
        if (model == null) {
            model = DefaultModel.require();
        }
        options = Models.resolvePolicies(model, options);
        ClipEncoderBase encoder = Models.open(model, options);
        String settings = EmbeddingCache.settingsOf(encoder);
        try (encoder) {
            log.info("Embedding {} files with model {} ({}, {}), batch {}", files.size(), encoder.modelId(),
                    encoder.engine(), encoder.precision(), batch);
            EmbeddingCache cache = noCache ? null
                    : EmbeddingCache.forEncoder(options.cacheDir().resolve("embeddings"), encoder);
            try (Progress progress = new Progress("embed", files.size())) {
                results = new StickerEmbedder(encoder, decoder, cache, workers, encoder.batchSize())
                        .run(files, progress::step);
            }
            write(encoder, options, settings, results);
        }

        long failed = results.stream().filter(r -> !r.ok()).count();
        long cached = results.stream().filter(StickerEmbedder.Result::cached).count();
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter writer = spec.commandLine().getOut();
        writer.printf(Locale.ROOT, "embedded %d of %d stickers (%d from cache, %d failed) in %.1f s -> %s%n",
                results.size() - failed, results.size(), cached, failed, seconds, out);
        for (StickerEmbedder.Result r : results) {
            if (!r.ok()) {
                writer.printf(Locale.ROOT, "  failed: %s: %s%n", r.file(), r.error());
            }
        }
        writer.flush();
        boolean nothing = failed == results.size();
        return (strict && failed > 0) || nothing ? Main.EXIT_FAILED_INPUTS : Main.EXIT_OK;
    }

    /**
     * Rejects an {@code --out} that can never become a folder, before any model is opened or sticker decoded, so a
     * long run does not fail only at its last step. The nearest existing ancestor must be a folder too, because
     * {@link Files#createDirectories} cannot create a folder below a regular file.
     */
    static void requireOutputFolder(Path out) {
        for (Path path = out.toAbsolutePath(); path != null; path = path.getParent()) {
            if (Files.isDirectory(path)) {
                return;
            }
            if (Files.exists(path)) {
                String where = path.equals(out.toAbsolutePath()) ? "--out " + out
                        : "--out " + out + ": its parent " + path;
                throw new IllegalArgumentException(where + " is an existing file, not a folder. Choose a new or"
                        + " existing folder for the outputs");
            }
        }
    }

    private void write(ClipEncoderBase encoder, Models.Options options, String settings,
            List<StickerEmbedder.Result> results) throws java.io.IOException {
        Files.createDirectories(out);
        int dim = encoder.embeddingSize();
        List<float[]> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (StickerEmbedder.Result r : results) {
            ObjectNode line = json.createObjectNode();
            line.put("file", r.file().toString());
            line.put("sha256", r.sha256());
            line.put("format", r.format());
            line.put("frames_used", r.framesUsed());
            if (r.ok()) {
                line.put("row", rows.size());
                rows.add(r.embedding().vector());
            } else {
                line.putNull("row");
            }
            line.put("error", r.error());
            line.put("cached", r.cached());
            lines.append(json.writeValueAsString(line)).append('\n');
        }
        float[] flat = new float[rows.size() * dim];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * dim, dim);
        }
        NpyWriter.writeFloats(out.resolve("embeddings.npy"), new long[] {rows.size(), dim}, flat);
        AtomicFiles.write(out.resolve("stickers.jsonl"), lines.toString().getBytes(StandardCharsets.UTF_8));

        ObjectNode meta = json.createObjectNode();
        meta.put("model_id", encoder.modelId());
        meta.put("model", model.toString());
        meta.put("engine", encoder.engine());
        meta.put("precision", encoder.precision());
        meta.put("embedding_size", dim);
        meta.put("normalised", true);
        meta.put("preprocessing", encoder.preprocessor().id());
        meta.put("image_size", encoder.config().visionConfig().imageSize());
        meta.put("frame_policy", encoder.framePolicy().id());
        meta.put("alpha_policy", options.alphaPolicy().id());
        meta.put("cache_settings", settings);
        meta.put("stickers", results.size());
        meta.put("rows", rows.size());
        meta.put("created", Instant.now().toString());
        AtomicFiles.write(out.resolve("model.json"),
                json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(meta));
    }
}
