package org.gse.decode;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.gse.TestData;

/** Helpers shared by the raster decoder tests: decoding with default limits and comparing pixels. */
final class RasterTestSupport {

    private RasterTestSupport() {}

    static Path fixture(String name) {
        return TestData.resource("fixtures/raster/" + name);
    }

    static Sticker decode(Path file) throws DecodeException {
        return StickerDecoder.withAllFormats(DecodeLimits.DEFAULT).decode(file);
    }

    static DecodeLimits limitsWithPixels(long maxPixels) {
        return new DecodeLimits(64L << 20, maxPixels, 1000, 1L << 30, Duration.ofSeconds(60));
    }

    /** Reads a reference image as non-premultiplied ARGB through ImageIO's conversion. */
    static int[] readArgb(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException("ImageIO cannot read " + file);
        }
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    static BufferedImage readImage(Path file) throws IOException {
        return ImageIO.read(Files.newInputStream(file));
    }

    static int pixel(Frame frame, int x, int y) {
        return frame.argb()[y * frame.width() + x];
    }

    static String hex(int argb) {
        return String.format(Locale.ROOT, "%08x", argb);
    }

    /**
     * Asserts that two ARGB images are equal pixel for pixel, where two fully transparent pixels are equal whatever
     * their colour (the colour under alpha 0 is invisible and decoders differ there).
     */
    static void assertSameVisiblePixels(int[] expected, int[] actual, int width, String what) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " pixels, expected " + expected.length);
        }
        int mismatches = 0;
        String first = null;
        for (int i = 0; i < expected.length; i++) {
            int e = expected[i];
            int a = actual[i];
            boolean same = (e >>> 24) == 0 && (a >>> 24) == 0 || e == a;
            if (!same) {
                mismatches++;
                if (first == null) {
                    first = "first at (" + i % width + "," + i / width + "): expected " + hex(e) + ", got " + hex(a);
                }
            }
        }
        if (mismatches > 0) {
            fail(what + ": " + mismatches + " pixel(s) differ; " + first);
        }
    }
}
