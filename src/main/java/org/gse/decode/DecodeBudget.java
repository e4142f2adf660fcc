package org.gse.decode;

import java.nio.file.Path;

/**
 * Tracks one decode against its {@link DecodeLimits}: declared canvas sizes, the frame count, the decoded bytes
 * so far and the deadline. Decoders call it before each allocation, so a limit fails fast with a clear message.
 */
public final class DecodeBudget {

    private final Path source;
    private final StickerFormat format;
    private final DecodeLimits limits;
    private final long deadline;
    private long decodedBytes;
    private int frames;

    public DecodeBudget(Path source, StickerFormat format, DecodeLimits limits, long deadline) {
        this.source = source;
        this.format = format;
        this.limits = limits;
        this.deadline = deadline;
    }

    /** Checks a declared canvas or frame size before any pixel buffer is allocated. */
    public void checkCanvas(long width, long height) throws DecodeException {
        if (width < 1 || height < 1) {
            throw new DecodeException(source, format, "invalid size " + width + "x" + height);
        }
        if (width * height > limits.maxPixelsPerFrame()) {
            throw new DecodeException(source, format, "declared size " + width + "x" + height + " is "
                    + width * height + " pixels, over the limit of " + limits.maxPixelsPerFrame()
                    + " pixels per frame");
        }
    }

    /** Checks a declared frame count (from a header) before decoding the frames. */
    public void checkDeclaredFrames(long declared) throws DecodeException {
        if (declared > limits.maxFrames()) {
            throw new DecodeException(source, format, "declares " + declared + " frames, over the limit of "
                    + limits.maxFrames() + " frames");
        }
    }

    /** Accounts for one more output frame of the given size; call before allocating it. */
    public void addFrame(int width, int height) throws DecodeException {
        checkDeadline();
        frames++;
        if (frames > limits.maxFrames()) {
            throw new DecodeException(source, format, "has more than " + limits.maxFrames()
                    + " frames, the frame limit");
        }
        decodedBytes += 4L * width * height;
        if (decodedBytes > limits.maxTotalDecodedBytes()) {
            throw new DecodeException(source, format, "decoded frames exceed " + limits.maxTotalDecodedBytes()
                    + " bytes, the limit on total decoded size");
        }
    }

    /** Throws when the decode has run past its time budget. */
    public void checkDeadline() throws DecodeException {
        if (System.nanoTime() - deadline > 0) {
            throw new DecodeException(source, format, "decoding timed out after "
                    + limits.maxDecodeTime().toMillis() + " ms, the decode-time limit");
        }
    }

    public int frames() {
        return frames;
    }
}
