package org.gse.decode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.gse.decode.RiffChunks.Chunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes WebP stickers: still lossy ({@code VP8 }), lossless ({@code VP8L}) and lossy with alpha
 * ({@code VP8X} + {@code ALPH} + {@code VP8 }) images, and animations ({@code VP8X} with the animation flag,
 * {@code ANIM}, {@code ANMF} frames).
 *
 * <p>This class parses the RIFF container itself and hands each image's bitstream to TwelveMonkeys ImageIO
 * ({@link WebpBitstream}), because TwelveMonkeys neither composites animation frames nor exposes their offsets,
 * blending and disposal. {@link WebpCanvas} composites the frames as libwebp's {@code WebPAnimDecoder} does.
 *
 * <p>Damaged containers:
 * <ul>
 *   <li>Bytes after the end that the RIFF size declares are ignored, with a warning.</li>
 *   <li>A RIFF size past the end of the file means the file was cut short. The chunks that are complete are
 *       used and the cut chunk is dropped, with a warning. A still image whose image chunk was cut, or an
 *       animation without one complete frame, is an error. libwebp's {@code WebPAnimDecoder} rejects any such
 *       file, so this decoder is more lenient than the reference on purpose: a sticker that lost its tail still
 *       shows its first frames.</li>
 * </ul>
 *
 * <p>Declared canvas and frame sizes, frame rectangles and the frame count are checked against
 * {@link DecodeLimits} before any pixel is decoded.
 */
public final class WebpDecoder implements FormatDecoder {

    private static final Logger log = LoggerFactory.getLogger(WebpDecoder.class);

    private static final int RIFF_HEADER_SIZE = 12;
    private static final int VP8X_SIZE = 10;
    private static final int ANMF_HEADER_SIZE = 16;
    private static final int VP8X_FLAG_ANIMATION = 0x02;

    /** Bits of the {@code ANMF} flags byte. */
    private static final int ANMF_FLAG_DISPOSE_TO_BACKGROUND = 0x01;
    private static final int ANMF_FLAG_NO_BLEND = 0x02;

    @Override
    public Sticker decode(byte[] bytes, Path source, DecodeLimits limits, long deadline) throws DecodeException {
        DecodeBudget budget = new DecodeBudget(source, StickerFormat.WEBP, limits, deadline);
        List<String> warnings = new ArrayList<>();
        Container container = readContainer(bytes, source, warnings);

        List<Chunk> chunks = container.chunks();
        if (chunks.isEmpty()) {
            throw error(source, "the RIFF container contains no complete chunk" + truncatedSuffix(container));
        }
        Chunk first = chunks.getFirst();
        return switch (first.fourCc()) {
            case "VP8 ", "VP8L" -> decodeStill(bytes, source, budget, container, first, null, 0, 0, warnings);
            case "VP8X" -> decodeExtended(bytes, source, budget, container, warnings);
            default -> throw error(source, "the first chunk is '" + first.fourCc()
                    + "', but a WebP file starts with 'VP8 ', 'VP8L' or 'VP8X'");
        };
    }

    /**
     * The top-level chunks of a file.
     *
     * @param truncation a description of what was cut off, or null when the file contains all that its RIFF size
     *     declares
     */
    private record Container(List<Chunk> chunks, String truncation) {}

    /** Reads the RIFF header and the complete top-level chunks, noting trailing bytes and truncation. */
    private static Container readContainer(byte[] bytes, Path source, List<String> warnings)
            throws DecodeException {
        if (bytes.length < RIFF_HEADER_SIZE) {
            throw error(source, "file is " + bytes.length + " bytes, shorter than the 12-byte RIFF header");
        }
        long riffSize = RiffChunks.uint32(bytes, 4);
        if (riffSize < 4 + RiffChunks.CHUNK_HEADER_SIZE) {
            throw error(source, "RIFF size " + riffSize + " is too small to hold a WebP chunk");
        }
        long riffEnd = 8 + riffSize;
        int dataEnd = (int) Math.min(riffEnd, bytes.length);
        if (riffEnd < bytes.length) {
            warnings.add("ignored " + (bytes.length - riffEnd) + " bytes after the end of the RIFF data (RIFF size "
                    + riffSize + ", file size " + bytes.length + ")");
        }

        RiffChunks.Scan scan = RiffChunks.read(bytes, RIFF_HEADER_SIZE, dataEnd);
        String truncation = null;
        if (riffEnd > bytes.length) {
            truncation = "file is truncated: the RIFF size declares " + riffEnd + " bytes but the file has "
                    + bytes.length + (scan.incomplete() == null ? "" : ", and " + scan.incomplete());
            if (scan.incomplete() == null) {
                // Every chunk is complete; only the RIFF size is wrong.
                warnings.add(truncation + "; the chunks present are complete and were decoded");
                truncation = null;
            }
        } else if (scan.incomplete() != null) {
            throw error(source, scan.incomplete() + " before the end of the RIFF data at byte " + riffEnd);
        }
        return new Container(scan.chunks(), truncation);
    }

    /**
     * Decodes a still image, from a simple file (one {@code VP8 } or {@code VP8L} chunk) or an extended one.
     *
     * @param canvasWidth the {@code VP8X} canvas width that the image must match, or 0 for a simple file
     * @param canvasHeight the {@code VP8X} canvas height, or 0 for a simple file
     */
    private static Sticker decodeStill(byte[] bytes, Path source, DecodeBudget budget, Container container,
            Chunk image, Chunk alpha, int canvasWidth, int canvasHeight, List<String> warnings)
            throws DecodeException {
        WebpBitstream bitstream = WebpBitstream.of(bytes, image, alpha, source, "image");
        budget.checkCanvas(bitstream.width(), bitstream.height());
        if (canvasWidth != 0 && (bitstream.width() != canvasWidth || bitstream.height() != canvasHeight)) {
            throw error(source, "the " + image.fourCc().trim() + " image is " + bitstream.width() + "x"
                    + bitstream.height() + " but the VP8X canvas is " + canvasWidth + "x" + canvasHeight);
        }

        budget.addFrame(bitstream.width(), bitstream.height());
        int[] argb = bitstream.decode(bytes, source, "image", budget);
        Frame frame = new Frame(bitstream.width(), bitstream.height(), argb, 0);
        if (container.truncation() != null) {
            warnings.add(container.truncation() + "; the image chunk before that point is complete and was decoded");
        }
        return new Sticker(source, StickerFormat.WEBP, frame.width(), frame.height(), List.of(frame),
                frame.hasTransparency(), warnings);
    }

    /** Decodes a file that starts with a {@code VP8X} chunk: a still image with extra chunks, or an animation. */
    private static Sticker decodeExtended(byte[] bytes, Path source, DecodeBudget budget, Container container,
            List<String> warnings) throws DecodeException {
        // 1. VP8X: flags, 3 reserved bytes, then canvas width - 1 and height - 1 as 24-bit values.
        Chunk vp8x = container.chunks().getFirst();
        if (vp8x.size() < VP8X_SIZE) {
            throw error(source, "the VP8X chunk is " + vp8x.size() + " bytes, but it needs " + VP8X_SIZE);
        }
        int flags = bytes[vp8x.offset()] & 0xFF;
        int canvasWidth = RiffChunks.uint24(bytes, vp8x.offset() + 4) + 1;
        int canvasHeight = RiffChunks.uint24(bytes, vp8x.offset() + 7) + 1;
        budget.checkCanvas(canvasWidth, canvasHeight);

        if ((flags & VP8X_FLAG_ANIMATION) != 0) {
            return decodeAnimation(bytes, source, budget, container, canvasWidth, canvasHeight, warnings);
        }

        // 2. A still image: an optional ALPH chunk, then VP8 or VP8L; other chunks are metadata.
        Chunk alpha = null;
        for (Chunk chunk : container.chunks()) {
            switch (chunk.fourCc()) {
                case "ALPH" -> alpha = alpha == null ? chunk : alpha;
                case "VP8 ", "VP8L" -> {
                    Chunk lossyAlpha = chunk.fourCc().equals("VP8 ") ? alpha : null;
                    return decodeStill(bytes, source, budget, container, chunk, lossyAlpha, canvasWidth,
                            canvasHeight, warnings);
                }
                default -> {
                    // ICCP, EXIF, XMP and unknown chunks do not change the pixels.
                }
            }
        }
        throw error(source, "the VP8X file has no VP8 or VP8L image chunk" + truncatedSuffix(container));
    }

    /** Decodes and composites the {@code ANMF} frames of an animation. */
    private static Sticker decodeAnimation(byte[] bytes, Path source, DecodeBudget budget, Container container,
            int canvasWidth, int canvasHeight, List<String> warnings) throws DecodeException {
        // 1. Read every frame header and check it before decoding any pixels.
        boolean hasAnim = false;
        List<WebpAnimationFrame> frames = new ArrayList<>();
        for (Chunk chunk : container.chunks()) {
            if (chunk.fourCc().equals("ANIM")) {
                hasAnim = true;
                logAnimationHeader(bytes, source, chunk);
            } else if (chunk.fourCc().equals("ANMF")) {
                frames.add(readFrame(bytes, source, chunk, frames.size() + 1, canvasWidth, canvasHeight, budget));
            }
        }
        if (!hasAnim) {
            warnings.add("the VP8X animation flag is set but the ANIM chunk is missing; decoded the frames anyway");
        }
        if (frames.isEmpty()) {
            throw error(source, "the VP8X animation flag is set but the file has no ANMF frame"
                    + truncatedSuffix(container));
        }
        if (container.truncation() != null) {
            warnings.add(container.truncation() + "; decoded the " + frames.size()
                    + " complete frames before that point");
        }
        budget.checkDeclaredFrames(frames.size());

        // 2. Decode each frame's rectangle and composite it on the canvas.
        WebpCanvas canvas = new WebpCanvas(canvasWidth, canvasHeight);
        List<Frame> composited = new ArrayList<>(frames.size());
        boolean hasAlpha = false;
        for (WebpAnimationFrame frame : frames) {
            budget.addFrame(canvasWidth, canvasHeight);
            int[] pixels = frame.bitstream().decode(bytes, source, "frame " + frame.number(), budget);
            Frame result = new Frame(canvasWidth, canvasHeight, canvas.draw(frame, pixels), frame.durationMs());
            hasAlpha |= result.hasTransparency();
            composited.add(result);
        }
        return new Sticker(source, StickerFormat.WEBP, canvasWidth, canvasHeight, composited, hasAlpha, warnings);
    }

    /**
     * Reads one {@code ANMF} chunk: X and Y offsets (stored halved), width - 1, height - 1 and duration as 24-bit
     * values, a flags byte, then the frame's image chunks (optional {@code ALPH}, then {@code VP8 } or
     * {@code VP8L}; unknown chunks are skipped).
     */
    private static WebpAnimationFrame readFrame(byte[] bytes, Path source, Chunk anmf, int number, int canvasWidth,
            int canvasHeight, DecodeBudget budget) throws DecodeException {
        String where = "frame " + number + " (ANMF chunk at byte " + anmf.headerOffset() + ")";
        if (anmf.size() < ANMF_HEADER_SIZE) {
            throw error(source, where + " is " + anmf.size() + " bytes, shorter than its 16-byte header");
        }
        int p = anmf.offset();
        int x = 2 * RiffChunks.uint24(bytes, p);
        int y = 2 * RiffChunks.uint24(bytes, p + 3);
        int width = RiffChunks.uint24(bytes, p + 6) + 1;
        int height = RiffChunks.uint24(bytes, p + 9) + 1;
        int durationMs = RiffChunks.uint24(bytes, p + 12);
        int flags = bytes[p + 15] & 0xFF;
        budget.checkCanvas(width, height);
        if ((long) x + width > canvasWidth || (long) y + height > canvasHeight) {
            throw error(source, where + " at (" + x + ", " + y + ") with size " + width + "x" + height
                    + " reaches outside the " + canvasWidth + "x" + canvasHeight + " canvas");
        }

        RiffChunks.Scan scan = RiffChunks.read(bytes, p + ANMF_HEADER_SIZE, anmf.end());
        if (scan.incomplete() != null) {
            throw error(source, where + ": " + scan.incomplete() + " before the end of the frame");
        }
        Chunk alpha = null;
        Chunk image = null;
        for (Chunk chunk : scan.chunks()) {
            if (chunk.fourCc().equals("ALPH") && alpha == null && image == null) {
                alpha = chunk;
            } else if ((chunk.fourCc().equals("VP8 ") || chunk.fourCc().equals("VP8L")) && image == null) {
                image = chunk;
            }
        }
        if (image == null) {
            throw error(source, where + " has no VP8 or VP8L image chunk");
        }
        WebpBitstream bitstream = WebpBitstream.of(bytes, image, alpha, source, where);
        if (bitstream.width() != width || bitstream.height() != height) {
            throw error(source, where + ": the " + image.fourCc().trim() + " image is " + bitstream.width() + "x"
                    + bitstream.height() + " but the frame header declares " + width + "x" + height);
        }
        return new WebpAnimationFrame(number, x, y, width, height, durationMs,
                (flags & ANMF_FLAG_NO_BLEND) == 0, (flags & ANMF_FLAG_DISPOSE_TO_BACKGROUND) != 0, bitstream);
    }

    /** Logs the {@code ANIM} fields, which do not change the frames: libwebp ignores the background by default. */
    private static void logAnimationHeader(byte[] bytes, Path source, Chunk anim) {
        if (anim.size() >= 6 && log.isDebugEnabled()) {
            // Background colour in B, G, R, A byte order, then the loop count (0 = forever).
            int b = bytes[anim.offset()] & 0xFF;
            int g = bytes[anim.offset() + 1] & 0xFF;
            int r = bytes[anim.offset() + 2] & 0xFF;
            int a = bytes[anim.offset() + 3] & 0xFF;
            int loops = (bytes[anim.offset() + 4] & 0xFF) | ((bytes[anim.offset() + 5] & 0xFF) << 8);
            log.debug("{}: ANIM background ARGB {}, loop count {}", source,
                    String.format(Locale.ROOT, "%02x%02x%02x%02x", a, r, g, b), loops);
        }
    }

    private static String truncatedSuffix(Container container) {
        return container.truncation() == null ? "" : " (" + container.truncation() + ")";
    }

    private static DecodeException error(Path source, String reason) {
        return new DecodeException(source, StickerFormat.WEBP, reason);
    }
}
