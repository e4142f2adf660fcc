package org.gse.decode;

import static org.gse.decode.WebmDecoderTest.assertColourNear;
import static org.gse.decode.WebmDecoderTest.assertPixel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.gse.TestData;
import org.junit.jupiter.api.Test;

/**
 * TGS decoding. The fixtures ({@code tools/make-media-fixtures.sh}) draw a 128x128 rectangle on a 512x512
 * canvas that moves from centre (128,256) to (384,256) and turns from red to blue. Tests that render are skipped
 * with a message when librlottie is missing; the input checks that run before rendering always run.
 */
class TgsDecoderTest {

    private static final StickerDecoder DECODER = StickerDecoder.withAllFormats(DecodeLimits.DEFAULT);

    private static void assumeRenderer() {
        Optional<String> problem = TgsDecoder.rendererProblem();
        assumeTrue(problem.isEmpty(), () -> "skipped: " + problem.orElse(""));
    }

    private static Path fixture(String name) {
        return TestData.resource("fixtures/media/" + name);
    }

    @Test
    void rendersThirtyFpsSticker() throws Exception {
        assumeRenderer();
        Sticker sticker = DECODER.decode(fixture("rect-30fps.tgs"));
        assertEquals(StickerFormat.TGS, sticker.format());
        assertEquals(512, sticker.width());
        assertEquals(512, sticker.height());
        assertEquals(45, sticker.frames().size());
        assertEquals(1500, sticker.durationMs());
        for (Frame frame : sticker.frames()) {
            assertTrue(frame.durationMs() == 33 || frame.durationMs() == 34, "duration " + frame.durationMs());
        }
        assertTrue(sticker.hasAlpha());

        Frame first = sticker.frames().getFirst();
        assertPixel(first, 128, 256, 255, 0xFF0000, "red rectangle at its start");
        assertPixel(first, 5, 5, 0, -1, "transparent corner");
        assertPixel(first, 384, 256, 0, -1, "where the rectangle ends");
        Frame last = sticker.frames().getLast();
        // At frame 44 of 45 the rectangle is 44/45 of the way: centre x = 128 + 256 * 44 / 45 = 378.
        assertPixel(last, 378, 256, 255, -1, "rectangle near its end");
        assertColourNear(last, 378, 256, 0x0600F9, "nearly blue rectangle near its end");
        assertPixel(last, 128, 256, 0, -1, "where the rectangle started");
    }

    @Test
    void nonZeroInPointStartsAtIp() throws Exception {
        assumeRenderer();
        Sticker sticker = DECODER.decode(fixture("rect-30fps-ip15.tgs"));
        assertEquals(45, sticker.frames().size(), "op - ip = 60 - 15");
        assertEquals(1500, sticker.durationMs());
        // Frame 0 is Lottie frame ip = 15, where the keyframes start: red at the left.
        assertPixel(sticker.frames().getFirst(), 128, 256, 255, 0xFF0000, "red rectangle at ip");
        assertPixel(sticker.frames().getLast(), 378, 256, 255, -1, "rectangle near its end");
    }

    @Test
    void sixtyFpsFramesAlternateSeventeenAndSixteenMilliseconds() throws Exception {
        assumeRenderer();
        Sticker sticker = DECODER.decode(fixture("rect-60fps.tgs"));
        assertEquals(90, sticker.frames().size());
        assertEquals(1500, sticker.durationMs());
        assertEquals(List.of(17, 16, 17, 17, 16, 17), sticker.frames().subList(0, 6).stream()
                .map(Frame::durationMs).toList());
    }

    @Test
    void hugeDeclaredFrameCountIsRejectedBeforeRendering() {
        byte[] tgs = gzip(lottie(512, 512, 30, 0, 1_000_000_000));
        DecodeException e = assertThrows(DecodeException.class, () -> DECODER.decode(tgs, Path.of("long.tgs")));
        assertTrue(e.reason().contains("declares 1000000000 frames"), e.reason());
    }

    @Test
    void hugeDeclaredSizeIsRejectedBeforeRendering() {
        byte[] tgs = gzip(lottie(100_000, 100_000, 30, 0, 30));
        DecodeException e = assertThrows(DecodeException.class, () -> DECODER.decode(tgs, Path.of("big.tgs")));
        assertTrue(e.reason().contains("declared size 100000x100000"), e.reason());
    }

    @Test
    void declaredDecodedBytesAreChecked() {
        DecodeLimits limits = new DecodeLimits(1 << 20, 1 << 24, 1000, 10L << 20, Duration.ofSeconds(60));
        byte[] tgs = gzip(lottie(512, 512, 30, 0, 100));
        DecodeException e = assertThrows(DecodeException.class,
                () -> StickerDecoder.withAllFormats(limits).decode(tgs, Path.of("many.tgs")));
        assertTrue(e.reason().contains("total decoded size"), e.reason());
    }

    @Test
    void gzipBombStopsAtTheCap() throws IOException {
        DecodeLimits limits = new DecodeLimits(1 << 20, 1 << 24, 1000, 1L << 30, Duration.ofSeconds(60));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 64; i++) {
                gzip.write(spaces);
            }
        }
        byte[] bomb = bytes.toByteArray();
        assertTrue(bomb.length < 200_000, "the bomb itself is small: " + bomb.length);
        DecodeException e = assertThrows(DecodeException.class,
                () -> StickerDecoder.withAllFormats(limits).decode(bomb, Path.of("bomb.tgs")));
        assertTrue(e.reason().contains("decompresses to more than 1048576 bytes"), e.reason());
    }

    @Test
    void invalidJsonIsRejected() {
        DecodeException e = assertThrows(DecodeException.class,
                () -> DECODER.decode(gzip("{\"w\":512,\"h\":"), Path.of("cut.tgs")));
        assertTrue(e.reason().startsWith("invalid JSON"), e.reason());
        e = assertThrows(DecodeException.class, () -> DECODER.decode(gzip("[1,2,3]"), Path.of("array.tgs")));
        assertTrue(e.reason().contains("not an object"), e.reason());
        e = assertThrows(DecodeException.class, () -> DECODER.decode(gzip("{}"), Path.of("empty.tgs")));
        assertTrue(e.reason().contains("missing or non-numeric 'w'"), e.reason());
        e = assertThrows(DecodeException.class,
                () -> DECODER.decode(gzip("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"), Path.of("deep.tgs")));
        assertTrue(e.reason().startsWith("invalid JSON"), e.reason());
    }

    @Test
    void invalidHeaderValuesAreRejected() {
        assertReason(lottie(512, 512, 0, 0, 30), "invalid frame rate 0");
        assertReason(lottie(512, 512, 30, 30, 30), "invalid frame range");
        assertReason(lottie(512, 512, 30, 0, 1e300), "invalid frame range");
        assertReason(lottie(-5, 512, 30, 0, 30), "invalid declared size");
    }

    @Test
    void notGzipIsRejected() {
        byte[] bytes = {0x1F, (byte) 0x8B, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        DecodeException e = assertThrows(DecodeException.class, () -> DECODER.decode(bytes, Path.of("x.tgs")));
        assertEquals(StickerFormat.TGS, e.format());
        assertTrue(e.reason().startsWith("not valid gzip"), e.reason());
    }

    @Test
    void hungRendererIsKilledAtTheDeadline() throws Exception {
        TgsDecoder sleeping = new TgsDecoder(List.of("-Dgse.tgs.worker.testHook=sleep"));
        DecodeLimits limits = new DecodeLimits(1 << 20, 1 << 24, 1000, 1L << 30, Duration.ofSeconds(3));
        byte[] bytes = Files.readAllBytes(fixture("rect-30fps.tgs"));
        long start = System.nanoTime();
        DecodeException e = assertThrows(DecodeException.class,
                () -> sleeping.decode(bytes, Path.of("sleep.tgs"), limits, start + limits.maxDecodeTime().toNanos()));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.reason().contains("timed out after 3000 ms"), e.reason());
        assertTrue(elapsedMs < 10_000, "took " + elapsedMs + " ms");
        assertNoWorkerLeft();
    }

    @Test
    void crashingRendererCostsOneDecodeException() throws Exception {
        assumeRenderer();
        TgsDecoder crashing = new TgsDecoder(List.of("-Dgse.tgs.worker.testHook=crash"));
        byte[] bytes = Files.readAllBytes(fixture("rect-30fps.tgs"));
        DecodeException e = assertThrows(DecodeException.class, () -> crashing.decode(bytes, Path.of("crash.tgs"),
                DecodeLimits.DEFAULT, System.nanoTime() + DecodeLimits.DEFAULT.maxDecodeTime().toNanos()));
        assertTrue(e.reason().contains("crashed"), e.reason());
        assertTrue(e.reason().contains("SIGSEGV"), e.reason());
        assertNoWorkerLeft();
        // This JVM is fine: the next decode works.
        assertEquals(45, DECODER.decode(fixture("rect-30fps.tgs")).frames().size());
    }

    @Test
    void rendererOverMemoryCapFailsCleanly() throws Exception {
        assumeRenderer();
        assumeTrue(TgsDecoder.prlimitBinary().isPresent(), "skipped: prlimit (util-linux) is not installed");
        long cap = 192L << 20;
        DecodeLimits limits = new DecodeLimits(1 << 20, 8192L * 8192, 1000, 1L << 30, Duration.ofSeconds(60), cap);
        TgsDecoder decoder = new TgsDecoder();

        // A 512x512 sticker renders under the cap, so the cap leaves the worker JVM room to start.
        byte[] small = Files.readAllBytes(fixture("rect-30fps.tgs"));
        Sticker sticker = decoder.decode(small, Path.of("small.tgs"), limits,
                System.nanoTime() + limits.maxDecodeTime().toNanos());
        assertEquals(45, sticker.frames().size());

        // An 8192x8192 canvas needs a 256 MiB frame buffer in the worker, over the cap.
        byte[] huge = gzip(lottie(8192, 8192, 30, 0, 1));
        DecodeException e = assertThrows(DecodeException.class, () -> decoder.decode(huge, Path.of("huge.tgs"),
                limits, System.nanoTime() + limits.maxDecodeTime().toNanos()));
        assertEquals(Path.of("huge.tgs"), e.file());
        assertTrue(e.reason().contains("ran out of memory under its cap of " + cap + " bytes"), e.reason());
        assertNoWorkerLeft();

        // This JVM is fine: the next decode works.
        assertEquals(45, DECODER.decode(fixture("rect-30fps.tgs")).frames().size());
    }

    @Test
    void missingLibraryNamesTheInstallCommand() throws Exception {
        TgsDecoder noLibrary = new TgsDecoder(List.of("-Dgse.rlottie.library=/nonexistent/librlottie.so.0-1"));
        byte[] bytes = Files.readAllBytes(fixture("rect-30fps.tgs"));
        DecodeException e = assertThrows(DecodeException.class, () -> noLibrary.decode(bytes, Path.of("a.tgs"),
                DecodeLimits.DEFAULT, System.nanoTime() + DecodeLimits.DEFAULT.maxDecodeTime().toNanos()));
        assertTrue(e.reason().contains("apt-get install librlottie0-1"), e.reason());
    }

    @Test
    void unpremultiplyRestoresColour() {
        assertEquals(0xFFFF0000, Rlottie.unpremultiply(0xFFFF0000));
        assertEquals(0, Rlottie.unpremultiply(0x00000000));
        assertEquals(0x80FF0000, Rlottie.unpremultiply(0x80800000));
        assertEquals(0x400000FF, Rlottie.unpremultiply(0x40000040));
        // Bad premultiplied input (colour above alpha) clamps instead of overflowing.
        assertEquals(0x10FFFFFF, Rlottie.unpremultiply(0x10FFFFFF));
    }

    @Test
    void frameDurationsRoundCumulatively() {
        int total = 0;
        for (int i = 0; i < 90; i++) {
            total += TgsDecoder.frameDurationMs(i, 60);
        }
        assertEquals(1500, total);
        assertEquals(33, TgsDecoder.frameDurationMs(0, 30));
        assertEquals(34, TgsDecoder.frameDurationMs(1, 30));
    }

    private static void assertReason(String json, String expected) {
        DecodeException e = assertThrows(DecodeException.class, () -> DECODER.decode(gzip(json), Path.of("h.tgs")));
        assertTrue(e.reason().contains(expected), e.reason());
    }

    private static void assertNoWorkerLeft() throws InterruptedException {
        for (int i = 0; i < 50 && workerCount() > 0; i++) {
            Thread.sleep(100);
        }
        assertEquals(0, workerCount(), "a TGS worker process is still running");
    }

    private static long workerCount() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(TgsRenderWorker.class.getName()))
                        .orElse(false))
                .filter(ProcessHandle::isAlive)
                .count();
    }

    static String lottie(double w, double h, double fr, double ip, double op) {
        return "{\"v\":\"5.5.2\",\"fr\":" + num(fr) + ",\"ip\":" + num(ip) + ",\"op\":" + num(op) + ",\"w\":"
                + num(w) + ",\"h\":" + num(h) + ",\"layers\":[]}";
    }

    private static String num(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }
}
