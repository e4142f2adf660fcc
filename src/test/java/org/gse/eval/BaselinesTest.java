package org.gse.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.gse.decode.Sticker;
import org.gse.testing.StickerImages;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    private static Sticker concept(int concept, int variant) {
        return StickerImages.sticker(StickerImages.draw(concept, variant, 128), "c" + concept + "v" + variant + ".png");
    }

    private static Sticker resized(Sticker sticker, int size) {
        BufferedImage source = sticker.frames().getFirst().toImage();
        BufferedImage small = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = small.createGraphics();
        g.drawImage(source.getScaledInstance(size, size, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        return StickerImages.sticker(small, "resized.png");
    }

    @Test
    void everyBaselineScoresAStickerWithItselfOne() {
        for (String name : Baselines.NAMES) {
            Scorer<?> scorer = Baselines.create(name);
            assertTrue(scorer.baseline());
            assertEquals(name, scorer.name());
            Sticker s = concept(0, 1);
            assertEquals(1.0, scorer.score(s, s), 1e-12, name);
        }
    }

    @Test
    void sameConceptScoresHigherThanAnotherConcept() {
        for (String name : Baselines.NAMES) {
            Scorer<?> scorer = Baselines.create(name);
            double same = scorer.score(concept(1, 1), concept(1, 2));
            double different = scorer.score(concept(1, 1), concept(2, 1));
            assertTrue(same > different, name + ": same " + same + ", different " + different);
        }
    }

    @Test
    void perceptualHashSurvivesResizing() {
        Scorer<?> phash = Baselines.create("phash");
        Sticker s = concept(2, 3);
        assertTrue(phash.score(s, resized(s, 64)) >= 60 / 64.0, "resized copy is a near-duplicate");
    }

    @Test
    void histogramWeightsPixelsByAlpha() {
        BufferedImage a = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
        BufferedImage b = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                a.setRGB(x, y, x < 5 ? 0xFFFF0000 : 0x0000FF00); // red, and transparent green
                b.setRGB(x, y, x < 2 ? 0xFFFF0000 : 0x000000FF); // red, and transparent blue
            }
        }
        HistogramScorer histogram = new HistogramScorer();
        assertEquals(1.0, histogram.score(StickerImages.sticker(a, "a"), StickerImages.sticker(b, "b")), 1e-12);
        BufferedImage empty = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
        assertEquals(1.0, histogram.score(StickerImages.sticker(empty, "e"), StickerImages.sticker(empty, "e2")));
        assertEquals(0.0, histogram.score(StickerImages.sticker(empty, "e"), StickerImages.sticker(a, "a")));
    }

    @Test
    void thumbnailComparesOverWhite() {
        BufferedImage transparent = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
        BufferedImage white = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = white.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 16, 16);
        g.dispose();
        ThumbnailScorer thumbnail = new ThumbnailScorer();
        assertEquals(1.0, thumbnail.score(StickerImages.sticker(transparent, "t"), StickerImages.sticker(white, "w")),
                1e-12, "transparent composites to white");
    }

    @Test
    void areaResizeAveragesExactly() {
        double[] plane = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
        double[] half = Pixels.resizeArea(plane, 4, 2);
        for (double v : half) {
            assertEquals(0.5, v, 1e-15);
        }
        double[] third = Pixels.resizeArea(new double[] {0, 0, 0, 0, 0, 0, 3, 3, 3}, 3, 2);
        // Output pixel (1,1) covers input [0.75,1.5]x[0.75,1.5]... area-weighted: top-left 0, bottom row 3.
        assertEquals(0.0, third[0], 1e-15);
        assertEquals(third[2], third[3], 1e-15);
    }

    @Test
    void unknownBaselineNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Baselines.create("sift"));
        assertTrue(e.getMessage().contains("thumbnail, histogram, phash"), e.getMessage());
    }
}
