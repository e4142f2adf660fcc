package org.gse.decode;

import java.util.Arrays;

/**
 * The compositing canvas of the APNG and GIF decoders: non-premultiplied ARGB pixels, initially transparent black,
 * with the draw and dispose operations both formats share. Every operation clips its rectangle to the canvas, so a
 * GIF frame that reaches outside the logical screen is cut off.
 */
final class RasterCanvas {

    private final int width;
    private final int height;
    private final int[] pixels;

    RasterCanvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.pixels = new int[width * height];
    }

    /** Returns a copy of the current pixels, for one output frame. */
    int[] snapshot() {
        return pixels.clone();
    }

    /** Copies the pixels of a rectangle, clipped to the canvas, for a later {@link #restore}. */
    int[] save(int x, int y, int w, int h) {
        Clip clip = clip(x, y, w, h);
        int[] saved = new int[clip.width() * clip.height()];
        for (int row = 0; row < clip.height(); row++) {
            System.arraycopy(pixels, (clip.y0() + row) * width + clip.x0(), saved, row * clip.width(), clip.width());
        }
        return saved;
    }

    /** Writes back what {@link #save} copied from the same rectangle (dispose to previous). */
    void restore(int x, int y, int w, int h, int[] saved) {
        Clip clip = clip(x, y, w, h);
        for (int row = 0; row < clip.height(); row++) {
            System.arraycopy(saved, row * clip.width(), pixels, (clip.y0() + row) * width + clip.x0(), clip.width());
        }
    }

    /** Sets a rectangle to transparent black (dispose to background). */
    void clear(int x, int y, int w, int h) {
        Clip clip = clip(x, y, w, h);
        for (int row = 0; row < clip.height(); row++) {
            int start = (clip.y0() + row) * width + clip.x0();
            Arrays.fill(pixels, start, start + clip.width(), 0);
        }
    }

    /** Replaces a rectangle with the source pixels, alpha included (APNG's {@code APNG_BLEND_OP_SOURCE}). */
    void drawSource(int[] source, int sourceWidth, int sourceHeight, int x, int y) {
        Clip clip = clip(x, y, sourceWidth, sourceHeight);
        for (int row = 0; row < clip.height(); row++) {
            int from = (clip.y0() - y + row) * sourceWidth + (clip.x0() - x);
            System.arraycopy(source, from, pixels, (clip.y0() + row) * width + clip.x0(), clip.width());
        }
    }

    /**
     * Composites the source over the canvas with the Porter-Duff "over" operator on non-premultiplied colours
     * (APNG's {@code APNG_BLEND_OP_OVER}; also GIF drawing, where source alpha is 0 or 255):
     * {@code aO = aS + aD(1 - aS)} and {@code cO = (cS aS + cD aD (1 - aS)) / aO}, rounded to nearest.
     */
    void drawOver(int[] source, int sourceWidth, int sourceHeight, int x, int y) {
        Clip clip = clip(x, y, sourceWidth, sourceHeight);
        for (int row = 0; row < clip.height(); row++) {
            int from = (clip.y0() - y + row) * sourceWidth + (clip.x0() - x);
            int to = (clip.y0() + row) * width + clip.x0();
            for (int i = 0; i < clip.width(); i++) {
                pixels[to + i] = over(source[from + i], pixels[to + i]);
            }
        }
    }

    static int over(int src, int dst) {
        int srcAlpha = src >>> 24;
        if (srcAlpha == 0xFF) {
            return src;
        }
        if (srcAlpha == 0) {
            return dst;
        }
        int dstAlpha = dst >>> 24;
        if (dstAlpha == 0) {
            return src;
        }

        // Weights scaled by 255 * 255: the source colour counts srcAlpha * 255, the destination dstAlpha * (255 - srcAlpha).
        int srcWeight = srcAlpha * 255;
        int dstWeight = dstAlpha * (255 - srcAlpha);
        int outWeight = srcWeight + dstWeight;
        int half = outWeight / 2;
        int red = ((((src >> 16) & 0xFF) * srcWeight) + (((dst >> 16) & 0xFF) * dstWeight) + half) / outWeight;
        int green = ((((src >> 8) & 0xFF) * srcWeight) + (((dst >> 8) & 0xFF) * dstWeight) + half) / outWeight;
        int blue = (((src & 0xFF) * srcWeight) + ((dst & 0xFF) * dstWeight) + half) / outWeight;
        int alpha = (outWeight + 127) / 255;
        return (alpha << 24) | (red << 16) | (green << 8) | blue;
    }

    private Clip clip(int x, int y, int w, int h) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = (int) Math.min(width, (long) x + w);
        int y1 = (int) Math.min(height, (long) y + h);
        if (x1 <= x0 || y1 <= y0) {
            // Entirely outside: an empty clip at the origin, so no array offset points past the pixels.
            return new Clip(0, 0, 0, 0);
        }
        return new Clip(x0, y0, x1 - x0, y1 - y0);
    }

    private record Clip(int x0, int y0, int width, int height) {}
}
