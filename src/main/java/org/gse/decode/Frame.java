package org.gse.decode;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One fully composited frame of a sticker.
 *
 * <p>Pixels are packed non-premultiplied ARGB ({@code 0xAARRGGBB}) in row-major order, {@code width * height}
 * entries, exactly what {@link BufferedImage#TYPE_INT_ARGB} stores. Frames of one sticker share the canvas size.
 *
 * @param width frame width in pixels, at least 1
 * @param height frame height in pixels, at least 1
 * @param argb packed pixels; callers must not modify the array after construction
 * @param durationMs display time of this frame in milliseconds, 0 for a still image
 */
public record Frame(int width, int height, int[] argb, int durationMs) {

    public Frame {
        Objects.requireNonNull(argb, "argb");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (argb.length != (long) width * height) {
            throw new IllegalArgumentException(
                    "argb length " + argb.length + " does not match " + width + "x" + height);
        }
        if (durationMs < 0) {
            throw new IllegalArgumentException("durationMs must be >= 0, got " + durationMs);
        }
    }

    /** Wraps an image's pixels as a frame, converting to non-premultiplied ARGB when needed. */
    public static Frame of(BufferedImage image, int durationMs) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
        return new Frame(w, h, pixels, durationMs);
    }

    /** Returns a new {@code TYPE_INT_ARGB} image holding a copy of these pixels. */
    public BufferedImage toImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, width, height, argb, 0, width);
        return image;
    }

    /** Returns true when any pixel has an alpha below 255. */
    public boolean hasTransparency() {
        for (int pixel : argb) {
            if ((pixel >>> 24) != 0xFF) {
                return true;
            }
        }
        return false;
    }
}
