package org.gse.model;

import java.util.Objects;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.Frame;

/**
 * An opaque 8-bit RGB image, the form in which Hugging Face's image processor resizes and crops (a PIL "RGB"
 * image, or a uint8 numpy array of shape {@code (height, width, 3)}).
 *
 * @param width width in pixels, at least 1
 * @param height height in pixels, at least 1
 * @param rgb interleaved samples, row-major, {@code R, G, B} per pixel, {@code width * height * 3} bytes read as
 *     unsigned; callers must not modify the array after construction
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException(
                    "rgb length " + rgb.length + " does not match " + width + "x" + height + "x3");
        }
    }

    /** Flattens a frame's alpha with {@code policy}, as the first step of preprocessing. */
    public static RgbImage of(Frame frame, AlphaPolicy policy) {
        int[] argb = frame.argb();
        byte[] rgb = new byte[argb.length * 3];
        for (int i = 0; i < argb.length; i++) {
            int pixel = policy.toRgb(argb[i]);
            rgb[i * 3] = (byte) (pixel >> 16);
            rgb[i * 3 + 1] = (byte) (pixel >> 8);
            rgb[i * 3 + 2] = (byte) pixel;
        }
        return new RgbImage(frame.width(), frame.height(), rgb);
    }

    /** Returns channel {@code c} (0 red, 1 green, 2 blue) of pixel ({@code x}, {@code y}), 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }
}
