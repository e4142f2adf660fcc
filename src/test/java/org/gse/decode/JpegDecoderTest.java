package org.gse.decode;

import static org.gse.decode.RasterTestSupport.decode;
import static org.gse.decode.RasterTestSupport.fixture;
import static org.gse.decode.RasterTestSupport.hex;
import static org.gse.decode.RasterTestSupport.pixel;
import static org.gse.decode.RasterTestSupport.readArgb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gse.TestData;
import org.junit.jupiter.api.Test;

/**
 * JPEG decoding against ImageMagick 6.9's renderings (made by tools/make-raster-fixtures.sh). Different IDCT and
 * upsampling implementations round differently, so colours are compared within a per-channel tolerance.
 */
class JpegDecoderTest {

    /**
     * Largest difference per channel accepted between the two decoders; measured at most 1 on these files with
     * TwelveMonkeys 3.14.0 and ImageMagick 6.9.11.
     */
    private static final int TOLERANCE = 2;

    @Test
    void sharedCmykMatchesImageMagick() throws IOException {
        Sticker sticker = decode(TestData.shared("format-cases/jpeg/pil_sample_cmyk.jpg"));
        Frame frame = sticker.frames().getFirst();

        assertEquals(StickerFormat.JPEG, sticker.format());
        assertEquals(100, sticker.width());
        assertEquals(100, sticker.height());
        assertFalse(sticker.hasAlpha());
        List<String> lines = Files.readAllLines(fixture("pil_sample_cmyk.expected.txt"));
        assertEquals(100, lines.size(), "reference points");
        int worst = 0;
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            int x = Integer.parseInt(f[0]);
            int y = Integer.parseInt(f[1]);
            int expected = 0xFF000000 | Integer.parseInt(f[2]) << 16 | Integer.parseInt(f[3]) << 8
                    | Integer.parseInt(f[4]);
            worst = Math.max(worst, channelDifference(expected, pixel(frame, x, y)));
            assertClose(expected, pixel(frame, x, y), "pixel " + x + "," + y);
        }
        assertTrue(worst <= TOLERANCE, "largest channel difference " + worst);
    }

    @Test
    void adobeCmykFixtureMatchesImageMagick() throws IOException {
        assertMatchesReference("cmyk.jpg", "cmyk.expected.png");
    }

    @Test
    void adobeInvertedCmykMatchesImageMagick() throws IOException {
        assertMatchesReference("adobe-cmyk.jpg", "adobe-cmyk.expected.png");
    }

    @Test
    void ycckMatchesImageMagick() throws IOException {
        assertMatchesReference("ycck.jpg", "ycck.expected.png");
    }

    @Test
    void greyscaleKeepsGreyLevels() throws IOException {
        // A grey JPEG must not be brightened as linear light: ImageMagick's grey levels are the reference.
        assertMatchesReference("grey.jpg", "grey.expected.png");
    }

    private static void assertMatchesReference(String jpeg, String reference) throws IOException {
        Frame frame = decode(fixture(jpeg)).frames().getFirst();
        int[] expected = readArgb(fixture(reference));

        assertEquals(expected.length, frame.argb().length, jpeg + " pixel count");
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], frame.argb()[i], jpeg + " pixel " + i % frame.width() + "," + i / frame.width());
        }
    }

    @Test
    void readerIsTwelveMonkeys() {
        javax.imageio.ImageReader reader = ImageIoReaders.twelveMonkeysJpeg();

        assertTrue(reader != null && reader.getClass().getName().startsWith("com.twelvemonkeys."),
                "JPEG reader " + (reader == null ? "missing" : reader.getClass().getName()));
        reader.dispose();
    }

    @Test
    void truncatedHeaderFails() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("cmyk.jpg"));
        byte[] cut = java.util.Arrays.copyOf(bytes, 20);

        DecodeException e = assertThrows(DecodeException.class,
                () -> StickerDecoder.withAllFormats(DecodeLimits.DEFAULT).decode(cut, Path.of("cut.jpg")));
        assertEquals(StickerFormat.JPEG, e.format());
    }

    @Test
    void declaredSizeCheckedBeforePixels() {
        // The pixel limit is below the fixture's 32x24, so the SOF size alone must fail the decode.
        StickerDecoder decoder = StickerDecoder.withAllFormats(RasterTestSupport.limitsWithPixels(100));

        DecodeException e = assertThrows(DecodeException.class, () -> decoder.decode(fixture("cmyk.jpg")));
        assertTrue(e.reason().contains("32x24"), e.reason());
    }

    private static void assertClose(int expected, int actual, String what) {
        assertTrue(channelDifference(expected, actual) <= TOLERANCE,
                what + ": expected " + hex(expected) + ", got " + hex(actual) + " (tolerance " + TOLERANCE + ")");
    }

    private static int channelDifference(int a, int b) {
        int worst = 0;
        for (int shift = 0; shift <= 24; shift += 8) {
            worst = Math.max(worst, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
        }
        return worst;
    }
}
