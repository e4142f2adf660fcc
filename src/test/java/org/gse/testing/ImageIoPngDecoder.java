package org.gse.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.gse.decode.DecodeException;
import org.gse.decode.DecodeLimits;
import org.gse.decode.FormatDecoder;
import org.gse.decode.Frame;
import org.gse.decode.Sticker;
import org.gse.decode.StickerDecoder;
import org.gse.decode.StickerFormat;

/**
 * A still-PNG decoder on the JDK's ImageIO, for tests of the evaluation while this branch has no raster decoder
 * of its own. It goes through {@link StickerDecoder}, so format sniffing and limits are the real ones.
 */
public final class ImageIoPngDecoder implements FormatDecoder {

    /** Returns a sticker decoder with this PNG decoder plus every decoder the build registers. */
    public static StickerDecoder withPng(DecodeLimits limits) {
        return new StickerDecoder(limits, Map.of(StickerFormat.PNG, new ImageIoPngDecoder()));
    }

    @Override
    public Sticker decode(byte[] bytes, Path source, DecodeLimits limits, long deadline) throws DecodeException {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new DecodeException(source, StickerFormat.PNG, "ImageIO cannot read it");
            }
            Frame frame = Frame.of(image, 0);
            return new Sticker(source, StickerFormat.PNG, frame.width(), frame.height(), List.of(frame),
                    frame.hasTransparency(), List.of());
        } catch (IOException e) {
            throw new DecodeException(source, StickerFormat.PNG, "invalid PNG: " + e.getMessage(), e);
        }
    }
}
