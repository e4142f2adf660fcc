package org.gse.decode;

/**
 * The header of one {@code ANMF} chunk of an animated WebP, with the frame's image data.
 *
 * @param number 1-based position in the file, as libwebp's demuxer counts frames
 * @param x left edge on the canvas, in pixels (the chunk stores half of it)
 * @param y top edge on the canvas, in pixels (the chunk stores half of it)
 * @param width frame width, in pixels
 * @param height frame height, in pixels
 * @param durationMs display time, in milliseconds
 * @param blend true to alpha-blend the frame over the canvas, false to overwrite its rectangle
 *     (the chunk's blending-method bit set means "do not blend")
 * @param disposeToBackground true to clear the frame's rectangle to transparent before the next frame is drawn
 * @param bitstream the frame's compressed image
 */
record WebpAnimationFrame(
        int number,
        int x,
        int y,
        int width,
        int height,
        int durationMs,
        boolean blend,
        boolean disposeToBackground,
        WebpBitstream bitstream) {

    /** Returns true when the frame covers the whole canvas. */
    boolean isFull(int canvasWidth, int canvasHeight) {
        return width == canvasWidth && height == canvasHeight;
    }
}
