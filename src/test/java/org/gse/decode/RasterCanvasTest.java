package org.gse.decode;

import static org.gse.decode.RasterTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RasterCanvasTest {

    @Test
    void overWithOpaqueOrEmptySource() {
        assertEquals("ff102030", hex(RasterCanvas.over(0xFF102030, 0x80FFFFFF)));
        assertEquals("80ffffff", hex(RasterCanvas.over(0x00102030, 0x80FFFFFF)));
        assertEquals("40102030", hex(RasterCanvas.over(0x40102030, 0x00FFFFFF)));
    }

    @Test
    void overPartialAlphaMatchesFloatFormula() {
        for (int sourceAlpha = 1; sourceAlpha < 255; sourceAlpha += 17) {
            for (int backdropAlpha = 1; backdropAlpha <= 255; backdropAlpha += 31) {
                int source = sourceAlpha << 24 | 200 << 16 | 10 << 8 | 90;
                int backdrop = backdropAlpha << 24 | 20 << 16 | 250 << 8 | 90;

                double as = sourceAlpha / 255.0;
                double ab = backdropAlpha / 255.0;
                double ao = as + ab * (1 - as);
                long red = Math.round((200 * as + 20 * ab * (1 - as)) / ao);
                long green = Math.round((10 * as + 250 * ab * (1 - as)) / ao);
                long alpha = Math.round(ao * 255);
                String expected = hex((int) (alpha << 24 | red << 16 | green << 8 | 90));
                assertEquals(expected, hex(RasterCanvas.over(source, backdrop)),
                        "source alpha " + sourceAlpha + " over backdrop alpha " + backdropAlpha);
            }
        }
    }

    @Test
    void drawingClipsToCanvas() {
        RasterCanvas canvas = new RasterCanvas(3, 2);
        int[] square = {0xFF000001, 0xFF000002, 0xFF000003, 0xFF000004};

        canvas.drawSource(square, 2, 2, 2, 1);
        canvas.drawOver(square, 2, 2, -1, -1);

        assertArrayEquals(new int[] {0xFF000004, 0, 0, 0, 0, 0xFF000001}, canvas.snapshot());
    }

    @Test
    void saveRestoreAndClearClip() {
        RasterCanvas canvas = new RasterCanvas(2, 2);
        canvas.drawSource(new int[] {1, 2, 3, 4}, 2, 2, 0, 0);

        int[] saved = canvas.save(1, 0, 5, 5);
        canvas.clear(1, 0, 5, 5);
        assertArrayEquals(new int[] {1, 0, 3, 0}, canvas.snapshot());

        canvas.restore(1, 0, 5, 5, saved);
        assertArrayEquals(new int[] {1, 2, 3, 4}, canvas.snapshot());
    }

    @Test
    void rectangleOutsideCanvasChangesNothing() {
        RasterCanvas canvas = new RasterCanvas(100, 100);
        canvas.drawSource(new int[] {7}, 1, 1, 99, 99);

        int[] saved = canvas.save(164, 10, 30, 30);
        canvas.clear(164, 10, 30, 30);
        canvas.drawOver(new int[900], 30, 30, 164, 10);
        canvas.restore(164, 10, 30, 30, saved);

        assertEquals(0, saved.length);
        assertEquals(7, canvas.snapshot()[99 * 100 + 99]);
    }
}
