package org.gse.decode;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes an animated PNG (APNG) into composited frames, following the APNG 1.0 specification.
 *
 * <p>The chunks are parsed here: {@code acTL} declares the frame count, each {@code fcTL} starts a frame, and its
 * image data is the {@code IDAT} chunks (only for a {@code fcTL} before the first {@code IDAT}) or the following
 * {@code fdAT} chunks with their sequence numbers stripped, as many as there are. {@link PngImage} decodes each frame
 * as a stand-alone PNG with the frame's size and the file's {@code PLTE} and {@code tRNS}.
 *
 * <p>Choices where the specification leaves room, each the behaviour of Firefox and Chromium:
 * <ul>
 *   <li>When no {@code fcTL} precedes the first {@code IDAT}, the default image is not part of the animation and is
 *       skipped.
 *   <li>A delay with denominator 0 means hundredths of a second. A delay of 10 ms or less plays as 100 ms, which
 *       is the clamp both browsers apply to every animated format. A single-frame result is a still of duration 0.
 *   <li>CRC mismatches are warnings, not errors (see {@link PngChunks}); sequence numbers out of order are a warning.
 *   <li>A file cut short keeps the frames before the damage and adds a warning, unless no frame decoded.
 *   <li>An {@code acTL} without any {@code fcTL} leaves the file a still PNG (with a warning).
 * </ul>
 * A frame whose rectangle reaches outside the canvas, or invalid {@code fcTL} values, fail the decode.
 */
public final class ApngDecoder implements FormatDecoder {

    private static final Logger log = LoggerFactory.getLogger(ApngDecoder.class);

    static final int DISPOSE_NONE = 0;
    static final int DISPOSE_BACKGROUND = 1;
    static final int DISPOSE_PREVIOUS = 2;
    static final int BLEND_SOURCE = 0;
    static final int BLEND_OVER = 1;

    /** Frame durations at or below this many milliseconds play as {@link #SHORT_DELAY_REPLACEMENT_MS}. */
    static final int SHORT_DELAY_MAX_MS = 10;
    static final int SHORT_DELAY_REPLACEMENT_MS = 100;

    /** One {@code fcTL} with the chunks that carry its image data. */
    private record FrameControl(int sequence, int width, int height, int x, int y, int delayNumerator,
            int delayDenominator, int disposeOp, int blendOp, List<PngChunks.Chunk> data, boolean fromIdat) {

        byte[] imageData(byte[] file) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (PngChunks.Chunk chunk : data) {
                int skip = fromIdat ? 0 : 4;
                out.write(file, chunk.dataOffset() + skip, chunk.length() - skip);
            }
            return out.toByteArray();
        }

        /** Returns the delay in milliseconds, rounded to nearest, before the short-delay clamp. */
        long delayMs() {
            int denominator = delayDenominator == 0 ? 100 : delayDenominator;
            return Math.round(delayNumerator * 1000.0 / denominator);
        }
    }

    @Override
    public Sticker decode(byte[] bytes, Path source, DecodeLimits limits, long deadline) throws DecodeException {
        // 1. Parse the chunk list and the header, checking the canvas against the budget.
        // 2. Collect the frames: fcTL and its IDAT or fdAT chunks, validated against the canvas.
        // 3. Decode and composite each frame on the canvas; keep the frames before damage in a truncated file.
        StickerFormat format = StickerFormat.APNG;
        DecodeBudget budget = new DecodeBudget(source, format, limits, deadline);
        List<String> warnings = new ArrayList<>();
        PngChunks.Parsed parsed = PngDecoder.parse(bytes, source, format);
        PngImage image = PngImage.fromHeader(bytes, parsed.chunks().getFirst(), budget, source, format);
        warnings.addAll(parsed.structureWarnings());

        List<FrameControl> frames = collectFrames(bytes, parsed, image, budget, source, warnings);
        if (frames == null) {
            return PngDecoder.decode(bytes, source, limits, deadline, format, warnings);
        }

        byte[] plte = firstBeforeImageData(bytes, parsed, "PLTE");
        byte[] transparency = image.checkTransparency(firstBeforeImageData(bytes, parsed, "tRNS"), plte, warnings);
        return composite(bytes, parsed, image, frames, plte, transparency, budget, source, warnings);
    }

    /** Returns the frames in file order, or null when the file has no fcTL and so is a still image. */
    private static List<FrameControl> collectFrames(byte[] bytes, PngChunks.Parsed parsed, PngImage image,
            DecodeBudget budget, Path source, List<String> warnings) throws DecodeException {
        StickerFormat format = StickerFormat.APNG;
        List<FrameControl> frames = new ArrayList<>();
        long declaredFrames = -1;
        boolean idatSeen = false;
        int expectedSequence = 0;
        boolean sequenceWarned = false;
        FrameControl current = null;

        for (PngChunks.Chunk chunk : parsed.chunks()) {
            switch (chunk.type()) {
                case "acTL" -> {
                    if (chunk.length() != 8) {
                        throw new DecodeException(source, format, "invalid acTL chunk: length " + chunk.length()
                                + ", expected 8");
                    }
                    if (declaredFrames < 0) {
                        declaredFrames = chunk.u32Unsigned(bytes, 0);
                        budget.checkDeclaredFrames(declaredFrames);
                    }
                }
                case "fcTL" -> {
                    if (chunk.length() != 26) {
                        throw new DecodeException(source, format, "invalid fcTL chunk: length " + chunk.length()
                                + ", expected 26");
                    }
                    int sequence = chunk.u32(bytes, 0);
                    if (sequence != expectedSequence && !sequenceWarned) {
                        warnings.add("sequence number " + Integer.toUnsignedString(sequence) + " where "
                                + expectedSequence + " was expected; frames kept in file order");
                        sequenceWarned = true;
                    }
                    expectedSequence = sequence + 1;
                    current = frameControl(bytes, chunk, image, frames.size(), !idatSeen, budget, source);
                    frames.add(current);
                }
                case "IDAT" -> {
                    idatSeen = true;
                    if (current != null && current.fromIdat()) {
                        current.data().add(chunk);
                    }
                }
                case "fdAT" -> {
                    if (chunk.length() < 4) {
                        throw new DecodeException(source, format, "invalid fdAT chunk: length " + chunk.length()
                                + ", expected at least 4");
                    }
                    int sequence = chunk.u32(bytes, 0);
                    if (sequence != expectedSequence && !sequenceWarned) {
                        warnings.add("sequence number " + Integer.toUnsignedString(sequence) + " where "
                                + expectedSequence + " was expected; frames kept in file order");
                        sequenceWarned = true;
                    }
                    expectedSequence = sequence + 1;
                    if (current == null || current.fromIdat()) {
                        warnings.add("fdAT chunk without a preceding fcTL ignored");
                    } else {
                        current.data().add(chunk);
                    }
                }
                default -> {
                    // Other chunks do not affect the animation.
                }
            }
        }

        if (frames.isEmpty()) {
            warnings.add("acTL without any fcTL; decoded as a still PNG");
            return null;
        }
        List<FrameControl> withData = new ArrayList<>(frames.size());
        for (FrameControl frame : frames) {
            boolean cutOff = parsed.truncated() && frame == frames.getLast();
            if (frame.data().isEmpty() && cutOff) {
                log.debug("{}: the last fcTL lost its data to truncation", source);
            } else if (frame.data().isEmpty()) {
                warnings.add("frame " + withData.size() + " (fcTL sequence " + frame.sequence()
                        + ") has no image data and is skipped");
            } else {
                withData.add(frame);
            }
        }
        if (withData.isEmpty()) {
            throw new DecodeException(source, format, parsed.truncated()
                    ? "truncated before any frame data: " + parsed.truncation() : "no frame has image data");
        }
        if (declaredFrames >= 0 && declaredFrames != withData.size() && !parsed.truncated()) {
            warnings.add("acTL declares " + declaredFrames + " frames but the file has " + withData.size());
        }
        budget.checkDeclaredFrames(withData.size());
        return withData;
    }

    private static FrameControl frameControl(byte[] bytes, PngChunks.Chunk chunk, PngImage image, int index,
            boolean beforeIdat, DecodeBudget budget, Path source) throws DecodeException {
        StickerFormat format = StickerFormat.APNG;
        long width = chunk.u32Unsigned(bytes, 4);
        long height = chunk.u32Unsigned(bytes, 8);
        long x = chunk.u32Unsigned(bytes, 12);
        long y = chunk.u32Unsigned(bytes, 16);
        int disposeOp = chunk.u8(bytes, 24);
        int blendOp = chunk.u8(bytes, 25);
        String name = "frame " + index + " (fcTL sequence " + chunk.u32Unsigned(bytes, 0) + ")";
        if (width == 0 || height == 0 || x + width > image.width() || y + height > image.height()) {
            throw new DecodeException(source, format, name + " at " + x + "," + y + " with size " + width + "x"
                    + height + " lies outside the " + image.width() + "x" + image.height() + " canvas");
        }
        if (beforeIdat && (x != 0 || y != 0 || width != image.width() || height != image.height())) {
            throw new DecodeException(source, format, name + " is the default image but is " + width + "x" + height
                    + " at " + x + "," + y + "; it must cover the whole " + image.width() + "x" + image.height()
                    + " canvas");
        }
        if (disposeOp > DISPOSE_PREVIOUS || blendOp > BLEND_OVER) {
            throw new DecodeException(source, format, name + " has dispose_op " + disposeOp + " and blend_op "
                    + blendOp + "; valid are dispose_op 0 to 2 and blend_op 0 or 1");
        }
        budget.checkCanvas(width, height);
        return new FrameControl(chunk.u32(bytes, 0), (int) width, (int) height, (int) x, (int) y,
                chunk.u16(bytes, 20), chunk.u16(bytes, 22), disposeOp, blendOp, new ArrayList<>(), beforeIdat);
    }

    private static Sticker composite(byte[] bytes, PngChunks.Parsed parsed, PngImage image,
            List<FrameControl> frames, byte[] plte, byte[] transparency, DecodeBudget budget, Path source,
            List<String> warnings) throws DecodeException {
        List<Frame> output = new ArrayList<>(frames.size());
        boolean anyTransparent = false;
        RasterCanvas canvas = null;

        for (int i = 0; i < frames.size(); i++) {
            FrameControl control = frames.get(i);
            budget.addFrame(image.width(), image.height());
            if (canvas == null) {
                // Allocated only after the budget admitted the first frame.
                canvas = new RasterCanvas(image.width(), image.height());
            }
            int[] pixels;
            try {
                pixels = image.withSize(control.width(), control.height())
                        .decodeArgb(control.imageData(bytes), plte, transparency, source, StickerFormat.APNG);
            } catch (DecodeException e) {
                boolean lastOfTruncated = parsed.truncated() && i == frames.size() - 1;
                if (!lastOfTruncated || output.isEmpty()) {
                    throw new DecodeException(source, StickerFormat.APNG, "frame " + i + ": " + e.reason(), e);
                }
                log.debug("{}: dropping the damaged last frame {}: {}", source, i, e.reason());
                warnings.add("frame " + i + " is damaged and dropped: " + e.reason());
                break;
            }

            // Dispose to previous restores what was under the frame; on the first frame it acts as background.
            int disposeOp = control.disposeOp() == DISPOSE_PREVIOUS && i == 0 ? DISPOSE_BACKGROUND
                    : control.disposeOp();
            int[] saved = disposeOp == DISPOSE_PREVIOUS
                    ? canvas.save(control.x(), control.y(), control.width(), control.height()) : null;

            if (control.blendOp() == BLEND_SOURCE) {
                canvas.drawSource(pixels, control.width(), control.height(), control.x(), control.y());
            } else {
                canvas.drawOver(pixels, control.width(), control.height(), control.x(), control.y());
            }
            Frame frame = new Frame(image.width(), image.height(), canvas.snapshot(), durationMs(control));
            anyTransparent |= frame.hasTransparency();
            output.add(frame);

            switch (disposeOp) {
                case DISPOSE_BACKGROUND -> canvas.clear(control.x(), control.y(), control.width(), control.height());
                case DISPOSE_PREVIOUS -> canvas.restore(control.x(), control.y(), control.width(),
                        control.height(), saved);
                default -> {
                    // DISPOSE_NONE leaves the canvas as it is.
                }
            }
        }

        if (parsed.truncated()) {
            warnings.add("truncated (" + parsed.truncation() + "); kept " + output.size() + " frame(s)");
        }
        if (output.size() == 1) {
            output.set(0, new Frame(image.width(), image.height(), output.getFirst().argb(), 0));
        }
        return new Sticker(source, StickerFormat.APNG, image.width(), image.height(), output, anyTransparent,
                warnings);
    }

    private static int durationMs(FrameControl control) {
        long delay = control.delayMs();
        return delay <= SHORT_DELAY_MAX_MS ? SHORT_DELAY_REPLACEMENT_MS : (int) delay;
    }

    private static byte[] firstBeforeImageData(byte[] bytes, PngChunks.Parsed parsed, String type) {
        for (PngChunks.Chunk chunk : parsed.chunks()) {
            if (chunk.type().equals("IDAT") || chunk.type().equals("fdAT")) {
                return null;
            }
            if (chunk.type().equals(type)) {
                return chunk.data(bytes);
            }
        }
        return null;
    }
}
