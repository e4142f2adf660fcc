package org.gse.model;

import org.gse.decode.Frame;

/**
 * Turns one decoded frame into the float pixel tensor a CLIP vision tower takes: {@code [3, S, S]} in CHW order,
 * resized, centre-cropped and normalised as Hugging Face's {@code CLIPImageProcessor} does.
 *
 * <p>This is the seam where the preprocessing engineer's {@code ClipImageProcessor} plugs in; until then
 * {@link SimplePixelPreprocessor} stands in.
 */
@FunctionalInterface
public interface PixelPreprocessor {

    /** Returns {@code 3 * size * size} floats for {@code frame}, in CHW order. */
    float[] pixels(Frame frame);

    /** Returns a short stable description for {@code model.json} and cache keys. */
    default String id() {
        return getClass().getSimpleName();
    }
}
