package org.gse.serve;

import java.nio.file.Path;
import java.time.Duration;
import org.gse.decode.DecodeLimits;

/**
 * Settings of one {@link StickerServer}.
 *
 * @param host address to listen on; loopback unless the operator chooses otherwise
 * @param port TCP port, 0 for an ephemeral one
 * @param maxUploadBytes largest accepted request body, in bytes; larger uploads get 413
 * @param decodeLimits limits for every decoded sticker; a violation gets 422 with the decoder's reason
 * @param requestTimeout time allowed for the work of one request after its body has arrived; then 503
 * @param maxConcurrent requests whose decoding, embedding or search runs at the same time
 * @param maxQueued requests that may wait for a free worker; beyond that 503 with {@code Retry-After}
 * @param threshold cosine at or above which two stickers count as similar, or null when none is configured
 * @param token bearer token that writes must present, or null to reject every write
 * @param filesFolder folder where stickers added through the API are stored, named by sha256
 * @param defaultK neighbours returned by a search that gives no {@code k}
 * @param maxK largest accepted {@code k}
 * @param shutdownTimeout time that running requests get to finish when the server stops
 */
public record ServeConfig(
        String host,
        int port,
        long maxUploadBytes,
        DecodeLimits decodeLimits,
        Duration requestTimeout,
        int maxConcurrent,
        int maxQueued,
        Double threshold,
        String token,
        Path filesFolder,
        int defaultK,
        int maxK,
        Duration shutdownTimeout) {

    public ServeConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
        }
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("maximum upload size must be positive, got " + maxUploadBytes);
        }
        if (maxConcurrent < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("need at least 1 concurrent request and 0 or more queued, got "
                    + maxConcurrent + " and " + maxQueued);
        }
        if (defaultK < 1 || maxK < defaultK) {
            throw new IllegalArgumentException("need 1 <= default k <= maximum k, got " + defaultK + " and " + maxK);
        }
        if (threshold != null && !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be a finite number, got " + threshold);
        }
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("the write token is blank; set a non-empty token or none");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive, got request " + requestTimeout
                    + " and shutdown " + shutdownTimeout);
        }
    }

    /**
     * Returns settings for a loopback server on port 8080: 16 MiB uploads, {@link DecodeLimits#DEFAULT} with the
     * file size capped at the upload size and 20 s per decode, 30 s per request, one worker per core, 64 waiting
     * requests, k 10 of at most 100, no token and no threshold.
     */
    public static ServeConfig defaults(Path filesFolder) {
        long upload = 16L << 20;
        DecodeLimits base = DecodeLimits.DEFAULT;
        return new ServeConfig("127.0.0.1", 8080, upload,
                new DecodeLimits(Math.min(upload, base.maxFileBytes()), base.maxPixelsPerFrame(), base.maxFrames(),
                        base.maxTotalDecodedBytes(), Duration.ofSeconds(20), base.maxRendererMemoryBytes()),
                Duration.ofSeconds(30), Runtime.getRuntime().availableProcessors(), 64, null, null, filesFolder, 10,
                100, Duration.ofSeconds(10));
    }

    public ServeConfig withPort(int newPort) {
        return new ServeConfig(host, newPort, maxUploadBytes, decodeLimits, requestTimeout, maxConcurrent, maxQueued,
                threshold, token, filesFolder, defaultK, maxK, shutdownTimeout);
    }

    public ServeConfig withToken(String newToken) {
        return new ServeConfig(host, port, maxUploadBytes, decodeLimits, requestTimeout, maxConcurrent, maxQueued,
                threshold, newToken, filesFolder, defaultK, maxK, shutdownTimeout);
    }

    public ServeConfig withThreshold(Double newThreshold) {
        return new ServeConfig(host, port, maxUploadBytes, decodeLimits, requestTimeout, maxConcurrent, maxQueued,
                newThreshold, token, filesFolder, defaultK, maxK, shutdownTimeout);
    }

    public ServeConfig withLimits(long newMaxUploadBytes, DecodeLimits newDecodeLimits) {
        return new ServeConfig(host, port, newMaxUploadBytes, newDecodeLimits, requestTimeout, maxConcurrent,
                maxQueued, threshold, token, filesFolder, defaultK, maxK, shutdownTimeout);
    }

    public ServeConfig withConcurrency(int newMaxConcurrent, int newMaxQueued, Duration newRequestTimeout) {
        return new ServeConfig(host, port, maxUploadBytes, decodeLimits, newRequestTimeout, newMaxConcurrent,
                newMaxQueued, threshold, token, filesFolder, defaultK, maxK, shutdownTimeout);
    }

    /** Hides the token, so the settings can be logged. */
    @Override
    public String toString() {
        return "ServeConfig[host=" + host + ", port=" + port + ", maxUploadBytes=" + maxUploadBytes
                + ", decodeLimits=" + decodeLimits + ", requestTimeout=" + requestTimeout + ", maxConcurrent="
                + maxConcurrent + ", maxQueued=" + maxQueued + ", threshold=" + threshold + ", token="
                + (token == null ? "none" : "set") + ", filesFolder=" + filesFolder + ", k=" + defaultK + " of at most "
                + maxK + ", shutdownTimeout=" + shutdownTimeout + "]";
    }
}
