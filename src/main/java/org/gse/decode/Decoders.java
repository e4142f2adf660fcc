package org.gse.decode;

import java.util.EnumMap;
import java.util.Map;

/** The registry of format decoders that this build ships. */
final class Decoders {

    private Decoders() {}

    static Map<StickerFormat, FormatDecoder> all() {
        Map<StickerFormat, FormatDecoder> decoders = new EnumMap<>(StickerFormat.class);
        // Each format's decoder registers here as it lands.
        decoders.put(StickerFormat.WEBP, new WebpDecoder());
        return decoders;
    }
}
