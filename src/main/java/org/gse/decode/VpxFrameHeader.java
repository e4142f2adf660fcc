package org.gse.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the frame size that a VP8 or VP9 frame declares in its own header, so that {@link WebmDecoder} can check it
 * against {@link DecodeLimits} before the packet reaches libvpx. libvpx sizes its frame buffers from this header,
 * not from the Matroska track, and allocates them before FFmpeg's {@code max_pixels} check runs.
 *
 * <p>Sources: RFC 6386 appendix A.1, "Uncompressed Data Chunk" (VP8 key-frame header: a 3-byte frame tag, the start
 * code {@code 9d 01 2a}, then 14-bit width and height, little-endian, each with a 2-bit scale above it), and "VP9
 * Bitstream superframe and uncompressed header", draft rev 1.0 of 2015-12-08, sections 3 (superframes) and 4
 * (uncompressed header, read most significant bit first).
 */
final class VpxFrameHeader {

    /** A coded frame size, in pixels. */
    record Size(int width, int height) {}

    private static final int VP9_SYNC_CODE = 0x498342;
    private static final int VP9_CS_RGB = 7;

    private VpxFrameHeader() {}

    /**
     * Returns the size declared by a VP8 key frame, or null for an inter frame, which keeps the previous size, or
     * for data without a complete key-frame header, which declares no size that libvpx could allocate for.
     */
    static Size vp8(byte[] frame) {
        if (frame.length < 10 || (frame[0] & 1) != 0) {
            return null;
        }
        if ((frame[3] & 0xFF) != 0x9D || (frame[4] & 0xFF) != 0x01 || (frame[5] & 0xFF) != 0x2A) {
            return null;
        }

        // The top 2 bits of each 16-bit field are an upscaling hint for display; libvpx allocates the coded size.
        int width = ((frame[6] & 0xFF) | (frame[7] & 0xFF) << 8) & 0x3FFF;
        int height = ((frame[8] & 0xFF) | (frame[9] & 0xFF) << 8) & 0x3FFF;
        return new Size(width, height);
    }

    /**
     * Returns the sizes declared by the frames of one VP9 packet: one entry per frame that sets its size (key
     * frames, intra-only frames, and inter frames that do not copy the size of a reference frame). A packet may be
     * a superframe that contains several frames. Frames whose header ends before the size are skipped, because they
     * declare no size that libvpx could allocate for.
     */
    static List<Size> vp9(byte[] packet) {
        List<Size> sizes = new ArrayList<>();
        for (int[] range : vp9Frames(packet)) {
            Size size = vp9FrameSize(packet, range[0], range[1]);
            if (size != null) {
                sizes.add(size);
            }
        }
        return sizes;
    }

    /** Splits a VP9 packet into {offset, length} frames along its superframe index, when it has a valid one. */
    private static List<int[]> vp9Frames(byte[] packet) {
        List<int[]> frames = new ArrayList<>();
        int length = packet.length;
        if (length == 0) {
            return frames;
        }

        // The last byte is a marker 110mmfff (bytes per size minus 1, frames minus 1), repeated at the
        // start of the index.
        int marker = packet[length - 1] & 0xFF;
        if ((marker & 0xE0) == 0xC0) {
            int count = (marker & 0x7) + 1;
            int bytesPerSize = ((marker >> 3) & 0x3) + 1;
            int indexLength = 2 + bytesPerSize * count;
            if (length >= indexLength && (packet[length - indexLength] & 0xFF) == marker) {
                int offset = 0;
                int position = length - indexLength + 1;
                for (int i = 0; i < count; i++) {
                    long frameLength = 0;
                    for (int b = 0; b < bytesPerSize; b++) {
                        frameLength |= (long) (packet[position++] & 0xFF) << (8 * b);
                    }
                    if (frameLength > length - indexLength - offset) {
                        break;
                    }
                    frames.add(new int[] {offset, (int) frameLength});
                    offset += (int) frameLength;
                }
                return frames;
            }
        }
        frames.add(new int[] {0, length});
        return frames;
    }

    /** Reads the uncompressed header of one VP9 frame up to its frame size. */
    private static Size vp9FrameSize(byte[] data, int offset, int length) {
        BitReader bits = new BitReader(data, offset, length);
        if (bits.read(2) != 2) {
            return null;
        }
        int profile = bits.read(1) | bits.read(1) << 1;
        if (profile == 3) {
            bits.read(1);
        }
        if (bits.read(1) == 1) {
            // show_existing_frame repeats a decoded frame and carries no size.
            return null;
        }
        boolean keyFrame = bits.read(1) == 0;
        boolean showFrame = bits.read(1) == 1;
        boolean errorResilient = bits.read(1) == 1;

        if (keyFrame) {
            if (bits.read(24) != VP9_SYNC_CODE) {
                return null;
            }
            skipColorConfig(bits, profile);
            return frameSize(bits);
        }

        boolean intraOnly = !showFrame && bits.read(1) == 1;
        if (!errorResilient) {
            bits.read(2);
        }
        if (intraOnly) {
            if (bits.read(24) != VP9_SYNC_CODE) {
                return null;
            }
            if (profile > 0) {
                skipColorConfig(bits, profile);
            }
            bits.read(8);
            return frameSize(bits);
        }

        // An inter frame: refresh_frame_flags, three reference indices with sign bias, then frame_size_with_refs,
        // which either copies the size of a reference frame (already checked when that frame was decoded) or
        // codes a new one.
        bits.read(8);
        bits.read(3 * 4);
        for (int i = 0; i < 3; i++) {
            if (bits.read(1) == 1) {
                return null;
            }
        }
        return frameSize(bits);
    }

    private static void skipColorConfig(BitReader bits, int profile) {
        if (profile >= 2) {
            bits.read(1);
        }
        int colorSpace = bits.read(3);
        if (colorSpace != VP9_CS_RGB) {
            bits.read(1);
            if (profile == 1 || profile == 3) {
                bits.read(3);
            }
        } else if (profile == 1 || profile == 3) {
            bits.read(1);
        }
    }

    private static Size frameSize(BitReader bits) {
        int width = bits.read(16) + 1;
        int height = bits.read(16) + 1;
        return bits.overrun() ? null : new Size(width, height);
    }

    /** Reads bits most significant first; reading past the end returns zeros and sets {@link #overrun()}. */
    private static final class BitReader {
        private final byte[] data;
        private final long end;
        private long position;
        private boolean overrun;

        BitReader(byte[] data, int offset, int length) {
            this.data = data;
            this.position = 8L * offset;
            this.end = 8L * (offset + length);
        }

        int read(int count) {
            int value = 0;
            for (int i = 0; i < count; i++) {
                int bit = 0;
                if (position < end) {
                    bit = (data[(int) (position >>> 3)] >> (7 - (int) (position & 7))) & 1;
                } else {
                    overrun = true;
                }
                position++;
                value = value << 1 | bit;
            }
            return value;
        }

        boolean overrun() {
            return overrun;
        }
    }
}
