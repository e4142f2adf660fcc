package org.gse.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebM decoding against the fixtures of {@code tools/make-media-fixtures.sh}, whose clip is documented there: an
 * opaque blue bar at x &lt; 16, a green square with alpha 128 at the top right, a red 24x24 square at y 40..63
 * whose left edge is at {@code 24 + 40 t} px, and transparency elsewhere. Colour tolerance: each RGB channel within
 * {@value #COLOUR_TOLERANCE} of the source colour (lossy VP8/VP9 and 4:2:0 chroma); alpha exactly 0 or 255 where
 * the source is fully transparent or opaque, within {@value #ALPHA_TOLERANCE} of 128 for the half-transparent
 * square.
 */
class WebmDecoderTest {

    static final int COLOUR_TOLERANCE = 16;
    static final int ALPHA_TOLERANCE = 8;

    private static final StickerDecoder DECODER = StickerDecoder.withAllFormats(DecodeLimits.DEFAULT);

    static Path fixture(String name) {
        return TestData.resource("fixtures/media/" + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vp9-alpha.webm", "vp8-alpha.webm", "vp9-opaque.webm", "vp8-opaque.webm",
            "vp9-alpha-99x67.webm", "vp9-alpha-wrong-duration.webm"})
    void frameCountsAndDurationsMatchFfprobe(String name) throws Exception {
        Ffprobe.assumeAvailable();
        Path file = fixture(name);
        Sticker sticker = DECODER.decode(file);

        assertEquals(StickerFormat.WEBM, sticker.format());
        assertEquals(Ffprobe.countFrames(file), sticker.frames().size(), "frame count vs ffprobe -count_frames");
        List<Integer> durations = sticker.frames().stream().map(Frame::durationMs).toList();
        assertEquals(Ffprobe.frameDurationsMs(file), durations, "per-frame durations vs ffprobe timestamps");
        assertTrue(sticker.warnings().isEmpty(), () -> "unexpected warnings " + sticker.warnings());
    }

    @Test
    void fixturesHaveTheDocumentedShape() throws Exception {
        Sticker vp9 = DECODER.decode(fixture("vp9-alpha.webm"));
        assertEquals(128, vp9.width());
        assertEquals(96, vp9.height());
        assertEquals(45, vp9.frames().size());
        assertEquals(1500, vp9.durationMs());
        assertTrue(vp9.animated());

        Sticker odd = DECODER.decode(fixture("vp9-alpha-99x67.webm"));
        assertEquals(99, odd.width());
        assertEquals(67, odd.height());
        assertEquals(30, odd.frames().size());
        assertEquals(1000, odd.durationMs());
        for (Frame frame : odd.frames()) {
            assertEquals(99 * 67, frame.argb().length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vp9-alpha.webm", "vp8-alpha.webm"})
    void alphaSurvives(String name) throws Exception {
        Sticker sticker = DECODER.decode(fixture(name));
        assertTrue(sticker.hasAlpha(), "the BlockAdditional alpha plane must be decoded");
        Frame first = sticker.frames().getFirst();
        Frame at1s = sticker.frames().get(30);

        assertPixel(first, 4, 48, 255, 0x0000FF, "blue bar");
        assertPixel(first, 124, 93, 0, -1, "transparent corner");
        assertPixel(first, 35, 52, 255, 0xFF0000, "red square at t=0");
        assertPixel(first, 75, 52, 0, -1, "where the red square is at t=1");
        assertAlphaNear(first, 112, 12, 128, "half-transparent green square");
        assertColourNear(first, 112, 12, 0x00FF00, "half-transparent green square");

        assertPixel(at1s, 35, 52, 0, -1, "where the red square was at t=0");
        assertPixel(at1s, 75, 52, 255, 0xFF0000, "red square at t=1");
        assertPixel(at1s, 124, 93, 0, -1, "transparent corner");
    }

    @Test
    void alphaSurvivesAtAnOddSize() throws Exception {
        Sticker sticker = DECODER.decode(fixture("vp9-alpha-99x67.webm"));
        assertTrue(sticker.hasAlpha());
        Frame first = sticker.frames().getFirst();
        assertPixel(first, 4, 33, 255, 0x0000FF, "blue bar");
        assertPixel(first, 95, 64, 0, -1, "transparent corner");
        assertPixel(first, 35, 52, 255, 0xFF0000, "red square");
        assertAlphaNear(first, 83, 12, 128, "half-transparent green square");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vp9-opaque.webm", "vp8-opaque.webm"})
    void opaqueVideoHasNoAlpha(String name) throws Exception {
        Sticker sticker = DECODER.decode(fixture(name));
        assertFalse(sticker.hasAlpha());
        Frame first = sticker.frames().getFirst();
        assertPixel(first, 4, 48, 255, 0x0000FF, "blue bar");
        assertPixel(first, 124, 93, 255, 0x000000, "flattened (black) corner");
        assertPixel(first, 35, 52, 255, 0xFF0000, "red square");
    }

    @Test
    void wrongContainerDurationIsIgnored() throws Exception {
        Ffprobe.assumeAvailable();
        Path file = fixture("vp9-alpha-wrong-duration.webm");
        assertEquals(0.001, Ffprobe.containerDuration(file), 1e-9, "the fixture declares 1 ms");
        Sticker sticker = DECODER.decode(file);
        assertEquals(45, sticker.frames().size());
        assertEquals(1500, sticker.durationMs());
    }

    @Test
    void truncatedFileKeepsEarlierFrames() throws Exception {
        byte[] whole = Files.readAllBytes(fixture("vp9-alpha.webm"));
        byte[] cut = Arrays.copyOf(whole, whole.length * 6 / 10);
        Sticker sticker = DECODER.decode(cut, Path.of("cut.webm"));
        assertTrue(sticker.frames().size() > 0, "no frames kept");
        assertTrue(sticker.frames().size() < 45, "got " + sticker.frames().size() + " frames from a cut file");
        assertTrue(sticker.warnings().stream().anyMatch(w -> w.contains("truncated")), sticker.warnings()::toString);
        assertTrue(sticker.hasAlpha());
    }

    @Test
    void fileCutInsideTheHeaderIsAnError() throws Exception {
        byte[] whole = Files.readAllBytes(fixture("vp9-alpha.webm"));
        DecodeException e = assertThrows(DecodeException.class,
                () -> DECODER.decode(Arrays.copyOf(whole, 100), Path.of("head.webm")));
        assertEquals(StickerFormat.WEBM, e.format());
        assertTrue(e.reason().contains("truncated"), e.reason());
    }

    @Test
    void garbageAfterTheMagicIsAnError() {
        byte[] junk = new byte[600];
        new java.util.Random(7).nextBytes(junk);
        junk[0] = 0x1A;
        junk[1] = 0x45;
        junk[2] = (byte) 0xDF;
        junk[3] = (byte) 0xA3;
        DecodeException e = assertThrows(DecodeException.class, () -> DECODER.decode(junk, Path.of("junk.webm")));
        assertEquals(StickerFormat.WEBM, e.format());
    }

    @Test
    void declaredSizeIsCheckedBeforeDecoding() {
        DecodeLimits small = new DecodeLimits(1 << 20, 100 * 90, 1000, 1L << 30, Duration.ofSeconds(60));
        DecodeException e = assertThrows(DecodeException.class,
                () -> StickerDecoder.withAllFormats(small).decode(fixture("vp9-alpha.webm")));
        assertTrue(e.reason().contains("declared size 128x96"), e.reason());
    }

    /**
     * A frame header that declares more pixels than the track's PixelWidth x PixelHeight must be rejected before
     * libvpx allocates for it. The fixtures are profile 0 VP9 and VP8 key frames from
     * {@code tools/make-media-fixtures.sh}; the n-th sync code in file order belongs to the n-th key frame written,
     * the main stream's Block first, then its alpha stream in BlockAdditional.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void vp9HeaderSizeIsCheckedBeforeLibvpx(int keyFrame) throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("vp9-alpha.webm"));
        int sync = find(bytes, new byte[] {0x49, (byte) 0x83, 0x42}, keyFrame);
        assertEquals(0x82, bytes[sync - 1] & 0xFF, "a shown profile 0 key frame precedes the sync code");

        // Profile 0 colour config is 4 bits (colour space, range), then width - 1 and height - 1 in 16 bits each.
        long widthBit = 8L * (sync + 3) + 4;
        assertEquals(127, readBits(bytes, widthBit, 16), "the fixture's coded width - 1");
        writeBits(bytes, widthBit, 16, 16383);
        writeBits(bytes, widthBit + 16, 16, 16383);

        DecodeException e = assertThrows(DecodeException.class,
                () -> DECODER.decode(bytes, Path.of("huge-vp9.webm")));
        assertEquals(Path.of("huge-vp9.webm"), e.file());
        assertTrue(e.reason().contains("16384x16384 in its VP9 header"), e.reason());
        assertEquals(keyFrame == 1, e.reason().contains("alpha stream"), e.reason());
    }

    @Test
    void vp8HeaderSizeIsCheckedBeforeLibvpx() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("vp8-alpha.webm"));
        int start = find(bytes, new byte[] {(byte) 0x9D, 0x01, 0x2A}, 0);
        assertEquals(128, (bytes[start + 3] & 0xFF) | (bytes[start + 4] & 0xFF) << 8, "the fixture's width");

        // 14-bit width and height, little-endian, under a 2-bit scale that stays 0.
        bytes[start + 3] = (byte) 0xFF;
        bytes[start + 4] = 0x3F;
        bytes[start + 5] = (byte) 0xFF;
        bytes[start + 6] = 0x3F;

        DecodeException e = assertThrows(DecodeException.class,
                () -> DECODER.decode(bytes, Path.of("huge-vp8.webm")));
        assertEquals(Path.of("huge-vp8.webm"), e.file());
        assertTrue(e.reason().contains("frame 1 declares a coded size of 16383x16383 in its VP8 header"),
                e.reason());
    }

    @Test
    void frameLimitStopsTheDecode() {
        DecodeLimits tenFrames = new DecodeLimits(1 << 20, 1 << 24, 10, 1L << 30, Duration.ofSeconds(60));
        DecodeException e = assertThrows(DecodeException.class,
                () -> StickerDecoder.withAllFormats(tenFrames).decode(fixture("vp9-alpha.webm")));
        assertTrue(e.reason().contains("more than 10 frames"), e.reason());
    }

    @Test
    void concurrentDecodesStayApart() throws Exception {
        List<String> names = List.of("vp9-alpha.webm", "vp8-alpha.webm", "vp9-opaque.webm", "vp9-alpha-99x67.webm");
        List<Sticker> serial = new ArrayList<>();
        for (String name : names) {
            serial.add(DECODER.decode(fixture(name)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Sticker>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String name : names) {
                    futures.add(pool.submit(() -> DECODER.decode(fixture(name))));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                Sticker expected = serial.get(i % names.size());
                Sticker actual = futures.get(i).get();
                assertEquals(expected.frames().size(), actual.frames().size());
                for (int f = 0; f < expected.frames().size(); f++) {
                    assertTrue(Arrays.equals(expected.frames().get(f).argb(), actual.frames().get(f).argb()),
                            "frame " + f + " of " + names.get(i % names.size()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void durationsFromTimestamps() {
        List<String> warnings = new ArrayList<>();
        long none = org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
        // 1/1000 time base, 33/34 ms steps, last frame's own duration 33.
        assertArrayEquals(new int[] {33, 34, 33}, WebmDecoder.durationsMs(List.of(0L, 33L, 67L),
                List.of(33L, 33L, 33L), 1, 1000, warnings));
        // No own duration: the last frame gets the average interval.
        assertArrayEquals(new int[] {40, 40, 40}, WebmDecoder.durationsMs(List.of(0L, 40L, 80L),
                List.of(0L, 0L, 0L), 1, 1000, warnings));
        // A missing timestamp is filled from the average interval.
        assertArrayEquals(new int[] {50, 50, 50, 50}, WebmDecoder.durationsMs(List.of(0L, none, 100L, 150L),
                List.of(0L, 0L, 0L, 0L), 1, 1000, warnings));
        // 90 kHz time base, 60 fps: cumulative rounding gives 17/17/16 and no drift.
        assertArrayEquals(new int[] {17, 16, 17}, WebmDecoder.durationsMs(List.of(0L, 1500L, 3000L),
                List.of(1500L, 1500L, 1500L), 1, 90000, warnings));
        assertTrue(warnings.isEmpty());
        // Backwards timestamps: 0 ms and a warning.
        int[] backwards = WebmDecoder.durationsMs(List.of(0L, 100L, 50L, 150L), List.of(0L, 0L, 0L, 50L), 1,
                1000, warnings);
        assertEquals(0, backwards[1]);
        assertFalse(warnings.isEmpty());
    }

    @Test
    void truncationIsFoundFromTheSegmentSize() throws IOException {
        byte[] whole = Files.readAllBytes(fixture("vp9-alpha.webm"));
        assertEquals(null, WebmDecoder.MatroskaSegment.truncation(whole));
        String warning = WebmDecoder.MatroskaSegment.truncation(Arrays.copyOf(whole, 2000));
        assertNotNull(warning);
        assertTrue(warning.contains("2000 bytes"), warning);
    }

    /** Returns the offset of the {@code occurrence}-th (from 0) match of {@code pattern}. */
    private static int find(byte[] bytes, byte[] pattern, int occurrence) {
        int seen = 0;
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length) && seen++ == occurrence) {
                return i;
            }
        }
        throw new AssertionError("pattern occurrence " + occurrence + " not found");
    }

    private static int readBits(byte[] bytes, long bit, int count) {
        int value = 0;
        for (long b = bit; b < bit + count; b++) {
            value = value << 1 | (bytes[(int) (b >>> 3)] >> (7 - (int) (b & 7))) & 1;
        }
        return value;
    }

    private static void writeBits(byte[] bytes, long bit, int count, int value) {
        for (int i = 0; i < count; i++) {
            long b = bit + i;
            int mask = 1 << (7 - (int) (b & 7));
            if ((value >> (count - 1 - i) & 1) == 1) {
                bytes[(int) (b >>> 3)] |= (byte) mask;
            } else {
                bytes[(int) (b >>> 3)] &= (byte) ~mask;
            }
        }
    }

    private static void assertArrayEquals(int[] expected, int[] actual) {
        assertEquals(Arrays.toString(expected), Arrays.toString(actual));
    }

    /** Checks alpha exactly and, when {@code rgb >= 0}, each colour channel within the tolerance. */
    static void assertPixel(Frame frame, int x, int y, int alpha, int rgb, String what) {
        int pixel = frame.argb()[y * frame.width() + x];
        assertEquals(alpha, pixel >>> 24, () -> what + ": alpha at (" + x + "," + y + ") of " + hex(pixel));
        if (rgb >= 0) {
            assertColourNear(frame, x, y, rgb, what);
        }
    }

    static void assertAlphaNear(Frame frame, int x, int y, int alpha, String what) {
        int pixel = frame.argb()[y * frame.width() + x];
        assertTrue(Math.abs((pixel >>> 24) - alpha) <= ALPHA_TOLERANCE,
                () -> what + ": alpha at (" + x + "," + y + ") of " + hex(pixel) + ", expected about " + alpha);
    }

    static void assertColourNear(Frame frame, int x, int y, int rgb, String what) {
        int pixel = frame.argb()[y * frame.width() + x];
        for (int shift = 0; shift <= 16; shift += 8) {
            int actual = (pixel >> shift) & 0xFF;
            int expected = (rgb >> shift) & 0xFF;
            assertTrue(Math.abs(actual - expected) <= COLOUR_TOLERANCE, () -> what + ": colour at (" + x + "," + y
                    + ") is " + hex(pixel) + ", expected about " + String.format("%06x", rgb));
        }
    }

    static String hex(int argb) {
        return String.format("%08x", argb);
    }
}
