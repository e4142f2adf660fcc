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
        decoders.put(StickerFormat.WEBP, new WebpDecoder());
        decoders.put(StickerFormat.WEBM, new WebmDecoder());
        decoders.put(StickerFormat.TGS, new TgsDecoder());
        return decoders;
    }
}
