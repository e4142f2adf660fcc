package org.gse.cli;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import org.gse.decode.DecodeLimits;
import org.gse.decode.StickerDecoder;
import org.gse.embed.StickerEmbedder;
import org.gse.engine.Models;
import org.gse.model.Encoder;
import org.gse.model.EncoderFactory;

/**
 * The model opener, sticker decoder and cache root that commands use. Production code keeps the defaults. Tests
 * replace them with a deterministic encoder, a decoder for test images and a temporary cache root, then reset them.
 */
public final class CommandServices {

    /**
     * Opens {@code --model} paths through the installed {@link EncoderFactory} service (the CLIP engine). A null
     * path opens the bundled default model at {@link DefaultModel#location()}.
     */
    private static final EncoderFactory DEFAULT_ENCODER_FACTORY =
            model -> EncoderFactory.installed().open(model == null ? DefaultModel.require() : model);

    private static volatile EncoderFactory encoderFactory = DEFAULT_ENCODER_FACTORY;
    private static volatile Function<DecodeLimits, StickerDecoder> decoderFactory = StickerDecoder::withAllFormats;
    private static volatile Path cacheRoot;

    private CommandServices() {}

    /** Returns the factory that opens {@code --model} folders. */
    public static EncoderFactory encoderFactory() {
        return encoderFactory;
    }

    /** Returns a decoder with the given limits. */
    public static StickerDecoder decoder(DecodeLimits limits) {
        return decoderFactory.apply(limits);
    }

    /**
     * Returns the embedder that the index, dedupe and evaluation commands share: the decoder with {@code limits},
     * the cache that {@code cache} selects, one decode thread per processor and {@code batchFrames} frames per
     * forward pass.
     */
    static StickerEmbedder embedder(Encoder encoder, DecodeLimitOptions limits, EmbeddingCacheOptions cache,
            int batchFrames) {
        return new StickerEmbedder(encoder, decoder(limits.toLimits()), cache.open(encoder),
                Runtime.getRuntime().availableProcessors(), batchFrames);
    }

    /**
     * Returns the cache root that commands without a {@code --cache} option use: the one set by
     * {@link #setCacheRoot}, else {@link Models#defaultCacheDir()}.
     */
    public static Path cacheRoot() {
        Path root = cacheRoot;
        return root != null ? root : Models.defaultCacheDir();
    }

    /** Replaces the default cache root; tests point it at a temporary folder. */
    public static void setCacheRoot(Path root) {
        cacheRoot = Objects.requireNonNull(root, "root");
    }

    /** Replaces the model opener, for the build that wires the real encoders and for tests. */
    public static void setEncoderFactory(EncoderFactory factory) {
        encoderFactory = Objects.requireNonNull(factory, "factory");
    }

    /** Replaces the decoder factory; tests use it to decode test images without the format decoders. */
    public static void setDecoderFactory(Function<DecodeLimits, StickerDecoder> factory) {
        decoderFactory = Objects.requireNonNull(factory, "factory");
    }

    /** Restores the defaults. */
    public static void reset() {
        encoderFactory = DEFAULT_ENCODER_FACTORY;
        decoderFactory = StickerDecoder::withAllFormats;
        cacheRoot = null;
    }
}
