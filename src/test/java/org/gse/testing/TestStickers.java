package org.gse.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
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
 * Test stickers: PNG files drawn in code, and a decoder that reads them through ImageIO so tests do not depend on
 * the format decoders.
 */
public final class TestStickers {

    private TestStickers() {}

    /**
     * Returns a decoder that reads the first frame of still PNG and WebP files through ImageIO (WebP through the
     * TwelveMonkeys plugin on the class path).
     */
    public static StickerDecoder pngDecoder(DecodeLimits limits) {
        return new StickerDecoder(limits, Map.of(StickerFormat.PNG, imageIo(StickerFormat.PNG),
                StickerFormat.WEBP, imageIo(StickerFormat.WEBP)));
    }

    private static FormatDecoder imageIo(StickerFormat format) {
        return (bytes, source, decodeLimits, deadline) -> {
            BufferedImage image;
            try {
                image = ImageIO.read(new ByteArrayInputStream(bytes));
            } catch (IOException e) {
                throw new DecodeException(source, format, "invalid file: " + e.getMessage(), e);
            }
            if (image == null) {
                throw new DecodeException(source, format, "ImageIO cannot read this file");
            }
            Frame frame = Frame.of(image, 0);
            return new Sticker(source, format, frame.width(), frame.height(), List.of(frame), frame.hasTransparency(),
                    List.of());
        };
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
