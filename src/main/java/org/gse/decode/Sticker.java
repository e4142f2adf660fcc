package org.gse.decode;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A decoded sticker: its composited RGBA frames with display durations, and the metadata that
 * {@code gse inspect} reports.
 *
 * @param source the file it came from, or a descriptive name for in-memory input
 * @param format the container format detected from the leading bytes
 * @param width canvas width in pixels
 * @param height canvas height in pixels
 * @param frames composited frames in display order, at least one, all {@code width x height}
 * @param hasAlpha true when the format carries an alpha channel and any frame uses it
 * @param warnings non-fatal problems found while decoding (trailing bytes, truncated data after the last good frame)
 */
public record Sticker(
        Path source,
        StickerFormat format,
        int width,
        int height,
        List<Frame> frames,
        boolean hasAlpha,
        List<String> warnings) {

    public Sticker {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        frames = List.copyOf(frames);
        warnings = List.copyOf(warnings);
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a sticker needs at least one frame: " + source);
        }
        for (Frame frame : frames) {
            if (frame.width() != width || frame.height() != height) {
                throw new IllegalArgumentException("frame size " + frame.width() + "x" + frame.height()
                        + " differs from canvas " + width + "x" + height + " in " + source);
            }
        }
    }

    /** Returns true when the sticker has more than one frame. */
    public boolean animated() {
        return frames.size() > 1;
    }

    /** Returns the total display time in milliseconds: the sum of frame durations (0 for a still image). */
    public long durationMs() {
        long total = 0;
        for (Frame frame : frames) {
            total += frame.durationMs();
        }
        return total;
    }
}
