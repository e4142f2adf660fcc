package org.gse.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests {@link WebpDecoder} on fixtures made by {@code tools/make-webp-fixtures.sh} (solid-colour rectangles whose
 * composited values are worked out below), on the shared WebP cases and WhatsApp packs, and against libwebp's
 * {@code WebPAnimDecoder} through {@link LibWebpReference} where Debian's {@code libwebpdemux2} is installed.
 *
 * <p>Lossy tolerance: TwelveMonkeys upsamples chroma by pixel replication, while libwebp's default "fancy"
 * upsampling interpolates it, so lossy pixels differ where chroma changes between neighbours. Against
 * {@code dwebp -nofancy} the same frame differs by at most 9 and 0.23 on average. Random-noise frames, the worst
 * case, measured a maximum of 49 and a mean of 5.1 per channel; the bounds below leave a little room above that.
 */
class WebpDecoderTest {

    private static final int RED = 0xFFFF0000;
    private static final int TRANSPARENT = 0x00000000;

    /** Bounds for lossy frames on random noise: max and mean absolute difference per channel. */
    private static final int NOISE_MAX_DIFFERENCE = 56;
    private static final double NOISE_MEAN_DIFFERENCE = 5.5;

    /** Bounds for WhatsApp frames that contain lossy parts, per channel over the whole 512x512 canvas. */
    private static final int STICKER_MAX_DIFFERENCE = 96;
    private static final double STICKER_MEAN_DIFFERENCE = 0.5;

    private final StickerDecoder decoder = StickerDecoder.withAllFormats(DecodeLimits.DEFAULT);

    // Own fixtures: still images.

    @Test
    void stillLossyIsOpaqueWithBothHalves() throws IOException {
        Sticker sticker = decodeFixture("still-lossy.webp");

        assertEquals(16, sticker.width());
        assertEquals(16, sticker.height());
        assertEquals(1, sticker.frames().size());
        assertEquals(0, sticker.durationMs());
        assertFalse(sticker.hasAlpha());
        assertNear(0xFFC82828, pixel(sticker, 0, 2, 8), 6, "left half (200, 40, 40)");
        assertNear(0xFF2828C8, pixel(sticker, 0, 13, 8), 6, "right half (40, 40, 200)");
    }

    @Test
    void stillLosslessKeepsExactValues() throws IOException {
        Sticker sticker = decodeFixture("still-lossless.webp");

        assertEquals(4, sticker.width());
        assertEquals(3, sticker.height());
        assertTrue(sticker.hasAlpha());
        assertPixel(0xFF0A141E, pixel(sticker, 0, 0, 0), "background (10, 20, 30)");
        assertPixel(0xFFFF0000, pixel(sticker, 0, 1, 0), "opaque red");
        assertPixel(0x8000FF00, pixel(sticker, 0, 2, 1), "green at alpha 128");
        assertPixel(0x00010203, pixel(sticker, 0, 3, 2), "colour kept under alpha 0 (cwebp -exact)");
    }

    @Test
    void stillLossyWithAlphaUsesAlphChunk() throws IOException {
        Sticker sticker = decodeFixture("still-lossy-alpha.webp");

        assertEquals(16, sticker.width());
        assertTrue(sticker.hasAlpha());
        int left = pixel(sticker, 0, 3, 8);
        assertEquals(0xFF, left >>> 24, "alpha of the opaque left half");
        assertNear(0xFF28A028, left, 6, "left half (40, 160, 40)");
        assertEquals(0, pixel(sticker, 0, 12, 8) >>> 24, "alpha of the transparent right half");
    }

    // Own fixtures: animation.

    @Test
    void animationCompositesBlendAndDisposal() throws IOException {
        Sticker sticker = decodeFixture("animated.webp");

        assertEquals(16, sticker.width());
        assertEquals(16, sticker.height());
        assertEquals(4, sticker.frames().size());
        assertEquals(List.of(100, 200, 300, 400), sticker.frames().stream().map(Frame::durationMs).toList());
        assertEquals(1000, sticker.durationMs());
        assertTrue(sticker.hasAlpha());

        // Frame 1: opaque red everywhere.
        assertPixel(RED, pixel(sticker, 0, 0, 0), "frame 1 (0,0)");
        assertPixel(RED, pixel(sticker, 0, 15, 15), "frame 1 (15,15)");

        // Frame 2: blue at alpha 128 blended over red in (4,4)-(11,11). libwebp's integer formula gives
        // dstFactorA = 255 * 128 >> 8 = 127, alpha 255, R = 255 * 127 * 65793 >> 24 = 126 and
        // B = 255 * 128 * 65793 >> 24 = 127 (65793 = 2^24 / 255, truncated).
        assertPixel(0xFF7E007F, pixel(sticker, 1, 4, 4), "frame 2 blended corner");
        assertPixel(0xFF7E007F, pixel(sticker, 1, 11, 11), "frame 2 blended corner");
        assertPixel(RED, pixel(sticker, 1, 3, 3), "frame 2 outside the rectangle");
        assertPixel(RED, pixel(sticker, 1, 12, 4), "frame 2 outside the rectangle");

        // Frame 3: frame 2's rectangle was disposed to transparent; green at alpha 64 overwrites (2,2)-(5,5)
        // without blending, over red and over the disposed area alike.
        assertPixel(0x4000FF00, pixel(sticker, 2, 2, 2), "frame 3 over red");
        assertPixel(0x4000FF00, pixel(sticker, 2, 5, 5), "frame 3 over the disposed area");
        assertPixel(TRANSPARENT, pixel(sticker, 2, 8, 8), "frame 2's disposed rectangle");
        assertPixel(RED, pixel(sticker, 2, 12, 12), "red outside frame 2's rectangle");

        // Frame 4: yellow at alpha 128 blended in (10,10)-(13,13). Over the disposed area it stays
        // (255, 255, 0) at alpha 128; over red, R = 255 * 255 * 65793 >> 24 = 254 and G = 127 at alpha 255.
        assertPixel(0x80FFFF00, pixel(sticker, 3, 10, 10), "frame 4 over transparent");
        assertPixel(0x80FFFF00, pixel(sticker, 3, 11, 11), "frame 4 over transparent");
        assertPixel(0xFFFE7F00, pixel(sticker, 3, 12, 12), "frame 4 over red");
        assertPixel(0xFFFE7F00, pixel(sticker, 3, 13, 10), "frame 4 over red");
        assertPixel(0x4000FF00, pixel(sticker, 3, 3, 3), "frame 3 kept");
        assertPixel(TRANSPARENT, pixel(sticker, 3, 8, 8), "disposed area kept");
    }

    @Test
    void keyFrameAfterDisposalIsNotBlended() throws IOException {
        Sticker sticker = decodeFixture("animated-keyframe.webp");

        assertEquals(12, sticker.width());
        assertEquals(2, sticker.frames().size());
        assertPixel(RED, pixel(sticker, 0, 7, 7), "frame 1");
        assertPixel(TRANSPARENT, pixel(sticker, 1, 7, 7), "frame 1 disposed");

        // Blending over transparent black would give 255 * 100 * (2^24 / 100 truncated) >> 24 = 254.
        assertPixel(0x64FF00FF, pixel(sticker, 1, 8, 8), "frame 2 copied, not blended");
        assertPixel(0x64FF00FF, pixel(sticker, 1, 11, 11), "frame 2 copied, not blended");
    }

    @Test
    void fixturesMatchLibwebp() throws IOException {
        LibWebpReference reference = libwebp();
        for (String name : List.of("still-lossless.webp", "animated.webp", "animated-keyframe.webp")) {
            assertMatchesReference(TestData.resource("fixtures/webp/" + name), reference, 0, 0.0);
        }
        for (String name : List.of("still-lossy.webp", "still-lossy-alpha.webp")) {
            // A hard red-blue edge in a 16x16 image: chroma upsampling differs on a large share of the pixels.
            assertMatchesReference(TestData.resource("fixtures/webp/" + name), reference, NOISE_MAX_DIFFERENCE,
                    NOISE_MEAN_DIFFERENCE);
        }
    }

    // Own fixtures: damaged files.

    @Test
    void trailingBytesAreIgnoredWithWarning() throws IOException {
        Sticker clean = decodeFixture("still-lossless.webp");
        Sticker sticker = decodeFixture("trailing-garbage.webp");

        assertEquals(1, sticker.warnings().size(), "warnings: " + sticker.warnings());
        assertTrue(sticker.warnings().getFirst().contains("ignored 16 bytes after the end of the RIFF data"),
                sticker.warnings().getFirst());
        assertArrayEquals(clean.frames().getFirst().argb(), sticker.frames().getFirst().argb(), "pixels");
    }

    @Test
    void truncatedAnimationKeepsCompleteFrames() throws IOException {
        Sticker complete = decodeFixture("animated.webp");
        Sticker sticker = decodeFixture("truncated.webp");

        assertEquals(3, sticker.frames().size());
        assertEquals(1, sticker.warnings().size(), "warnings: " + sticker.warnings());
        String warning = sticker.warnings().getFirst();
        assertTrue(warning.contains("file is truncated"), warning);
        assertTrue(warning.contains("'ANMF' chunk at byte 188"), warning);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(complete.frames().get(i).argb(), sticker.frames().get(i).argb(), "frame " + (i + 1));
        }
    }

    @Test
    void truncatedStillImageFails() {
        DecodeException e = assertThrows(DecodeException.class, () -> decodeFixture("truncated-still.webp"));

        assertEquals(StickerFormat.WEBP, e.format());
        assertTrue(e.reason().contains("file is truncated") && e.reason().contains("'VP8L' chunk at byte 12"),
                e.reason());
    }

    @Test
    void hugeCanvasFailsBeforeDecoding() {
        long start = System.nanoTime();
        DecodeException e = assertThrows(DecodeException.class, () -> decodeFixture("huge-canvas.webp"));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(StickerFormat.WEBP, e.format());
        assertTrue(e.reason().contains("16384x16384"), e.reason());
        assertTrue(e.reason().contains("over the limit"), e.reason());
        assertTrue(elapsedMs < 1000, "rejecting the header took " + elapsedMs + " ms");
    }

    @Test
    void frameOutsideCanvasFailsNamingFrame() {
        DecodeException e = assertThrows(DecodeException.class, () -> decodeFixture("frame-outside.webp"));

        assertTrue(e.reason().startsWith("frame 3 (ANMF chunk at byte 140) at (14, 2) with size 4x4 reaches "
                + "outside the 16x16 canvas"), e.reason());
    }

    @Test
    void frameLimitAppliesToAnmfCount() throws IOException {
        DecodeLimits limits = new DecodeLimits(1 << 20, 1 << 20, 3, 1 << 30, Duration.ofSeconds(10));
        StickerDecoder limited = StickerDecoder.withAllFormats(limits);

        DecodeException e = assertThrows(DecodeException.class,
                () -> limited.decode(TestData.resource("fixtures/webp/animated.webp")));

        assertTrue(e.reason().contains("declares 4 frames, over the limit of 3"), e.reason());
    }

    @Test
    void notWebpChunkFails() {
        byte[] bytes = "RIFF\u0010\0\0\0WEBPJUNK\u0004\0\0\0abcd".getBytes(StandardCharsets.ISO_8859_1);

        DecodeException e = assertThrows(DecodeException.class, () -> decoder.decode(bytes, Path.of("junk.webp")));

        assertTrue(e.reason().contains("the first chunk is 'JUNK'"), e.reason());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void damagedBytesFailOnlyWithDecodeException() throws IOException {
        // Every prefix of the animation, and seeded random byte changes in every fixture, must either decode or
        // raise DecodeException; any other exception is a bug in the container parser.
        byte[] animated = Files.readAllBytes(TestData.resource("fixtures/webp/animated.webp"));
        for (int length = 0; length < animated.length; length++) {
            decodeOrReject(java.util.Arrays.copyOf(animated, length), "animated.webp cut to " + length + " bytes");
        }
        java.util.Random random = new java.util.Random(42);
        for (String name : List.of("still-lossy.webp", "still-lossless.webp", "still-lossy-alpha.webp",
                "animated.webp", "animated-keyframe.webp")) {
            byte[] original = Files.readAllBytes(TestData.resource("fixtures/webp/" + name));
            for (int trial = 0; trial < Integer.getInteger("gse.webp.damageTrials", 200); trial++) {
                byte[] damaged = original.clone();
                int position = 4 + random.nextInt(damaged.length - 4);
                damaged[position] = (byte) random.nextInt(256);
                decodeOrReject(damaged, name + " with byte " + position + " set to " + (damaged[position] & 0xFF));
            }
        }
    }

    private void decodeOrReject(byte[] bytes, String what) {
        try {
            decoder.decode(bytes, Path.of("damaged.webp"));
        } catch (DecodeException e) {
            assertNotNull(e.reason(), what);
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }

    // Shared cases.

    @Test
    void sharedLosslessAnimationMatchesReferenceFrames() throws IOException {
        Path dir = TestData.shared("format-cases/webp");
        Sticker sticker = decoder.decode(dir.resolve("random_lossless.webp"));

        assertEquals(64, sticker.width());
        assertEquals(63, sticker.height());
        assertEquals(3, sticker.frames().size());
        assertFalse(sticker.hasAlpha());

        // Frame 1 does not blend and matches exactly. Frames 2 and 3 are opaque frames marked "blend": libwebp
        // copies opaque pixels unchanged, but the decoder that made the reference PNGs blends them with a
        // formula that loses 1 in every non-zero channel. We follow libwebp, so we check for exactly that
        // difference.
        assertFrameEquals(readRgb(dir.resolve("expected-frames/random_lossless-1.png")), sticker.frames().get(0),
                "frame 1");
        for (int i = 1; i < 3; i++) {
            int[] expected = readRgb(dir.resolve("expected-frames/random_lossless-" + (i + 1) + ".png"));
            int[] actual = sticker.frames().get(i).argb();
            for (int p = 0; p < actual.length; p++) {
                int lessOne = 0xFF000000;
                for (int shift = 0; shift < 24; shift += 8) {
                    lessOne |= Math.max(((actual[p] >>> shift) & 0xFF) - 1, 0) << shift;
                }
                if (lessOne != expected[p]) {
                    throw new AssertionError(String.format(Locale.ROOT,
                            "frame %d pixel (%d,%d): ours %08x, reference %08x", i + 1, p % 64, p / 64,
                            actual[p], expected[p]));
                }
            }
        }
    }

    @Test
    void sharedLossyAnimationWithinTolerance() throws IOException {
        Path dir = TestData.shared("format-cases/webp");
        Sticker sticker = decoder.decode(dir.resolve("random_lossy.webp"));

        assertEquals(99, sticker.width());
        assertEquals(87, sticker.height());
        assertEquals(4, sticker.frames().size());
        assertEquals(600, sticker.durationMs());
        for (int i = 0; i < 4; i++) {
            int[] expected = readRgb(dir.resolve("expected-frames/random_lossy-" + (i + 1) + ".png"));
            Difference difference = Difference.of(expected, sticker.frames().get(i).argb());
            assertTrue(difference.max() <= NOISE_MAX_DIFFERENCE && difference.mean() <= NOISE_MEAN_DIFFERENCE,
                    "frame " + (i + 1) + ": " + difference);
        }
    }

    @Test
    void sharedAnimationsMatchLibwebp() throws IOException {
        LibWebpReference reference = libwebp();
        Path dir = TestData.shared("format-cases/webp");
        assertMatchesReference(dir.resolve("random_lossless.webp"), reference, 0, 0.0);
        assertMatchesReference(dir.resolve("random_lossy.webp"), reference, NOISE_MAX_DIFFERENCE,
                NOISE_MEAN_DIFFERENCE);
    }

    @Test
    void whatsappStaticPackDecodes() throws IOException {
        List<Path> files = webpFiles(TestData.shared("real-stickers/whatsapp/1"));
        assertEquals(25, files.size());
        for (Path file : files) {
            Sticker sticker = decoder.decode(file);
            assertEquals(512, sticker.width(), file.toString());
            assertEquals(512, sticker.height(), file.toString());
            assertEquals(1, sticker.frames().size(), file.toString());
            assertTrue(sticker.hasAlpha(), "transparent sticker " + file);
            assertTrue(sticker.warnings().isEmpty(), file + ": " + sticker.warnings());
        }
    }

    @Test
    void whatsappAnimatedPackDecodes() throws IOException {
        List<Path> files = webpFiles(TestData.shared("real-stickers/whatsapp/2"));
        assertEquals(21, files.size());
        for (Path file : files) {
            Sticker sticker = decoder.decode(file);
            assertEquals(512, sticker.width(), file.toString());
            assertEquals(512, sticker.height(), file.toString());
            assertTrue(sticker.frames().size() >= 10 && sticker.frames().size() <= 50,
                    file + " has " + sticker.frames().size() + " frames");
            assertTrue(sticker.frames().stream().allMatch(frame -> frame.durationMs() > 0), file.toString());
            // WhatsApp requires animated stickers to last at most 10 seconds.
            assertTrue(sticker.durationMs() >= 500 && sticker.durationMs() <= 10_000,
                    file + " lasts " + sticker.durationMs() + " ms");
            assertTrue(sticker.hasAlpha(), "transparent sticker " + file);
            assertTrue(sticker.warnings().isEmpty(), file + ": " + sticker.warnings());
        }
    }

    @Test
    void whatsappTrayImagesSniffAsPng() throws IOException {
        Path dir = TestData.shared("real-stickers/whatsapp");
        for (Path tray : List.of(dir.resolve("1/tray_Cuppy.png"), dir.resolve("2/01.png"))) {
            assertEquals(Optional.of(StickerFormat.PNG), FormatSniffer.sniff(Files.readAllBytes(tray)),
                    tray.toString());
        }
    }

    @Test
    void whatsappPacksMatchLibwebp() throws IOException {
        LibWebpReference reference = libwebp();
        Path dir = TestData.shared("real-stickers/whatsapp");
        for (String pack : List.of("1", "2")) {
            for (Path file : webpFiles(dir.resolve(pack))) {
                // Lossless stickers match exactly; those with lossy frames ("VP8 " chunks) within tolerance.
                boolean lossy = contains(Files.readAllBytes(file), "VP8 ".getBytes(StandardCharsets.US_ASCII));
                if (lossy) {
                    assertMatchesReference(file, reference, STICKER_MAX_DIFFERENCE, STICKER_MEAN_DIFFERENCE);
                } else {
                    assertMatchesReference(file, reference, 0, 0.0);
                }
            }
        }
    }

    // Helpers.

    /**
     * Max and mean absolute difference per channel (A, R, G, B) between two ARGB images, and the max difference
     * of the alpha channel alone.
     */
    record Difference(int max, double mean, int worstPixel, int maxAlpha) {
        static Difference of(int[] expected, int[] actual) {
            assertEquals(expected.length, actual.length, "pixel count");
            int max = 0;
            int worst = -1;
            int maxAlpha = 0;
            long sum = 0;
            for (int p = 0; p < expected.length; p++) {
                for (int shift = 0; shift < 32; shift += 8) {
                    int d = Math.abs(((expected[p] >>> shift) & 0xFF) - ((actual[p] >>> shift) & 0xFF));
                    sum += d;
                    if (d > max) {
                        max = d;
                        worst = p;
                    }
                    if (shift == 24) {
                        maxAlpha = Math.max(maxAlpha, d);
                    }
                }
            }
            return new Difference(max, sum / (4.0 * expected.length), worst, maxAlpha);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "max difference %d (first at pixel index %d), mean %.4f, "
                    + "max alpha difference %d", max, worstPixel, mean, maxAlpha);
        }
    }

    private void assertMatchesReference(Path file, LibWebpReference reference, int maxDifference,
            double meanDifference) throws IOException {
        Sticker sticker = decoder.decode(file);
        List<LibWebpReference.ReferenceFrame> expected = reference.decode(Files.readAllBytes(file));

        assertEquals(expected.size(), sticker.frames().size(), file + ": frame count");
        int timestamp = 0;
        for (int i = 0; i < expected.size(); i++) {
            LibWebpReference.ReferenceFrame want = expected.get(i);
            Frame frame = sticker.frames().get(i);
            assertEquals(want.width(), frame.width(), file + " frame " + (i + 1) + " width");
            assertEquals(want.height(), frame.height(), file + " frame " + (i + 1) + " height");
            timestamp += frame.durationMs();
            if (sticker.animated()) {
                assertEquals(want.timestampMs(), timestamp, file + " frame " + (i + 1) + " end time");
            }
            Difference difference = Difference.of(want.argb(), frame.argb());
            String message = file + " frame " + (i + 1) + ": " + difference;
            assertTrue(difference.max() <= maxDifference, message);
            assertTrue(difference.mean() <= meanDifference, message);
            // VP8L and ALPH store alpha losslessly (cwebp's -alpha_q only quantizes before compressing), so alpha
            // matches exactly even in lossy frames. Lossy frames without ALPH must be opaque in both decoders.
            assertEquals(0, difference.maxAlpha(), message);
        }
    }

    private static LibWebpReference libwebp() {
        Optional<LibWebpReference> reference = LibWebpReference.load();
        assumeTrue(reference.isPresent(),
                "skipped: libwebpdemux.so.2 not found; install Debian's libwebpdemux2 to compare with libwebp");
        return reference.get();
    }

    private Sticker decodeFixture(String name) throws DecodeException {
        return decoder.decode(TestData.resource("fixtures/webp/" + name));
    }

    private static int pixel(Sticker sticker, int frame, int x, int y) {
        return sticker.frames().get(frame).argb()[y * sticker.width() + x];
    }

    private static void assertPixel(int expected, int actual, String what) {
        assertEquals(String.format(Locale.ROOT, "%08x", expected), String.format(Locale.ROOT, "%08x", actual),
                what);
    }

    private static void assertNear(int expected, int actual, int tolerance, String what) {
        for (int shift = 0; shift < 32; shift += 8) {
            int d = Math.abs(((expected >>> shift) & 0xFF) - ((actual >>> shift) & 0xFF));
            assertTrue(d <= tolerance, String.format(Locale.ROOT, "%s: expected %08x within %d per channel, got %08x",
                    what, expected, tolerance, actual));
        }
    }

    private static void assertArrayEquals(int[] expected, int[] actual, String what) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, what);
    }

    private static void assertFrameEquals(int[] expected, Frame frame, String what) {
        Difference difference = Difference.of(expected, frame.argb());
        assertEquals(0, difference.max(), what + ": " + difference);
    }

    /** Reads a PNG as opaque ARGB. */
    private static int[] readRgb(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "no image in " + png);
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static List<Path> webpFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".webp")).sorted().toList();
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
