package org.gse.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which frames of an animated sticker the encoder embeds. A still sticker always yields its one frame.
 *
 * <p>Policies have a stable text form, used on the command line, in model cards and in cache keys:
 * {@code first}, {@code middle} and {@code even:K}.
 */
public sealed interface FramePolicy {

    /** Returns the frames to embed, in display order, at least one. */
    List<Frame> select(Sticker sticker);

    /** Returns the stable text form, for example {@code even:4}. */
    String id();

    /** The first frame only, as the original GSE evaluation saw stickers (one saved JPEG frame). */
    FramePolicy FIRST = new First();

    /** The frame shown at half the total duration. */
    FramePolicy MIDDLE = new Middle();

    /** The default: four frames spread evenly over the duration. */
    FramePolicy DEFAULT = new EvenlySpaced(4);

    /** Parses {@code first}, {@code middle} or {@code even:K} (K from 1 to 64). */
    static FramePolicy parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("first")) {
            return FIRST;
        }
        if (value.equals("middle")) {
            return MIDDLE;
        }
        if (value.startsWith("even:")) {
            try {
                return new EvenlySpaced(Integer.parseInt(value.substring(5)));
            } catch (NumberFormatException e) {
                // Falls through to the error below, which names the accepted forms.
            }
        }
        throw new IllegalArgumentException("invalid frame policy '" + text
                + "'; expected first, middle or even:K with K from 1 to 64");
    }

    record First() implements FramePolicy {
        @Override
        public List<Frame> select(Sticker sticker) {
            return List.of(sticker.frames().getFirst());
        }

        @Override
        public String id() {
            return "first";
        }
    }

    record Middle() implements FramePolicy {
        @Override
        public List<Frame> select(Sticker sticker) {
            return List.of(frameAt(sticker, sticker.durationMs() / 2.0));
        }

        @Override
        public String id() {
            return "middle";
        }
    }

    /**
     * K frames at the centres of K equal slices of the duration: times {@code (i + 0.5) * D / K}. When all
     * frames have zero duration, the same rule applies to frame indices. Fewer than K distinct frames are
     * returned when the animation has fewer frames than K.
     */
    record EvenlySpaced(int count) implements FramePolicy {
        public EvenlySpaced {
            if (count < 1 || count > 64) {
                throw new IllegalArgumentException("frame count must be 1 to 64, got " + count);
            }
        }

        @Override
        public List<Frame> select(Sticker sticker) {
            List<Frame> frames = sticker.frames();
            if (frames.size() == 1) {
                return frames;
            }
            List<Frame> selected = new ArrayList<>(count);
            long total = sticker.durationMs();
            Frame previous = null;
            for (int i = 0; i < count; i++) {
                Frame frame;
                if (total > 0) {
                    frame = frameAt(sticker, (i + 0.5) * total / count);
                } else {
                    frame = frames.get((int) Math.min(frames.size() - 1, (long) ((i + 0.5) * frames.size() / count)));
                }
                if (frame != previous) {
                    selected.add(frame);
                }
                previous = frame;
            }
            return List.copyOf(selected);
        }

        @Override
        public String id() {
            return "even:" + count;
        }
    }

    /** Returns the frame on screen at {@code timeMs} after the start. */
    private static Frame frameAt(Sticker sticker, double timeMs) {
        List<Frame> frames = sticker.frames();
        long elapsed = 0;
        for (Frame frame : frames) {
            elapsed += frame.durationMs();
            if (timeMs < elapsed) {
                return frame;
            }
        }
        return frames.getLast();
    }
}
