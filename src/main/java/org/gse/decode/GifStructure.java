package org.gse.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * The block structure of a GIF file, read without decoding any pixels: the logical screen, and for each image its
 * descriptor and graphic control extension. The decoder uses it to check every declared size against the budget
 * before ImageIO allocates anything, and to know how many frames are complete when the file is damaged.
 *
 * <p>Layout (GIF89a specification): a 6-byte header, the 7-byte logical screen descriptor and optional global colour
 * table, then blocks until the trailer {@code 0x3B}: extensions ({@code 0x21}, a label and data sub-blocks) and
 * images ({@code 0x2C}, a 9-byte descriptor, an optional local colour table, the LZW minimum code size and data
 * sub-blocks).
 *
 * @param version {@code "87a"} or {@code "89a"}
 * @param screenWidth logical screen width as declared
 * @param screenHeight logical screen height as declared
 * @param images the images whose data is complete, in file order
 * @param damage null when the file ended with the trailer, otherwise what went wrong after the last complete image
 */
record GifStructure(String version, int screenWidth, int screenHeight, List<Image> images, String damage) {

    static final int DISPOSE_NONE = 1;
    static final int DISPOSE_BACKGROUND = 2;
    static final int DISPOSE_PREVIOUS = 3;

    /**
     * One image with the graphic control extension that preceded it.
     *
     * @param disposal the disposal method, 0 to 7 (0 unspecified, 1 none, 2 background, 3 previous)
     * @param transparentIndex the transparent colour index, or -1 when the transparency flag is off
     * @param delayCentiseconds the declared delay in hundredths of a second
     */
    record Image(int x, int y, int width, int height, boolean interlaced, int disposal, int transparentIndex,
            int delayCentiseconds) {}

    /** Thrown for a file whose header or logical screen descriptor is unreadable. */
    static final class InvalidHeader extends Exception {
        InvalidHeader(String message) {
            super(message);
        }
    }

    /** Walks the blocks. Damage after the logical screen descriptor ends the walk and is described in {@code damage}. */
    static GifStructure parse(byte[] bytes) throws InvalidHeader {
        if (bytes.length < 13) {
            throw new InvalidHeader("truncated: " + bytes.length + " bytes, a GIF header and logical screen "
                    + "descriptor need 13");
        }
        String version = new String(bytes, 3, 3, java.nio.charset.StandardCharsets.ISO_8859_1);
        int screenWidth = u16(bytes, 6);
        int screenHeight = u16(bytes, 8);
        int packed = bytes[10] & 0xFF;
        int offset = 13;
        if ((packed & 0x80) != 0) {
            offset += 3 << ((packed & 7) + 1);
        }

        List<Image> images = new ArrayList<>();
        int disposal = 0;
        int transparentIndex = -1;
        int delay = 0;
        String damage = null;
        while (damage == null) {
            if (offset >= bytes.length) {
                damage = "the file ends without the trailer after " + images.size() + " image(s)";
                break;
            }
            int introducer = bytes[offset] & 0xFF;
            if (introducer == 0x3B) {
                break;
            }
            if (introducer == 0x21) {
                if (offset + 2 > bytes.length) {
                    damage = "the file ends inside an extension at byte " + offset;
                    break;
                }
                int label = bytes[offset + 1] & 0xFF;
                int data = offset + 2;
                if (label == 0xF9 && data + 5 <= bytes.length && (bytes[data] & 0xFF) >= 4) {
                    int flags = bytes[data + 1] & 0xFF;
                    disposal = (flags >> 2) & 7;
                    delay = u16(bytes, data + 2);
                    transparentIndex = (flags & 1) != 0 ? bytes[data + 4] & 0xFF : -1;
                }
                int end = skipSubBlocks(bytes, data);
                if (end < 0) {
                    damage = "the file ends inside an extension at byte " + offset;
                    break;
                }
                offset = end;
            } else if (introducer == 0x2C) {
                if (offset + 10 > bytes.length) {
                    damage = "the file ends inside image descriptor " + images.size() + " at byte " + offset;
                    break;
                }
                int imagePacked = bytes[offset + 9] & 0xFF;
                int data = offset + 10;
                if ((imagePacked & 0x80) != 0) {
                    data += 3 << ((imagePacked & 7) + 1);
                }
                // The LZW minimum code size byte, then the data sub-blocks.
                int end = data + 1 <= bytes.length ? skipSubBlocks(bytes, data + 1) : -1;
                if (end < 0) {
                    damage = "the file ends inside the data of image " + images.size() + " at byte " + offset;
                    break;
                }
                images.add(new Image(u16(bytes, offset + 1), u16(bytes, offset + 3), u16(bytes, offset + 5),
                        u16(bytes, offset + 7), (imagePacked & 0x40) != 0, disposal, transparentIndex, delay));
                disposal = 0;
                transparentIndex = -1;
                delay = 0;
                offset = end;
            } else {
                damage = String.format(java.util.Locale.ROOT,
                        "unknown block introducer 0x%02X at byte %d after %d image(s)", introducer, offset,
                        images.size());
            }
        }
        return new GifStructure(version, screenWidth, screenHeight, List.copyOf(images), damage);
    }

    /** Returns the offset after the terminating zero-length sub-block, or -1 when the data ends first. */
    private static int skipSubBlocks(byte[] bytes, int offset) {
        while (offset < bytes.length) {
            int size = bytes[offset] & 0xFF;
            offset += 1 + size;
            if (size == 0) {
                return offset;
            }
        }
        return -1;
    }

    private static int u16(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) | ((bytes[offset + 1] & 0xFF) << 8);
    }
}
