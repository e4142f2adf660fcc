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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JPEG decoding against ImageMagick 6.9's renderings (made by tools/make-raster-fixtures.sh) and, for EXIF
 * orientation, against Pillow 9.4's decoding plus {@code ImageOps.exif_transpose} (made by
 * tools/make_exif_fixtures.py). Different IDCT and upsampling implementations round differently, so colours are
 * compared within a per-channel tolerance.
 */
class JpegDecoderTest {

    /**
     * Largest difference per channel accepted between the two decoders. Measured with TwelveMonkeys 3.14.0: at most
     * 1 against ImageMagick 6.9.11, and 0 against Pillow 9.4 on the EXIF orientation files.
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

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void exifOrientationMatchesPillow(int orientation) throws IOException {
        String name = "exif/orientation-" + orientation;
        Sticker sticker = decode(fixture(name + ".jpg"));
        boolean swapsAxes = orientation >= 5;

        // The stored image is 6x4. Orientations 5 to 8 turn it by a quarter and must report the upright 4x6.
        assertEquals(swapsAxes ? 4 : 6, sticker.width(), name + " width");
        assertEquals(swapsAxes ? 6 : 4, sticker.height(), name + " height");
        assertEquals(List.of(), sticker.warnings(), name + " warnings");
        assertMatchesReference(name + ".jpg", name + ".expected.png");
    }

    @Test
    void exifFixtureCornersAreDistinct() throws IOException {
        // Orientations are distinguished by where the four corner colours land, so they must differ by more than
        // the tolerance, or a wrong transform could pass.
        int[] upright = readArgb(fixture("exif/orientation-1.expected.png"));
        int[] corners = {upright[0], upright[5], upright[18], upright[23]};

        for (int i = 0; i < corners.length; i++) {
            for (int j = i + 1; j < corners.length; j++) {
                assertTrue(channelDifference(corners[i], corners[j]) > 10 * TOLERANCE,
                        "corners " + i + " and " + j + ": " + hex(corners[i]) + ", " + hex(corners[j]));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9})
    void invalidExifOrientationWarns(int orientation) throws IOException {
        String name = "exif/orientation-" + orientation + ".jpg";
        Sticker sticker = decode(fixture(name));

        assertEquals(6, sticker.width(), name + " width");
        assertEquals(4, sticker.height(), name + " height");
        assertEquals(1, sticker.warnings().size(), name + " warnings: " + sticker.warnings());
        assertTrue(sticker.warnings().getFirst().contains("EXIF orientation " + orientation + " "),
                sticker.warnings().getFirst());
        assertMatchesReference(name, "exif/orientation-1.expected.png");
    }

    @ParameterizedTest
    @ValueSource(strings = {"broken-tiff-header.jpg", "broken-ifd-offset.jpg"})
    void brokenExifBlockWarns(String file) throws IOException {
        String name = "exif/" + file;
        Sticker sticker = decode(fixture(name));

        assertEquals(6, sticker.width(), name + " width");
        assertEquals(4, sticker.height(), name + " height");
        assertEquals(1, sticker.warnings().size(), name + " warnings: " + sticker.warnings());
        assertTrue(sticker.warnings().getFirst().contains("EXIF"), sticker.warnings().getFirst());
        assertMatchesReference(name, "exif/orientation-1.expected.png");
    }

    @Test
    void cmykWithExifOrientationIsRotated() throws IOException {
        // Both files contain the same CMYK scan data, so the rotated decode must equal the stored one turned 90
        // degrees clockwise. Upright pixel (x, y) is then stored pixel (y, stored.height() - 1 - x).
        Frame stored = decode(fixture("exif/cmyk-orientation-1.jpg")).frames().getFirst();
        Frame upright = decode(fixture("exif/cmyk-orientation-6.jpg")).frames().getFirst();

        assertEquals(stored.height(), upright.width(), "upright width");
        assertEquals(stored.width(), upright.height(), "upright height");
        for (int y = 0; y < upright.height(); y++) {
            for (int x = 0; x < upright.width(); x++) {
                assertEquals(hex(pixel(stored, y, stored.height() - 1 - x)), hex(pixel(upright, x, y)),
                        "upright pixel " + x + "," + y);
            }
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
