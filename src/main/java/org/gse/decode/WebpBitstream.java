package org.gse.decode;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.IIOException;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageInputStreamImpl;
import org.gse.decode.RiffChunks.Chunk;

/**
 * One still image's compressed data inside a WebP file: a {@code VP8 } (lossy) or {@code VP8L} (lossless) chunk,
 * with an optional {@code ALPH} chunk for lossy images. It reads the dimensions from the bitstream header, so
 * callers can check them before any pixels are decoded, and decodes the pixels with TwelveMonkeys ImageIO.
 *
 * <p>TwelveMonkeys reads still WebP files only, so {@link #decode} wraps the chunks in a minimal stand-alone
 * container: {@code RIFF/WEBP} plus {@code VP8X} (alpha flag only), {@code ALPH} and {@code VP8 } for lossy
 * images with alpha, or a single {@code VP8 } or {@code VP8L} chunk otherwise. Metadata chunks ({@code ICCP},
 * {@code EXIF}, {@code XMP }) are left out, so colours are decoded without an ICC profile, as libwebp's
 * {@code WebPDecode} does.
 *
 * @param image the {@code VP8 } or {@code VP8L} chunk
 * @param alpha the {@code ALPH} chunk, or null when absent (a lossy image without it is opaque)
 * @param width image width from the bitstream header, in pixels
 * @param height image height from the bitstream header, in pixels
 * @param hasAlpha true for a lossy image with an {@code ALPH} chunk or a lossless image whose header sets the
 *     alpha-is-used bit; libwebp's demuxer calls this {@code has_alpha} and uses it to detect key frames
 */
record WebpBitstream(Chunk image, Chunk alpha, int width, int height, boolean hasAlpha) {

    private static final WebPImageReaderSpi READER_SPI = new WebPImageReaderSpi();

    /** The first byte of every VP8L bitstream. */
    private static final int VP8L_SIGNATURE = 0x2F;

    /** The start code after the 3-byte frame tag of a VP8 key frame. */
    private static final int[] VP8_START_CODE = {0x9D, 0x01, 0x2A};

    boolean lossless() {
        return image.fourCc().equals("VP8L");
    }

    /**
     * Reads the header of a {@code VP8 } or {@code VP8L} chunk.
     *
     * @param where names the image in error messages, for example {@code "frame 3"}
     */
    static WebpBitstream of(byte[] bytes, Chunk image, Chunk alpha, Path source, String where)
            throws DecodeException {
        if (image.fourCc().equals("VP8L")) {
            // 1 signature byte, then 14 bits width - 1, 14 bits height - 1, 1 alpha bit, 3 version bits.
            if (alpha != null) {
                throw error(source, where + ": an ALPH chunk precedes a VP8L chunk, which carries its own alpha");
            }
            if (image.size() < 5 || (bytes[image.offset()] & 0xFF) != VP8L_SIGNATURE) {
                throw error(source, where + ": the VP8L chunk at byte " + image.headerOffset()
                        + " does not start with the VP8L signature 0x2f");
            }
            long bits = RiffChunks.uint32(bytes, image.offset() + 1);
            int width = (int) (bits & 0x3FFF) + 1;
            int height = (int) ((bits >>> 14) & 0x3FFF) + 1;
            boolean alphaIsUsed = ((bits >>> 28) & 1) != 0;
            int version = (int) (bits >>> 29);
            if (version != 0) {
                throw error(source, where + ": the VP8L chunk at byte " + image.headerOffset() + " has version "
                        + version + ", but only version 0 exists");
            }
            return new WebpBitstream(image, null, width, height, alphaIsUsed);
        }

        // VP8: a 3-byte frame tag (bit 0 clear on key frames), the start code, then 14-bit width and height.
        int p = image.offset();
        if (image.size() < 10) {
            throw error(source, where + ": the VP8 chunk at byte " + image.headerOffset() + " is " + image.size()
                    + " bytes, too short for a VP8 frame header");
        }
        if ((bytes[p] & 1) != 0) {
            throw error(source, where + ": the VP8 chunk at byte " + image.headerOffset()
                    + " contains an interframe, but WebP allows key frames only");
        }
        for (int i = 0; i < VP8_START_CODE.length; i++) {
            if ((bytes[p + 3 + i] & 0xFF) != VP8_START_CODE[i]) {
                throw error(source, where + ": the VP8 chunk at byte " + image.headerOffset()
                        + " lacks the VP8 start code 9d 01 2a");
            }
        }
        int width = ((bytes[p + 6] & 0xFF) | ((bytes[p + 7] & 0xFF) << 8)) & 0x3FFF;
        int height = ((bytes[p + 8] & 0xFF) | ((bytes[p + 9] & 0xFF) << 8)) & 0x3FFF;
        if (width == 0 || height == 0) {
            throw error(source, where + ": the VP8 chunk at byte " + image.headerOffset() + " declares size "
                    + width + "x" + height);
        }
        return new WebpBitstream(image, alpha, width, height, alpha != null);
    }

    /**
     * Decodes the pixels as non-premultiplied ARGB, {@code width * height} entries in row-major order.
     *
     * @param where names the image in error messages, for example {@code "frame 3"}
     * @param budget checked for the deadline while TwelveMonkeys reads the data
     */
    int[] decode(byte[] bytes, Path source, String where, DecodeBudget budget) throws DecodeException {
        byte[] container = standAloneContainer(bytes);
        BufferedImage decoded;
        ImageReader reader = READER_SPI.createReaderInstance(null);
        try (ImageInputStream input = new GuardedInput(container, (long) width * height, budget)) {
            reader.setInput(input, true, true);
            decoded = reader.read(0);
        } catch (IOException | RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof DecodeException timedOut) {
                    throw timedOut;
                }
            }
            // TwelveMonkeys reports corrupt bitstreams with IIOException, or with runtime exceptions such as
            // ArrayIndexOutOfBoundsException from inside its decoders.
            throw new DecodeException(source, StickerFormat.WEBP, where + ": cannot decode the "
                    + image.fourCc().trim() + " data at byte " + image.headerOffset() + ": " + e, e);
        } finally {
            reader.dispose();
        }
        if (decoded.getWidth() != width || decoded.getHeight() != height) {
            throw error(source, where + ": the decoder returned " + decoded.getWidth() + "x" + decoded.getHeight()
                    + " pixels, but the bitstream header declares " + width + "x" + height);
        }
        // NOTE: TwelveMonkeys upsamples lossy chroma by pixel replication, while libwebp interpolates it by
        // default ("fancy upsampling"), so lossy pixels differ from libwebp's at sharp colour edges: by up to 49
        // per channel and 5.1 on average on random-noise frames, and close to 0 on average on real stickers.
        return decoded.getRGB(0, 0, width, height, null, 0, width);
    }

    /** Builds a still WebP file that contains only this image's chunks. */
    private byte[] standAloneContainer(byte[] bytes) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(image.size() + (alpha == null ? 0 : alpha.size()) + 64);
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        if (alpha != null) {
            // VP8X: flags (0x10 = alpha), 3 reserved bytes, canvas width - 1 and height - 1 as 24-bit values.
            byte[] vp8x = new byte[10];
            vp8x[0] = 0x10;
            putUint24(vp8x, 4, width - 1);
            putUint24(vp8x, 7, height - 1);
            writeChunk(body, "VP8X", vp8x, 0, vp8x.length);
            writeChunk(body, "ALPH", bytes, alpha.offset(), alpha.size());
        }
        writeChunk(body, image.fourCc(), bytes, image.offset(), image.size());

        ByteArrayOutputStream file = new ByteArrayOutputStream(body.size() + 8);
        file.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        writeUint32(file, body.size());
        file.writeBytes(body.toByteArray());
        return file.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, String fourCc, byte[] data, int offset, int size) {
        out.writeBytes(fourCc.getBytes(StandardCharsets.US_ASCII));
        writeUint32(out, size);
        out.write(data, offset, size);
        if ((size & 1) != 0) {
            out.write(0);
        }
    }

    private static void writeUint32(ByteArrayOutputStream out, int value) {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }

    private static void putUint24(byte[] b, int offset, int value) {
        b[offset] = (byte) value;
        b[offset + 1] = (byte) (value >>> 8);
        b[offset + 2] = (byte) (value >>> 16);
    }

    /**
     * An in-memory stream that stops TwelveMonkeys on corrupt data and at the decode deadline.
     *
     * <p>TwelveMonkeys 3.14's lossless bit reader swallows {@link java.io.EOFException} when it refills its
     * buffer, so a corrupt VP8L stream can make it read past the end forever.
     * Valid streams read past the end too, because the bit reader refills ahead of the bits it needs: up to 3.5
     * times per pixel on 4x4 frames and 0.5 times per pixel on a 119,340-pixel WhatsApp frame. This stream
     * raises an {@link IIOException}, which the bit reader passes on, once reads past the end exceed
     * {@code 4096 + 8 * pixels}. It also checks the decode deadline every {@link #DEADLINE_CHECK_INTERVAL} reads.
     */
    private static final class GuardedInput extends ImageInputStreamImpl {

        static final int DEADLINE_CHECK_INTERVAL = 1 << 16;

        private final byte[] data;
        private final long maxReadsPastEnd;
        private final DecodeBudget budget;
        private long readsPastEnd;
        private long reads;

        GuardedInput(byte[] data, long pixels, DecodeBudget budget) {
            this.data = data;
            this.maxReadsPastEnd = 4096 + 8 * pixels;
            this.budget = budget;
        }

        @Override
        public int read() throws IOException {
            if (!startRead()) {
                return -1;
            }
            return data[(int) streamPos++] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!startRead()) {
                return -1;
            }
            int count = (int) Math.min(length, data.length - streamPos);
            System.arraycopy(data, (int) streamPos, buffer, offset, count);
            streamPos += count;
            return count;
        }

        @Override
        public long length() {
            return data.length;
        }

        /** Returns false at the end of the data, and throws once the reader is stuck there or time is up. */
        private boolean startRead() throws IOException {
            bitOffset = 0;
            if (++reads % DEADLINE_CHECK_INTERVAL == 0) {
                budget.checkDeadline();
            }
            if (streamPos < data.length) {
                return true;
            }
            if (++readsPastEnd > maxReadsPastEnd) {
                throw new IIOException("the decoder read past the end of the data " + maxReadsPastEnd
                        + " times, so the bitstream is corrupt");
            }
            return false;
        }
    }

    private static DecodeException error(Path source, String reason) {
        return new DecodeException(source, StickerFormat.WEBP, reason);
    }
}
