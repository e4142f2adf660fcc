package org.gse.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Frame sizes read from VP8 and VP9 headers written bit by bit here, following the sources named in
 * {@link VpxFrameHeader}. Real libvpx output is covered by {@code WebmDecoderTest}.
 */
class VpxFrameHeaderTest {

    @Test
    void vp9KeyFrameSize() {
        assertEquals(List.of(new VpxFrameHeader.Size(128, 96)), VpxFrameHeader.vp9(vp9KeyFrame(128, 96)));
        assertEquals(List.of(new VpxFrameHeader.Size(65536, 1)), VpxFrameHeader.vp9(vp9KeyFrame(65536, 1)));
    }

    @Test
    void vp9InterFrameWithReferenceSizeHasNone() {
        assertEquals(List.of(), VpxFrameHeader.vp9(vp9InterFrameCopyingSize()));
    }

    @Test
    void vp9SuperframeChecksEveryFrame() {
        byte[] inter = vp9InterFrameCopyingSize();
        byte[] key = vp9KeyFrame(20000, 10);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.writeBytes(inter);
        packet.writeBytes(key);
        // Index: marker 110 00 001 (1 byte per size, 2 frames), the two sizes, the marker again.
        packet.write(0xC1);
        packet.write(inter.length);
        packet.write(key.length);
        packet.write(0xC1);

        assertEquals(List.of(new VpxFrameHeader.Size(20000, 10)), VpxFrameHeader.vp9(packet.toByteArray()));
    }

    @Test
    void vp9TruncatedHeaderHasNone() {
        assertEquals(List.of(), VpxFrameHeader.vp9(Arrays.copyOf(vp9KeyFrame(128, 96), 6)));
        assertEquals(List.of(), VpxFrameHeader.vp9(new byte[0]));
    }

    @Test
    void vp8KeyFrameSizeIgnoresScale() {
        // Frame tag with the key-frame bit clear, start code, width 320 with scale 3, height 240 with scale 0.
        byte[] frame = {0x50, 0x02, 0x00, (byte) 0x9D, 0x01, 0x2A, 0x40, (byte) 0xC1, (byte) 0xF0, 0x00};
        assertEquals(new VpxFrameHeader.Size(320, 240), VpxFrameHeader.vp8(frame));
    }

    @Test
    void vp8InterFrameHasNone() {
        byte[] frame = {0x51, 0x02, 0x00, (byte) 0x9D, 0x01, 0x2A, 0x40, 0x01, (byte) 0xF0, 0x00};
        assertNull(VpxFrameHeader.vp8(frame));
        assertNull(VpxFrameHeader.vp8(new byte[] {0x50, 0x02, 0x00}));
    }

    /** Builds a shown profile 0 key frame: marker, profile, flags, sync code, colour config, size, padding. */
    private static byte[] vp9KeyFrame(int width, int height) {
        Bits bits = new Bits();
        bits.put(2, 2).put(0, 1).put(0, 1).put(0, 1).put(0, 1).put(1, 1).put(0, 1);
        bits.put(0x498342, 24).put(0, 3).put(0, 1);
        bits.put(width - 1, 16).put(height - 1, 16);
        return bits.bytes(8);
    }

    /** Builds a shown inter frame whose first reference frame supplies the size (found_ref = 1). */
    private static byte[] vp9InterFrameCopyingSize() {
        Bits bits = new Bits();
        bits.put(2, 2).put(0, 1).put(0, 1).put(0, 1).put(1, 1).put(1, 1).put(0, 1);
        bits.put(0, 2).put(0xFF, 8).put(0, 12).put(1, 1);
        return bits.bytes(8);
    }

    /** Writes bits most significant first. */
    private static final class Bits {
        private final StringBuilder text = new StringBuilder();

        Bits put(long value, int count) {
            for (int i = count - 1; i >= 0; i--) {
                text.append((value >> i & 1) == 1 ? '1' : '0');
            }
            return this;
        }

        byte[] bytes(int padding) {
            while (text.length() % 8 != 0) {
                text.append('0');
            }
            byte[] bytes = new byte[text.length() / 8 + padding];
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '1') {
                    bytes[i / 8] |= (byte) (0x80 >> (i % 8));
                }
            }
            return bytes;
        }
    }
}
