package org.gse.decode;

import java.time.Duration;

/**
 * Bounds on what one sticker may cost to decode. Decoders check declared sizes against these before
 * allocating, so a hostile header (a 44-byte GIF can declare 65535x65535) raises a {@link DecodeException}
 * instead of an {@link OutOfMemoryError} or a hang.
 *
 * @param maxFileBytes largest accepted file, in bytes
 * @param maxPixelsPerFrame largest canvas, in pixels (width x height)
 * @param maxFrames most frames decoded from one animation
 * @param maxTotalDecodedBytes bound on all decoded frames together, counted at 4 bytes per pixel
 * @param maxDecodeTime wall-clock budget for one sticker
 * @param maxRendererMemoryBytes cap on the writable memory of the worker process that renders TGS stickers (its
 *     Linux {@code RLIMIT_DATA}: Java heap, native allocations and thread stacks), in bytes
 */
public record DecodeLimits(
        long maxFileBytes,
        long maxPixelsPerFrame,
        int maxFrames,
        long maxTotalDecodedBytes,
        Duration maxDecodeTime,
        long maxRendererMemoryBytes) {

    /**
     * Default for {@link #maxRendererMemoryBytes()}: 1 GiB. {@code java -Xmx64m -version} (Temurin 25.0.3, Linux
     * x86-64) needed between 64 and 128 MiB under {@code prlimit --data}. The worker's heap grows with the JSON, to
     * about 224 MiB for a 64 MiB document, and a 4096x4096 frame buffer takes 64 MiB more.
     */
    public static final long DEFAULT_RENDERER_MEMORY_BYTES = 1L << 30;

    /**
     * Defaults sized for chat stickers, which are at most 512x512 and a few seconds long in every app we know
     * (Telegram, WhatsApp, LINE), with wide headroom: 64 MiB files, 4096x4096 canvases, 1,000 frames, 1 GiB of
     * decoded pixels, 60 s, and a renderer process of 1 GiB.
     */
    public static final DecodeLimits DEFAULT =
            new DecodeLimits(64L << 20, 4096L * 4096, 1000, 1L << 30, Duration.ofSeconds(60));

    /** Limits with the default renderer memory cap, {@link #DEFAULT_RENDERER_MEMORY_BYTES}. */
    public DecodeLimits(long maxFileBytes, long maxPixelsPerFrame, int maxFrames, long maxTotalDecodedBytes,
            Duration maxDecodeTime) {
        this(maxFileBytes, maxPixelsPerFrame, maxFrames, maxTotalDecodedBytes, maxDecodeTime,
                DEFAULT_RENDERER_MEMORY_BYTES);
    }

    public DecodeLimits {
        if (maxFileBytes < 1 || maxPixelsPerFrame < 1 || maxFrames < 1 || maxTotalDecodedBytes < 1
                || maxRendererMemoryBytes < 1) {
            throw new IllegalArgumentException("decode limits must be positive: " + this);
        }
        if (maxDecodeTime == null || maxDecodeTime.isNegative() || maxDecodeTime.isZero()) {
            throw new IllegalArgumentException("maxDecodeTime must be positive, got " + maxDecodeTime);
        }
    }
}
