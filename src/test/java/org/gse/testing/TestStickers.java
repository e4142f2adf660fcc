package org.gse.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Test stickers: PNG files drawn in code, and a decoder that reads them through ImageIO so tests do not depend on
 * the format decoders.
 */
public final class TestStickers {

    private TestStickers() {}

    /** Returns a decoder that reads still PNG files through ImageIO. */
    public static StickerDecoder pngDecoder(DecodeLimits limits) {
        FormatDecoder png = (bytes, source, decodeLimits, deadline) -> {
            BufferedImage image;
            try {
                image = ImageIO.read(new ByteArrayInputStream(bytes));
            } catch (IOException e) {
                throw new DecodeException(source, StickerFormat.PNG, "invalid PNG: " + e.getMessage(), e);
            }
            if (image == null) {
                throw new DecodeException(source, StickerFormat.PNG, "ImageIO cannot read this PNG");
            }
            Frame frame = Frame.of(image, 0);
            return new Sticker(source, StickerFormat.PNG, frame.width(), frame.height(), java.util.List.of(frame),
                    false, java.util.List.of());
        };
        return new StickerDecoder(limits, Map.of(StickerFormat.PNG, png));
    }

    /** Writes a PNG with a left half of colour {@code left} and a right half of colour {@code right} (RGB). */
    public static Path writeHalves(Path file, int left, int right) throws IOException {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, 0xFF000000 | (x < 16 ? left : right));
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
        return file;
    }

    /** Writes a solid PNG of one colour, with one pixel set to {@code marker} so files differ in content. */
    public static Path writeSolid(Path file, int rgb, int marker) throws IOException {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, 0xFF000000 | rgb);
            }
        }
        image.setRGB(0, 0, 0xFF000000 | marker);
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
