package org.gse.decode;

import static org.gse.decode.RasterTestSupport.decode;
import static org.gse.decode.RasterTestSupport.fixture;
import static org.gse.decode.RasterTestSupport.hex;
import static org.gse.decode.RasterTestSupport.pixel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * APNG decoding. The {@code *.png} cases come from a conformance suite in which a correct decoder ends on a green
 * (0, 255, 0) image, or on a fully transparent one where the case is about clearing, and a wrong one shows red.
 * The last frame is the one the suite means (Pillow's tests seek to it too).
 */
class ApngDecoderTest {

    private static final String GREEN = "ff00ff00";

    private static Path apng(String name) {
        return TestData.shared("format-cases/apng/" + name);
    }

    /**
     * Cases whose last frame is entirely opaque green: blending, disposal none and previous, palette with alpha,
     * a default image outside the animation (red, skipped), and frame data split over fdAT chunks.
     */
    @ParameterizedTest
    @ValueSource(strings = {"blend_op_over.png", "blend_op_source_solid.png", "dispose_op_none.png",
            "dispose_op_previous.png", "mode_palette_alpha.png", "single_frame_default.png", "split_fdat.png"})
    void conformanceCaseEndsGreen(String name) throws DecodeException {
        Sticker sticker = decode(apng(name));

        assertEquals(StickerFormat.APNG, sticker.format());
        Frame last = sticker.frames().getLast();
        for (int i = 0; i < last.argb().length; i++) {
            assertEquals(GREEN, hex(last.argb()[i]), name + " pixel " + i + " of the last frame");
        }
        assertTrue(sticker.warnings().isEmpty(), name + " warnings: " + sticker.warnings());
    }

    /**
     * Cases whose last frame is fully transparent: a source blend of transparent pixels, background disposal, and
     * previous disposal on the first frame, which falls back to background.
     */
    @ParameterizedTest
    @ValueSource(strings = {"blend_op_source_transparent.png", "dispose_op_background.png",
            "dispose_op_previous_first.png"})
    void conformanceCaseEndsTransparent(String name) throws DecodeException {
        Sticker sticker = decode(apng(name));

        Frame last = sticker.frames().getLast();
        for (int i = 0; i < last.argb().length; i++) {
            assertEquals(0, last.argb()[i] >>> 24, name + " pixel " + i + " alpha");
        }
        assertTrue(sticker.hasAlpha());
    }

    @Test
    void defaultImageOutsideAnimationIsSkipped() throws DecodeException {
        Sticker sticker = decode(apng("single_frame_default.png"));

        // The IDAT image (red) precedes the only fcTL, so the animation has one green frame: a still.
        assertEquals(1, sticker.frames().size());
        assertEquals(0, sticker.durationMs());
        assertFalse(sticker.hasAlpha());
    }

    @Test
    void zeroDenominatorMeansHundredths() throws DecodeException {
        Sticker sticker = decode(apng("delay_zero_denom.png"));

        // Delays 50/0 (read as 50/100 s) and 1000/1000 s.
        assertEquals(List.of(500, 1000), sticker.frames().stream().map(Frame::durationMs).toList());
    }

    @Test
    void sixteenBitOverOpaqueStaysOpaque() throws DecodeException {
        Sticker sticker = decode(apng("mode_16bit.png"));

        // Frame 0 is opaque black, frame 1 blue (0, 0, 65535) at alpha 32768 blended over it. Porter-Duff over an
        // opaque backdrop gives an opaque result, (0, 0, 128). Pillow's test expects alpha 191 here, which is its
        // blending, not the APNG specification.
        Frame last = sticker.frames().getLast();
        assertEquals("ff000080", hex(pixel(last, 0, 0)));
        assertEquals("ff000080", hex(pixel(last, 64, 32)));
    }

    @Test
    void partialAlphaBlendsWithPorterDuffOver() throws DecodeException {
        Sticker sticker = decode(fixture("partial-alpha-over.apng"));

        // Red at alpha 128, then blue at alpha 64 blended over it, then white at alpha 0 (changes nothing).
        double sourceAlpha = 64 / 255.0;
        double backdropAlpha = 128 / 255.0;
        double outAlpha = sourceAlpha + backdropAlpha * (1 - sourceAlpha);
        long red = Math.round(255 * backdropAlpha * (1 - sourceAlpha) / outAlpha);
        long blue = Math.round(255 * sourceAlpha / outAlpha);
        long alpha = Math.round(outAlpha * 255);
        String expected = hex((int) (alpha << 24 | red << 16 | blue));

        List<Frame> frames = sticker.frames();
        assertEquals("80ff0000", hex(pixel(frames.get(0), 0, 0)));
        assertEquals(expected, hex(pixel(frames.get(1), 2, 2)));
        assertEquals(expected, hex(pixel(frames.get(2), 3, 3)));
        // Delays 0/100 and 1/100 s play as 100 ms (10 ms or less), 3/0 is 3/100 s.
        assertEquals(List.of(100, 100, 30), frames.stream().map(Frame::durationMs).toList());
    }

    @Test
    void splitFrameDataAtOffset() throws DecodeException {
        Sticker sticker = decode(fixture("split-fdat.apng"));

        // Frame 1 is an 8x8 green square at (4, 4), its zlib stream in three fdAT chunks, over a blue frame 0.
        Frame frame = sticker.frames().get(1);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                boolean inside = x >= 4 && x < 12 && y >= 4 && y < 12;
                assertEquals(inside ? GREEN : "ff0000ff", hex(pixel(frame, x, y)), "pixel " + x + "," + y);
            }
        }
        assertEquals(List.of(50, 70), sticker.frames().stream().map(Frame::durationMs).toList());
    }

    @Test
    void truncatedKeepsEarlierFrames() throws DecodeException {
        Sticker sticker = decode(fixture("truncated.apng"));

        assertEquals(2, sticker.frames().size());
        assertEquals("ffff0000", hex(pixel(sticker.frames().get(0), 0, 0)));
        assertEquals(GREEN, hex(pixel(sticker.frames().get(1), 0, 0)));
        assertEquals(1, sticker.warnings().size(), sticker.warnings().toString());
        assertTrue(sticker.warnings().getFirst().contains("truncated"), sticker.warnings().getFirst());
        assertTrue(sticker.warnings().getFirst().contains("kept 2 frame(s)"), sticker.warnings().getFirst());
    }

    @Test
    void frameOutsideCanvasFails() {
        DecodeException e = assertThrows(DecodeException.class, () -> decode(fixture("frame-outside.apng")));

        assertEquals(StickerFormat.APNG, e.format());
        assertEquals("frame 1 (fcTL sequence 1) at 4,4 with size 8x8 lies outside the 8x8 canvas", e.reason());
    }

    @Test
    void malformedSizeFailsWithDeclaredSize() {
        DecodeException e = assertThrows(DecodeException.class, () -> decode(apng("malformed-size.apng")));

        assertEquals(StickerFormat.APNG, e.format());
        assertTrue(e.reason().contains("524288x2048"), e.reason());
    }

    @Test
    void malformedSizeFailsWithinRaisedLimit() {
        // With a pixel limit that admits the declared 524288x2048 canvas, the 16 KB of frame data cannot fill it.
        StickerDecoder decoder = StickerDecoder.withAllFormats(RasterTestSupport.limitsWithPixels(1L << 31));
        DecodeException e = assertThrows(DecodeException.class, () -> decoder.decode(apng("malformed-size.apng")));

        assertEquals(StickerFormat.APNG, e.format());
    }

    @Test
    void viewerSuiteFramesAndDurations() throws DecodeException {
        Sticker minimal = decode(apng("minimal.apng"));
        assertEquals(4, minimal.frames().size());
        assertEquals(List.of(100, 100, 100, 100), minimal.frames().stream().map(Frame::durationMs).toList());

        Sticker neko = decode(apng("maneki-neko.apng"));
        assertEquals(240, neko.width());
        assertEquals(3, neko.frames().size());
        assertEquals(3000, neko.durationMs());
        assertTrue(neko.hasAlpha());

        Sticker colourKey = decode(apng("tRNS_alpha.apng"));
        assertEquals(22, colourKey.frames().size());
        assertEquals(22 * 80, colourKey.durationMs());
        assertTrue(colourKey.hasAlpha());
        // The RGB tRNS key (242, 187, 22) fills the corners of the first frame.
        assertEquals("00f2bb16", hex(pixel(colourKey.frames().getFirst(), 0, 0)));
    }

    /**
     * The three {@code over_*} files hold the same half-transparent frames and differ only in dispose_op. With
     * background disposal each output frame is its frame alone, so those frames give the expected results of the
     * other two: none stacks all three, previous drops frame 1 before frame 2 is drawn.
     */
    @Test
    void viewerSuiteDisposeOperations() throws DecodeException {
        List<Frame> alone = decode(apng("over_background.apng")).frames();
        List<Frame> none = decode(apng("over_none.apng")).frames();
        List<Frame> previous = decode(apng("over_previous.apng")).frames();
        assertEquals(List.of(1000, 1000, 3000), none.stream().map(Frame::durationMs).toList());

        int partial = 0;
        for (int i = 0; i < alone.getFirst().argb().length; i++) {
            int first = alone.get(0).argb()[i];
            int second = alone.get(1).argb()[i];
            int third = alone.get(2).argb()[i];
            assertEquals(hex(RasterCanvas.over(RasterCanvas.over(third, RasterCanvas.over(second, first)), 0)),
                    hex(none.get(2).argb()[i]), "over_none pixel " + i);
            assertEquals(hex(RasterCanvas.over(third, first)), hex(previous.get(2).argb()[i]),
                    "over_previous pixel " + i);
            int alpha = first >>> 24;
            partial += alpha > 0 && alpha < 255 ? 1 : 0;
        }
        assertTrue(partial > 0, "the frames have partly transparent pixels");
    }
}
