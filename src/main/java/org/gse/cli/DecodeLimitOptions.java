package org.gse.cli;

import java.time.Duration;
import org.gse.decode.DecodeLimits;
import picocli.CommandLine.Option;

/** Command-line options for {@link DecodeLimits}, shared by every command that decodes stickers. */
public final class DecodeLimitOptions {

    @Option(names = "--max-file-mb", paramLabel = "MB", defaultValue = "64",
            description = "Largest sticker file to read, in MiB (default: ${DEFAULT-VALUE}).")
    long maxFileMb;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "16777216",
            description = "Largest canvas, in pixels per frame (default: ${DEFAULT-VALUE}, i.e. 4096x4096).")
    long maxPixels;

    @Option(names = "--max-frames", paramLabel = "N", defaultValue = "1000",
            description = "Most frames decoded from one animation (default: ${DEFAULT-VALUE}).")
    int maxFrames;

    @Option(names = "--max-decoded-mb", paramLabel = "MB", defaultValue = "1024",
            description = "Bound on all decoded frames of one sticker, in MiB at 4 bytes per pixel (default: ${DEFAULT-VALUE}).")
    long maxDecodedMb;

    @Option(names = "--decode-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Time allowed to decode one sticker, in seconds (default: ${DEFAULT-VALUE}).")
    long decodeTimeoutSeconds;

    @Option(names = "--max-renderer-mb", paramLabel = "MB", defaultValue = "1024",
            description = "Memory cap of the process that renders one TGS sticker, in MiB: its writable memory,"
                    + " Java heap included, as Linux RLIMIT_DATA set with prlimit (default: ${DEFAULT-VALUE}).")
    long maxRendererMb;

    /** Returns the limits these options describe. */
    public DecodeLimits toLimits() {
        requirePositive("--max-file-mb", maxFileMb);
        requirePositive("--max-pixels", maxPixels);
        requirePositive("--max-frames", maxFrames);
        requirePositive("--max-decoded-mb", maxDecodedMb);
        requirePositive("--decode-timeout", decodeTimeoutSeconds);
        requirePositive("--max-renderer-mb", maxRendererMb);
        return new DecodeLimits(maxFileMb << 20, maxPixels, maxFrames, maxDecodedMb << 20,
                Duration.ofSeconds(decodeTimeoutSeconds), maxRendererMb << 20);
    }

    private static void requirePositive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException("invalid " + option + " " + value + "; it must be at least 1");
        }
    }
}
