package org.gse.decode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A sticker that could not be decoded: the file, the format detected from its bytes (null when none was
 * recognised) and the reason. Limits that a file exceeds are reported through this type too.
 */
public class DecodeException extends IOException {

    private final Path file;
    private final StickerFormat format;
    private final String reason;

    public DecodeException(Path file, StickerFormat format, String reason) {
        this(file, format, reason, null);
    }

    public DecodeException(Path file, StickerFormat format, String reason, Throwable cause) {
        super(file + (format == null ? "" : " (" + format.id() + ")") + ": " + reason, cause);
        this.file = file;
        this.format = format;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** Returns the detected format, or null when the leading bytes matched no supported format. */
    public StickerFormat format() {
        return format;
    }

    /** Returns the reason without the file name, for JSON output. */
    public String reason() {
        return reason;
    }
}
