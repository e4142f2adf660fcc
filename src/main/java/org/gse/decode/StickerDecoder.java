package org.gse.decode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point for decoding: reads a file, detects its format from the leading bytes, checks the file-size limit
 * and hands the bytes to the decoder registered for that format.
 *
 * <p>Thread-safe; one instance can serve a whole batch.
 */
public final class StickerDecoder {

    private static final Logger log = LoggerFactory.getLogger(StickerDecoder.class);

    private final DecodeLimits limits;
    private final Map<StickerFormat, FormatDecoder> decoders;

    public StickerDecoder(DecodeLimits limits, Map<StickerFormat, FormatDecoder> decoders) {
        this.limits = limits;
        this.decoders = new EnumMap<>(StickerFormat.class);
        this.decoders.putAll(decoders);
    }

    /** Returns a decoder for every format this build supports, with the given limits. */
    public static StickerDecoder withAllFormats(DecodeLimits limits) {
        return new StickerDecoder(limits, Decoders.all());
    }

    public DecodeLimits limits() {
        return limits;
    }

    /** Reads and decodes a file. */
    public Sticker decode(Path file) throws DecodeException {
        long size;
        try {
            size = Files.size(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DecodeException(file, null, "file not found; check the path", e);
        } catch (IOException e) {
            throw new DecodeException(file, null, "cannot read file: " + e.getMessage(), e);
        }
        if (size > limits.maxFileBytes()) {
            throw new DecodeException(file, null, "file is " + size + " bytes, over the limit of "
                    + limits.maxFileBytes() + " bytes; raise the file-size limit to decode it");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DecodeException(file, null, "cannot read file: " + e.getMessage(), e);
        }
        return decode(bytes, file);
    }

    /** Decodes in-memory bytes; {@code source} names them in errors. */
    public Sticker decode(byte[] bytes, Path source) throws DecodeException {
        if (bytes.length > limits.maxFileBytes()) {
            throw new DecodeException(source, null, "input is " + bytes.length + " bytes, over the limit of "
                    + limits.maxFileBytes() + " bytes; raise the file-size limit to decode it");
        }
        Optional<StickerFormat> detected = FormatSniffer.sniff(bytes);
        if (detected.isEmpty()) {
            throw new DecodeException(source, null, "unsupported format: found "
                    + FormatSniffer.describeSignature(bytes)
                    + "; supported are PNG, APNG, JPEG, GIF, WebP, WebM and TGS");
        }
        StickerFormat format = detected.get();
        FormatDecoder decoder = decoders.get(format);
        if (decoder == null) {
            throw new DecodeException(source, format, "no decoder for " + format.id() + " is available in this build");
        }

        long start = System.nanoTime();
        long deadline = start + limits.maxDecodeTime().toNanos();
        Sticker sticker = decoder.decode(bytes, source, limits, deadline);
        if (log.isDebugEnabled()) {
            log.debug("Decoded {} as {}: {}x{}, {} frames in {} ms", source, format.id(), sticker.width(),
                    sticker.height(), sticker.frames().size(), (System.nanoTime() - start) / 1_000_000);
        }
        for (String warning : sticker.warnings()) {
            log.warn("{}: {}", source, warning);
        }
        return sticker;
    }
}
