package org.gse.decode;

import static org.gse.decode.RasterTestSupport.decode;
import static org.gse.decode.RasterTestSupport.fixture;
import static org.gse.decode.RasterTestSupport.hex;
import static org.gse.decode.RasterTestSupport.pixel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PngDecoderTest {

    @Test
    void greyColourKeyMakesPixelsTransparent() throws DecodeException {
        Sticker sticker = decode(TestData.shared("format-cases/png/l_trns.png"));
        Frame frame = sticker.frames().getFirst();

        // The tRNS key is grey 255: exactly the white pixels become transparent, and grey levels stay unchanged.
        int transparent = 0;
        for (int argb : frame.argb()) {
            boolean white = (argb & 0xFFFFFF) == 0xFFFFFF;
            assertEquals(white ? 0 : 255, argb >>> 24, "alpha of " + hex(argb));
            assertEquals((argb >> 16) & 0xFF, argb & 0xFF, "grey pixel " + hex(argb) + " has equal channels");
            transparent += white ? 1 : 0;
        }
        assertTrue(transparent > 0, "the key colour occurs");
        assertTrue(sticker.hasAlpha());
    }

    @Test
    void rgbColourKeyMakesPixelsTransparent() throws DecodeException {
        Sticker sticker = decode(TestData.shared("format-cases/png/rgb_trns.png"));

        // The tRNS key is RGB (0, 255, 52).
        int transparent = 0;
        for (int argb : sticker.frames().getFirst().argb()) {
            boolean key = (argb & 0xFFFFFF) == 0x00FF34;
            assertEquals(key ? 0 : 255, argb >>> 24, "alpha of " + hex(argb));
            transparent += key ? 1 : 0;
        }
        assertTrue(transparent > 0, "the key colour occurs");
    }

    @Test
    void paletteTransparencyMatchesRgbTwin() throws DecodeException {
        Sticker palette = decode(TestData.shared("format-cases/png/p_trns_single.png"));
        Sticker rgb = decode(TestData.shared("format-cases/png/rgb_trns.png"));

        // Both files hold the same picture with one transparent colour: the palette one through a tRNS alpha table.
        int[] expected = rgb.frames().getFirst().argb();
        int[] actual = palette.frames().getFirst().argb();
        for (int i = 0; i < expected.length; i++) {
            if ((expected[i] >>> 24) == 0) {
                assertEquals(0, actual[i] >>> 24, "pixel " + i + " is transparent");
            } else {
                assertEquals(hex(expected[i]), hex(actual[i]), "pixel " + i);
            }
        }
    }

    @Test
    void oneEntryTransparencyOnOnePixelImage() throws DecodeException {
        Sticker sticker = decode(TestData.shared("format-cases/png/tRNS_null_1x1.png"));

        // A 1-bit palette image whose single tRNS entry makes index 0 (colour ff4d00) transparent.
        assertEquals(1, sticker.width());
        assertEquals("00ff4d00", hex(pixel(sticker.frames().getFirst(), 0, 0)));
        assertTrue(sticker.hasAlpha());
        assertEquals(1, sticker.warnings().size(), "the byte after IEND is reported: " + sticker.warnings());
    }

    @Test
    void emptyTransparencyChunkIsIgnored() throws DecodeException {
        Sticker sticker = decode(fixture("palette-empty-trns.png"));
        Frame frame = sticker.frames().getFirst();

        assertEquals("ffff0000", hex(pixel(frame, 0, 0)));
        assertEquals("ff0000ff", hex(pixel(frame, 1, 0)));
        assertFalse(sticker.hasAlpha());
        assertTrue(sticker.warnings().getFirst().contains("tRNS"), sticker.warnings().toString());
    }

    /**
     * Grey fixtures of every bit depth: sample {@code (x + 3y) mod 2^depth} (16 bits: {@code (4099x + 257y) mod
     * 65536}), with the sample of pixel (1, 0) as the tRNS key. Grey levels scale to 8 bits exactly (depth 16 keeps
     * the high byte) and only pixels equal to the key in all bits are transparent.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 16})
    void greyBitDepthsWithColourKey(int depth) throws DecodeException {
        Frame frame = decode(fixture("grey" + depth + "-trns.png")).frames().getFirst();
        int key = sample(1, 0, depth);

        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int sample = sample(x, y, depth);
                int grey = depth == 16 ? sample >>> 8 : sample * 255 / ((1 << depth) - 1);
                int alpha = sample == key ? 0 : 255;
                int expected = (alpha << 24) | (grey << 16) | (grey << 8) | grey;
                assertEquals(hex(expected), hex(pixel(frame, x, y)), "depth " + depth + " pixel " + x + "," + y);
            }
        }
    }

    private static int sample(int x, int y, int depth) {
        return depth == 16 ? (x * 4099 + y * 257) & 0xFFFF : (x + y * 3) % (1 << depth);
    }

    @Test
    void rgb16ColourKeyComparesAllSixteenBits() throws DecodeException {
        Frame frame = decode(fixture("rgb16-trns.png")).frames().getFirst();

        // Pixel (2, 0) is the key (0x1234, 0x5678, 0x9ABC); pixel (3, 0) differs only in red's low byte.
        assertEquals("0012569a", hex(pixel(frame, 2, 0)));
        assertEquals("ff12569a", hex(pixel(frame, 3, 0)));
        assertEquals("ff000000", hex(pixel(frame, 0, 0)));
    }

    @Test
    void interlacedRgbWithColourKey() throws DecodeException {
        Frame frame = decode(fixture("rgb8-trns-interlaced.png")).frames().getFirst();

        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int expected = (x + y) % 3 == 0 ? 0x000A141E : 0xFF000000 | (x * 30 << 16) | (y * 30 << 8) | 200;
                assertEquals(hex(expected), hex(pixel(frame, x, y)), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void rgba16KeepsHighByte() throws DecodeException {
        Frame frame = decode(fixture("rgba16.png")).frames().getFirst();

        for (int x = 0; x < 8; x++) {
            int expected = ((0x8000 + x) >>> 8 << 24) | ((x * 8191) >>> 8 << 16) | ((3 * 8191) >>> 8 << 8) | 0xAB;
            assertEquals(hex(expected), hex(pixel(frame, x, 3)), "pixel " + x + ",3");
        }
    }

    @Test
    void paletteShortTransparencyTable() throws DecodeException {
        Frame frame = decode(fixture("palette4-trns.png")).frames().getFirst();

        // Index i is colour (16i, 255 - 16i, 7); tRNS gives indices 0, 1, 2 alphas 0, 128, 255, the rest are opaque.
        int[] alphas = {0, 128, 255};
        for (int index = 0; index < 16; index++) {
            int alpha = index < 3 ? alphas[index] : 255;
            int expected = (alpha << 24) | (index * 16 << 16) | ((255 - index * 16) << 8) | 7;
            assertEquals(hex(expected), hex(pixel(frame, index % 8, index / 8)), "index " + index);
        }
    }

    @Test
    void apngControlChunksWithoutActlAreIgnored() throws DecodeException {
        Sticker sticker = decode(TestData.shared("format-cases/apng/chunk_no_actl.png"));

        assertEquals(StickerFormat.PNG, sticker.format());
        assertEquals(1, sticker.frames().size());
        for (int argb : sticker.frames().getFirst().argb()) {
            assertEquals("ff00ff00", hex(argb));
        }
    }

    @Test
    void truncatedImageDataFails() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("rgb8-trns-interlaced.png"));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 40);

        DecodeException e = assertThrows(DecodeException.class,
                () -> StickerDecoder.withAllFormats(DecodeLimits.DEFAULT).decode(cut, Path.of("cut.png")));
        assertEquals(StickerFormat.PNG, e.format());
    }

    @Test
    void hugeDeclaredSizeFailsBeforeAllocation() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("grey8-trns.png"));
        // IHDR width and height sit at bytes 16 to 23; declare 65535x65535 and fix nothing else.
        byte[] huge = bytes.clone();
        huge[16] = 0;
        huge[17] = 0;
        huge[18] = (byte) 0xFF;
        huge[19] = (byte) 0xFF;
        huge[20] = 0;
        huge[21] = 0;
        huge[22] = (byte) 0xFF;
        huge[23] = (byte) 0xFF;

        DecodeException e = assertThrows(DecodeException.class,
                () -> StickerDecoder.withAllFormats(DecodeLimits.DEFAULT).decode(huge, Path.of("huge.png")));
        assertTrue(e.reason().contains("65535x65535"), e.reason());
    }
}
