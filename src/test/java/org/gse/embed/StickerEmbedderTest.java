package org.gse.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.gse.decode.DecodeLimits;
import org.gse.decode.Frame;
import org.gse.decode.FramePolicy;
import org.gse.decode.StickerDecoder;
import org.gse.model.Embedding;
import org.gse.model.Encoder;
import org.gse.testing.PixelEncoder;
import org.gse.testing.TestStickers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StickerEmbedder} on PNG files drawn by the test, with the deterministic {@link PixelEncoder}. */
class StickerEmbedderTest {

    private static final int GREEN = 0x00FF00;

    @TempDir
    Path folder;

    private final List<Path> files = new ArrayList<>();
    private Path broken;
    private Path missing;
    private Path green;

    /** Writes 13 solid stickers of distinct colours, a broken file, a missing path and a green sticker. */
    @BeforeEach
    void drawStickers() throws IOException {
        for (int i = 0; i < 13; i++) {
            files.add(TestStickers.writeSolid(folder.resolve("sticker-" + i + ".png"), (i * 19) << 16 | 0x40, i));
        }
        broken = Files.write(folder.resolve("broken.png"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        missing = folder.resolve("missing.png");
        green = TestStickers.writeSolid(folder.resolve("green.png"), GREEN, 0);
        files.add(5, broken);
        files.add(9, missing);
        files.add(11, green);
    }

    private static StickerDecoder decoder() {
        return TestStickers.pngDecoder(DecodeLimits.DEFAULT);
    }

    @Test
    void resultsFollowInputOrderPastFailures() throws Exception {
        PixelEncoder encoder = PixelEncoder.visionOnly();
        AtomicLong progress = new AtomicLong();
        List<StickerEmbedder.Result> results = new StickerEmbedder(encoder, decoder(), null, 3, 4)
                .run(files, progress::addAndGet);
        int framesEmbedded = encoder.framesEmbedded();

        assertEquals(files.size(), results.size());
        assertEquals(files.size(), progress.get(), "every file counts once in the progress");
        for (int i = 0; i < files.size(); i++) {
            StickerEmbedder.Result result = results.get(i);
            assertEquals(files.get(i), result.file(), "result " + i);
            if (files.get(i).equals(broken) || files.get(i).equals(missing)) {
                assertFalse(result.ok(), result.toString());
                continue;
            }
            assertTrue(result.ok(), result.toString());
            assertNull(result.error());
            assertEquals(StickerEmbedder.sha256(files.get(i)), result.sha256());
            assertEquals("png", result.format());
            assertEquals(1, result.frameCount());
            Embedding direct = encoder.embed(decoder().decode(files.get(i)));
            assertEquals(1.0, direct.cosine(result.embedding()), 1e-6, "embedding of " + files.get(i));
        }
        assertTrue(results.get(5).error().contains("unsupported format"), results.get(5).error());
        assertEquals("file not found; check the path", results.get(9).error());
        assertEquals(files.size() - 2, framesEmbedded, "one frame per readable sticker");
    }

    @Test
    void chunksArriveInInputOrder() throws Exception {
        List<Integer> sizes = new ArrayList<>();
        List<Path> seen = new ArrayList<>();
        new StickerEmbedder(PixelEncoder.visionOnly(), decoder(), null, 4, 2).run(files, 3, chunk -> {
            sizes.add(chunk.size());
            chunk.forEach(result -> seen.add(result.file()));
        }, n -> {});

        assertEquals(files, seen);
        assertEquals(List.of(3, 3, 3, 3, 3, 1), sizes);
    }

    @Test
    void batchesFollowInputOrder() throws Exception {
        // Expected: the readable files' colours in input order, cut into passes of 4 frames
        List<Integer> colours = new ArrayList<>();
        for (Path file : files) {
            if (!file.equals(broken) && !file.equals(missing)) {
                colours.add(decoder().decode(file).frames().getFirst().argb()[0]);
            }
        }
        List<List<Integer>> expected = new ArrayList<>();
        for (int from = 0; from < colours.size(); from += 4) {
            expected.add(colours.subList(from, Math.min(colours.size(), from + 4)));
        }

        // Four decode threads finish files out of order; the passes must not follow that order
        for (int run = 0; run < 3; run++) {
            List<List<Integer>> passes = new ArrayList<>();
            Encoder recording = new InspectingEncoder("recording",
                    frames -> passes.add(frames.stream().map(frame -> frame.argb()[0]).toList()));
            new StickerEmbedder(recording, decoder(), null, 4, 4).run(files, n -> {});
            assertEquals(expected, passes, "forward passes of run " + run);
        }
    }

    @Test
    void secondRunComesFromCache() throws Exception {
        PixelEncoder encoder = PixelEncoder.visionOnly();
        EmbeddingCache cache = EmbeddingCache.forEncoder(folder.resolve("cache"), encoder);
        List<StickerEmbedder.Result> first = new StickerEmbedder(encoder, decoder(), cache, 2, 4).run(files, n -> {});
        int framesAfterFirst = encoder.framesEmbedded();

        List<StickerEmbedder.Result> second = new StickerEmbedder(encoder, decoder(), cache, 2, 4).run(files, n -> {});

        assertEquals(files.size() - 2, framesAfterFirst);
        assertEquals(framesAfterFirst, encoder.framesEmbedded(), "the second run embeds nothing");
        for (int i = 0; i < files.size(); i++) {
            assertEquals(first.get(i).ok(), second.get(i).ok(), "outcome of " + files.get(i));
            if (second.get(i).ok()) {
                assertTrue(second.get(i).cached(), "cached flag of " + files.get(i));
                assertFalse(first.get(i).cached(), "cached flag of " + files.get(i) + " in the first run");
                assertEquals(first.get(i).frameCount(), second.get(i).frameCount());
                assertEquals(1.0, first.get(i).embedding().cosine(second.get(i).embedding()), 1e-6);
            }
        }
    }

    @Test
    void failedPassRetriesStickersAlone() throws Exception {
        List<StickerEmbedder.Result> results = new StickerEmbedder(greenRejecting(), decoder(), null, 2,
                64).run(files, n -> {});

        for (StickerEmbedder.Result result : results) {
            if (result.file().equals(green)) {
                assertFalse(result.ok());
                assertTrue(result.error().startsWith("inference failed: "), result.error());
                assertTrue(result.error().contains("green frame"), result.error());
            } else if (!result.file().equals(broken) && !result.file().equals(missing)) {
                assertTrue(result.ok(), result.toString());
            }
        }
    }

    @Test
    void oversizedFileRejectedBeforeReading() throws Exception {
        DecodeLimits tight = new DecodeLimits(16, DecodeLimits.DEFAULT.maxPixelsPerFrame(),
                DecodeLimits.DEFAULT.maxFrames(), DecodeLimits.DEFAULT.maxTotalDecodedBytes(), Duration.ofSeconds(10));
        List<StickerEmbedder.Result> results = new StickerEmbedder(PixelEncoder.visionOnly(),
                TestStickers.pngDecoder(tight), null, 1, 4).run(List.of(files.getFirst()), n -> {});

        assertFalse(results.getFirst().ok());
        assertTrue(results.getFirst().error().contains("over the limit of 16 bytes"), results.getFirst().error());
        assertNull(results.getFirst().sha256(), "the file was not read");
    }

    /** Returns an encoder whose forward pass fails when a frame's last pixel is pure green. */
    private static Encoder greenRejecting() {
        return new InspectingEncoder("green-rejecting", frames -> {
            for (Frame frame : frames) {
                if ((frame.argb()[frame.argb().length - 1] & 0xFFFFFF) == GREEN) {
                    throw new IllegalStateException("green frame in the batch");
                }
            }
        });
    }

    /** A {@link PixelEncoder} that shows each forward pass's frames to {@code inspector} before embedding them. */
    private static final class InspectingEncoder implements Encoder {

        private final PixelEncoder pixels = PixelEncoder.visionOnly();
        private final String id;
        private final Consumer<List<Frame>> inspector;

        InspectingEncoder(String id, Consumer<List<Frame>> inspector) {
            this.id = id;
            this.inspector = inspector;
        }

        @Override
        public String modelId() {
            return id;
        }

        @Override
        public int embeddingSize() {
            return pixels.embeddingSize();
        }

        @Override
        public FramePolicy framePolicy() {
            return pixels.framePolicy();
        }

        @Override
        public List<Embedding> embedFrames(List<Frame> frames) {
            inspector.accept(frames);
            return pixels.embedFrames(frames);
        }

        @Override
        public void close() {}
    }
}
