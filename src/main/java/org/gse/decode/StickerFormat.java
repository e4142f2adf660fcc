package org.gse.decode;

import java.util.Locale;

/** Sticker container formats that the decoders recognise from a file's leading bytes. */
public enum StickerFormat {
    PNG,
    /** Animated PNG: a PNG with an {@code acTL} chunk before the first {@code IDAT}. */
    APNG,
    JPEG,
    GIF,
    WEBP,
    WEBM,
    /** Telegram's gzip-compressed Lottie JSON. */
    TGS;

    /** Returns the lower-case name used in JSON output and on the command line, for example {@code "apng"}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
