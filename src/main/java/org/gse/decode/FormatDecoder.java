package org.gse.decode;

import java.nio.file.Path;

/** Decodes one container format into a {@link Sticker}. Implementations are stateless and thread-safe. */
public interface FormatDecoder {

    /**
     * Decodes the whole file.
     *
     * @param bytes the complete file contents, already checked against {@link DecodeLimits#maxFileBytes()}
     * @param source the file name used in errors and in the returned sticker
     * @param limits size, frame and time bounds to check before allocating
     * @param deadline {@link System#nanoTime()} value after which decoding must stop with a {@link DecodeException}
     * @throws DecodeException when the data is invalid, unsupported or over a limit
     */
    Sticker decode(byte[] bytes, Path source, DecodeLimits limits, long deadline) throws DecodeException;
}
