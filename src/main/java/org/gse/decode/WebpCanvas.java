package org.gse.decode;

import java.util.Arrays;

/**
 * Composites the frames of an animated WebP the way libwebp's {@code WebPAnimDecoder} does
 * ({@code src/demux/anim_decode.c}, libwebp 1.2 to 1.5) with its default non-premultiplied RGBA output, so our
 * frames match libwebp's bit for bit when the frame pixels match.
 *
 * <p>The rules, from the WebP container specification and that file:
 * <ul>
 *   <li>The canvas starts fully transparent. libwebp ignores the {@code ANIM} background colour by default, and
 *       so does this class; "dispose to background" also clears to transparent.</li>
 *   <li>A frame with blending overwrites nothing where it is fully transparent and is alpha-blended over the
 *       canvas where it is partly transparent; a frame without blending overwrites its whole rectangle.</li>
 *   <li>Disposal applies after the frame has been shown: the rectangle of a frame marked "dispose to background"
 *       is cleared to transparent before the next frame is drawn.</li>
 *   <li>A key frame (the first frame, a full-canvas frame that does not blend or has no alpha, or a frame after a
 *       full-canvas or key frame that was disposed) starts from a transparent canvas and is not blended. This is
 *       an optimisation in libwebp, but the blend formula rounds, so it changes pixel values and is copied here.</li>
 * </ul>
 *
 * <p>Pixels are packed ARGB ints; the blend formula treats the four channels alike, so the byte order differs
 * from libwebp's RGBA bytes without changing any result.
 */
final class WebpCanvas {

    private final int width;
    private final int height;

    /** The canvas being drawn, libwebp's {@code curr_frame_}. */
    private final int[] current;

    /** The previous canvas after its disposal, libwebp's {@code prev_frame_disposed_}. */
    private final int[] previousDisposed;

    private WebpAnimationFrame previous;
    private boolean previousWasKeyFrame;

    WebpCanvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.current = new int[width * height];
        this.previousDisposed = new int[width * height];
    }

    /**
     * Draws one frame and returns a copy of the composited canvas.
     *
     * @param frame the frame's header; its rectangle must lie inside the canvas
     * @param pixels the frame's decoded non-premultiplied ARGB pixels, {@code frame.width() * frame.height()}
     */
    int[] draw(WebpAnimationFrame frame, int[] pixels) {
        assert frame.x() + frame.width() <= width && frame.y() + frame.height() <= height
                : "frame " + frame.number() + " lies outside the " + width + "x" + height + " canvas";
        assert pixels.length == frame.width() * frame.height() : pixels.length + " pixels for " + frame;

        // 1. Start from a transparent canvas on a key frame, else from the disposed previous canvas.
        boolean keyFrame = isKeyFrame(frame);
        if (keyFrame) {
            Arrays.fill(current, 0);
        } else {
            System.arraycopy(previousDisposed, 0, current, 0, current.length);
        }

        // 2. Write the frame's pixels into its rectangle, as WebPDecode does into the canvas buffer.
        for (int row = 0; row < frame.height(); row++) {
            System.arraycopy(pixels, row * frame.width(), current, (frame.y() + row) * width + frame.x(),
                    frame.width());
        }

        // 3. Blend the frame's non-opaque pixels over the previous canvas. After a disposed frame, the pixels
        //    inside that frame's rectangle would be blended over transparent black, which libwebp skips.
        if (frame.number() > 1 && frame.blend() && !keyFrame) {
            for (int row = 0; row < frame.height(); row++) {
                int canvasY = frame.y() + row;
                if (!previous.disposeToBackground() || canvasY < previous.y()
                        || canvasY >= previous.y() + previous.height()
                        || frame.x() >= previous.x() + previous.width()
                        || frame.x() + frame.width() <= previous.x()) {
                    blendRow(canvasY, frame.x(), frame.width());
                } else {
                    if (frame.x() < previous.x()) {
                        blendRow(canvasY, frame.x(), previous.x() - frame.x());
                    }
                    int previousRight = previous.x() + previous.width();
                    if (frame.x() + frame.width() > previousRight) {
                        blendRow(canvasY, previousRight, frame.x() + frame.width() - previousRight);
                    }
                }
            }
        }

        // 4. Keep this canvas, disposed as the frame asks, for the next frame.
        previous = frame;
        previousWasKeyFrame = keyFrame;
        System.arraycopy(current, 0, previousDisposed, 0, current.length);
        if (frame.disposeToBackground()) {
            for (int row = 0; row < frame.height(); row++) {
                int start = (frame.y() + row) * width + frame.x();
                Arrays.fill(previousDisposed, start, start + frame.width(), 0);
            }
        }
        return current.clone();
    }

    private boolean isKeyFrame(WebpAnimationFrame frame) {
        if (frame.number() == 1 || previous == null) {
            return true;
        }
        if ((!frame.bitstream().hasAlpha() || !frame.blend()) && frame.isFull(width, height)) {
            return true;
        }
        return previous.disposeToBackground() && (previous.isFull(width, height) || previousWasKeyFrame);
    }

    private void blendRow(int canvasY, int left, int count) {
        int start = canvasY * width + left;
        for (int i = start; i < start + count; i++) {
            if ((current[i] >>> 24) != 0xFF) {
                current[i] = blendNonPremultiplied(current[i], previousDisposed[i]);
            }
        }
    }

    /**
     * Blends {@code src} over {@code dst}, both non-premultiplied ARGB, with libwebp's integer arithmetic:
     * {@code dstFactorA = dstA * (256 - srcA) >> 8} approximates {@code dstA * (1 - srcA / 255)}, the result's
     * alpha is {@code srcA + dstFactorA}, and each colour channel is {@code (src * srcA + dst * dstFactorA)}
     * divided by that alpha through a 24-bit fixed-point reciprocal, truncated.
     */
    static int blendNonPremultiplied(int src, int dst) {
        int srcA = src >>> 24;
        if (srcA == 0) {
            return dst;
        }
        int dstA = dst >>> 24;
        int dstFactorA = (dstA * (256 - srcA)) >> 8;
        int blendA = srcA + dstFactorA;
        long scale = (1L << 24) / blendA;
        int r = blendChannel(src, srcA, dst, dstFactorA, scale, 16);
        int g = blendChannel(src, srcA, dst, dstFactorA, scale, 8);
        int b = blendChannel(src, srcA, dst, dstFactorA, scale, 0);
        return (blendA << 24) | (r << 16) | (g << 8) | b;
    }

    private static int blendChannel(int src, int srcA, int dst, int dstA, long scale, int shift) {
        int srcChannel = (src >>> shift) & 0xFF;
        int dstChannel = (dst >>> shift) & 0xFF;
        long unscaled = (long) srcChannel * srcA + (long) dstChannel * dstA;
        return (int) ((unscaled * scale) >>> 24) & 0xFF;
    }
}
