package org.gse.decode;

import static org.gse.decode.RasterTestSupport.assertSameVisiblePixels;
import static org.gse.decode.RasterTestSupport.decode;
import static org.gse.decode.RasterTestSupport.fixture;
import static org.gse.decode.RasterTestSupport.hex;
import static org.gse.decode.RasterTestSupport.pixel;
import static org.gse.decode.RasterTestSupport.readArgb;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GifDecoderTest {

    /** The colours of the fixtures' global table: indices 1, 2 and 3. */
    private static final int[] FIXTURE_COLOURS = {0xFF000000, 0xFFFF0000, 0xFF00FF00, 0xFF0000FF};

    /**
     * Every GIF of the conformance suite against its expected composited frames {@code NAME-N.png} (a still GIF's
     * single frame is {@code NAME.png}). Fully transparent pixels match whatever their RGB, because the expected
     * images store different colours under alpha 0.
     */
    @Test
    void suiteMatchesExpectedFrames() throws IOException {
        Path folder = TestData.shared("format-cases/gif");
        List<Path> gifs;
        try (Stream<Path> files = Files.list(folder)) {
            gifs = files.filter(p -> p.toString().endsWith(".gif")).sorted().toList();
        }
        assertFalse(gifs.isEmpty(), "no GIF in " + folder);

        for (Path gif : gifs) {
            String name = gif.getFileName().toString().replaceFirst("\\.gif$", "");
            Sticker sticker = decode(gif);
            List<Frame> frames = sticker.frames();
            Path expectedFolder = folder.resolve("expected-frames");
            if (Files.exists(expectedFolder.resolve(name + ".png"))) {
                assertEquals(1, frames.size(), name + " frame count");
                assertFrame(expectedFolder.resolve(name + ".png"), frames.getFirst(), name);
            } else {
                int expectedCount = 0;
                while (Files.exists(expectedFolder.resolve(name + "-" + expectedCount + ".png"))) {
                    expectedCount++;
                }
                assertTrue(expectedCount > 0, "no expected frames for " + name);
                assertEquals(expectedCount, frames.size(), name + " frame count");
                for (int i = 0; i < expectedCount; i++) {
                    assertFrame(expectedFolder.resolve(name + "-" + i + ".png"), frames.get(i), name + " frame " + i);
                }
            }
            assertTrue(sticker.warnings().isEmpty(), name + " warnings: " + sticker.warnings());
        }
    }

    private static void assertFrame(Path expected, Frame actual, String what) throws IOException {
        int[] expectedPixels = readArgb(expected);
        assertEquals(100, actual.width(), what + " width");
        assertSameVisiblePixels(expectedPixels, actual.argb(), actual.width(), what);
    }

    @Test
    void suiteDelaysAndAlpha() throws DecodeException {
        Path folder = TestData.shared("format-cases/gif");

        Sticker variable = decode(folder.resolve("animated_loop_variable_delay.gif"));
        assertEquals(List.of(1000, 1000, 100, 1000), variable.frames().stream().map(Frame::durationMs).toList());
        assertFalse(variable.hasAlpha());

        Sticker transparent = decode(folder.resolve("static_transparent.gif"));
        assertTrue(transparent.hasAlpha());
        assertEquals(0, transparent.durationMs(), "a still GIF has no duration");
    }

    @Test
    void interlacedMatchesProgressiveTwin() throws DecodeException {
        Sticker plain = decode(fixture("stripes.gif"));
        Sticker interlaced = decode(fixture("stripes-interlaced.gif"));

        assertEquals(2, interlaced.frames().size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(plain.frames().get(i).argb(), interlaced.frames().get(i).argb(), "frame " + i);
            assertStripes(interlaced.frames().get(i), i);
        }
        assertEquals(List.of(200, 300), interlaced.frames().stream().map(Frame::durationMs).toList());
    }

    @Test
    void gif87aDecodes() throws DecodeException {
        Sticker sticker = decode(fixture("stripes-87a.gif"));

        assertEquals(StickerFormat.GIF, sticker.format());
        assertEquals(12, sticker.width());
        assertEquals(20, sticker.height());
        assertStripes(sticker.frames().getFirst(), 0);
        assertFalse(sticker.hasAlpha());
    }

    /** Asserts the fixtures' pattern: colour index {@code 1 + (x + y / 4 + frame) % 3} at every pixel. */
    private static void assertStripes(Frame frame, int frameIndex) {
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                int expected = FIXTURE_COLOURS[1 + (x + y / 4 + frameIndex) % 3];
                assertEquals(hex(expected), hex(pixel(frame, x, y)), "pixel " + x + "," + y + " of frame " + frameIndex);
            }
        }
    }

    @Test
    void truncatedKeepsEarlierFrames() throws DecodeException {
        Sticker sticker = decode(fixture("truncated.gif"));

        assertEquals(2, sticker.frames().size());
        assertStripes(sticker.frames().get(0), 0);
        assertStripes(sticker.frames().get(1), 1);
        assertEquals(1, sticker.warnings().size(), sticker.warnings().toString());
        assertTrue(sticker.warnings().getFirst().contains("image 2"), sticker.warnings().getFirst());
    }

    @Test
    void truncatedBeforeFirstFrameFails() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("stripes.gif"));
        byte[] cut = java.util.Arrays.copyOf(bytes, 40);

        DecodeException e = assertThrows(DecodeException.class,
                () -> StickerDecoder.withAllFormats(DecodeLimits.DEFAULT).decode(cut, Path.of("cut.gif")));
        assertTrue(e.reason().contains("no complete image"), e.reason());
    }

    @Test
    void shortDelaysPlayAsTenthSecond() throws DecodeException {
        Sticker sticker = decode(fixture("short-delays.gif"));

        assertEquals(List.of(100, 100, 20), sticker.frames().stream().map(Frame::durationMs).toList());
    }

    @Test
    void disposalFourRestoresPrevious() throws DecodeException {
        List<Frame> frames = decode(fixture("dispose4.gif")).frames();

        assertEquals(3, frames.size());
        assertEquals(hex(FIXTURE_COLOURS[2]), hex(pixel(frames.get(1), 1, 1)), "the green square is shown");
        for (int argb : frames.get(2).argb()) {
            assertEquals(hex(FIXTURE_COLOURS[1]), hex(argb), "the square is gone after disposal 4");
        }
    }

    @Test
    void zeroLogicalScreenTakesFirstImageExtent() throws DecodeException {
        Sticker sticker = decode(fixture("zero-screen.gif"));

        assertEquals(8, sticker.width());
        assertEquals(6, sticker.height());
        Frame frame = sticker.frames().getFirst();
        assertEquals(0, pixel(frame, 0, 0) >>> 24, "outside the image stays transparent");
        assertEquals(hex(FIXTURE_COLOURS[1]), hex(pixel(frame, 2, 1)), "image origin draws index 1");
        assertTrue(sticker.hasAlpha());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bomb-65535.gif", "bomb-20000.gif", "bomb-frame.gif"})
    void declaredHugeSizeFailsBeforeAllocation(String name) throws IOException {
        Path file = fixture(name);
        assertTrue(Files.size(file) < 100, name + " is a small file");

        DecodeException e = assertThrows(DecodeException.class, () -> decode(file));
        assertEquals(StickerFormat.GIF, e.format());
        assertTrue(e.reason().contains("over the limit"), e.reason());
        String size = switch (name) {
            case "bomb-65535.gif" -> "65535x65535";
            case "bomb-20000.gif" -> "20000x20000";
            default -> "30000x30000";
        };
        assertTrue(e.reason().contains(size), e.reason());
    }
}
