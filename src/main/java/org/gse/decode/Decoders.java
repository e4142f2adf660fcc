// ENGINEERS: read BRIEF-READ-FIRST.md in your worktree root before you go on (rules, deadline 22:10 UTC, report format). The lead removes this line at merge.
package org.gse.decode;

import java.util.EnumMap;
import java.util.Map;

/** The registry of format decoders that this build ships. */
final class Decoders {

    private Decoders() {}

    static Map<StickerFormat, FormatDecoder> all() {
        Map<StickerFormat, FormatDecoder> decoders = new EnumMap<>(StickerFormat.class);
        // Each format's decoder registers here as it lands.
        decoders.put(StickerFormat.PNG, new PngDecoder());
        decoders.put(StickerFormat.APNG, new ApngDecoder());
        decoders.put(StickerFormat.JPEG, new JpegDecoder());
        decoders.put(StickerFormat.GIF, new GifDecoder());
        return decoders;
    }
}
