package org.gse.decode;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one PNG image (a static PNG or one APNG frame) to non-premultiplied ARGB.
 *
 * <p>The JDK's ImageIO PNG reader inflates, unfilters and de-interlaces the samples; this class turns the raw
 * samples into ARGB itself, for two reasons found by testing JDK 25:
 * <ul>
 *   <li>{@link BufferedImage#getRGB} treats grey images as linear light and brightens them (grey 128 becomes 188),
 *       and it rounds 16-bit samples ({@code 65280} becomes 254) where libpng, browsers and Pillow keep the high byte.
 *   <li>Colour-key transparency ({@code tRNS} for grey and RGB) must be compared on the raw samples of every bit
 *       depth, 1 to 16, before any reduction to 8 bits; the JDK reader ignores the key of 1-, 2- and 4-bit grey.
 * </ul>
 * ImageIO therefore gets a normalised stream: {@code IHDR}, {@code PLTE} for palette images, the image data in one
 * {@code IDAT} and {@code IEND}, without {@code tRNS} and colour-management chunks. Gamma, chromaticities and ICC
 * profiles are ignored, as Pillow does.
 *
 * <p>{@code tRNS} follows libpng 1.6: a chunk of the wrong length for the colour type, an empty one, one longer than
 * the palette, or one on an image that already has an alpha channel is ignored with a warning.
 *
 * @param width image width in pixels
 * @param height image height in pixels
 * @param bitDepth bits per sample: 1, 2, 4, 8 or 16
 * @param colourType 0 grey, 2 RGB, 3 palette, 4 grey with alpha, 6 RGB with alpha
 * @param interlace 0 none, 1 Adam7
 */
record PngImage(int width, int height, int bitDepth, int colourType, int interlace) {

    static final int GREY = 0;
    static final int RGB = 2;
    static final int PALETTE = 3;
    static final int GREY_ALPHA = 4;
    static final int RGB_ALPHA = 6;

    /**
     * Reads and validates the {@code IHDR} chunk, checking the declared size against the budget before anything
     * is allocated.
     */
    static PngImage fromHeader(byte[] file, PngChunks.Chunk ihdr, DecodeBudget budget, Path source,
            StickerFormat format) throws DecodeException {
        if (ihdr.length() != 13) {
            throw new DecodeException(source, format, "invalid IHDR chunk: length " + ihdr.length()
                    + ", expected 13");
        }
        long width = ihdr.u32Unsigned(file, 0);
        long height = ihdr.u32Unsigned(file, 4);
        budget.checkCanvas(width, height);
        int bitDepth = ihdr.u8(file, 8);
        int colourType = ihdr.u8(file, 9);
        boolean valid = switch (colourType) {
            case GREY -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
            case PALETTE -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
            case RGB, GREY_ALPHA, RGB_ALPHA -> bitDepth == 8 || bitDepth == 16;
            default -> false;
        };
        if (!valid) {
            throw new DecodeException(source, format, "invalid IHDR: bit depth " + bitDepth + " with colour type "
                    + colourType + " is not a PNG combination");
        }
        if (ihdr.u8(file, 10) != 0 || ihdr.u8(file, 11) != 0) {
            throw new DecodeException(source, format, "unsupported IHDR: compression method " + ihdr.u8(file, 10)
                    + " and filter method " + ihdr.u8(file, 11) + " (only 0 is defined)");
        }
        int interlace = ihdr.u8(file, 12);
        if (interlace > 1) {
            throw new DecodeException(source, format, "invalid IHDR: interlace method " + interlace);
        }
        return new PngImage((int) width, (int) height, bitDepth, colourType, interlace);
    }

    /** Returns the same image description with another size, for an APNG frame. */
    PngImage withSize(int frameWidth, int frameHeight) {
        return new PngImage(frameWidth, frameHeight, bitDepth, colourType, interlace);
    }

    /** Returns true when the pixels carry an alpha channel of their own. */
    boolean hasAlphaChannel() {
        return colourType == GREY_ALPHA || colourType == RGB_ALPHA;
    }

    private int colourBands() {
        return switch (colourType) {
            case GREY, PALETTE -> 1;
            case GREY_ALPHA -> 2;
            case RGB -> 3;
            default -> 4;
        };
    }

    /**
     * Builds the palette as ARGB: {@code PLTE} colours with {@code tRNS} alphas, 256 entries where the ones past the
     * {@code PLTE} are opaque black, as libpng pads them.
     *
     * @param transparency the validated {@code tRNS} data, or null
     */
    static int[] palette(byte[] plte, byte[] transparency) {
        int[] argb = new int[256];
        java.util.Arrays.fill(argb, 0xFF000000);
        for (int i = 0; i < plte.length / 3; i++) {
            int alpha = transparency != null && i < transparency.length ? transparency[i] & 0xFF : 0xFF;
            argb[i] = (alpha << 24) | ((plte[3 * i] & 0xFF) << 16) | ((plte[3 * i + 1] & 0xFF) << 8)
                    | (plte[3 * i + 2] & 0xFF);
        }
        return argb;
    }

    /**
     * Validates {@code tRNS} against this image as libpng does, returning the data to use or null when the chunk is
     * absent or ignored (then a warning is added).
     */
    byte[] checkTransparency(byte[] trns, byte[] plte, List<String> warnings) {
        if (trns == null) {
            return null;
        }
        String problem = switch (colourType) {
            case GREY -> trns.length == 2 ? null : "length " + trns.length + ", expected 2 for a grey image";
            case RGB -> trns.length == 6 ? null : "length " + trns.length + ", expected 6 for an RGB image";
            case PALETTE -> {
                int entries = plte == null ? 0 : plte.length / 3;
                if (trns.length == 0) {
                    yield "it is empty";
                }
                yield trns.length <= entries ? null
                        : "it has " + trns.length + " entries for a palette of " + entries;
            }
            default -> "the image has an alpha channel already";
        };
        if (problem != null) {
            warnings.add("tRNS chunk ignored: " + problem);
            return null;
        }
        return trns;
    }

    /**
     * Decodes the image data to ARGB.
     *
     * @param imageData the zlib stream: the concatenated {@code IDAT} or {@code fdAT} payloads
     * @param plte the {@code PLTE} data, required for palette images
     * @param transparency validated {@code tRNS} data from {@link #checkTransparency}, or null
     */
    int[] decodeArgb(byte[] imageData, byte[] plte, byte[] transparency, Path source, StickerFormat format)
            throws DecodeException {
        if (colourType == PALETTE && (plte == null || plte.length == 0 || plte.length % 3 != 0
                || plte.length > 768)) {
            throw new DecodeException(source, format, plte == null ? "palette image without a PLTE chunk"
                    : "invalid PLTE chunk: length " + plte.length + ", expected 3 to 768 bytes in steps of 3");
        }
        BufferedImage image = readWithImageIo(standaloneStream(imageData, plte), source, format);
        Raster raster = image.getRaster();
        if (raster.getWidth() != width || raster.getHeight() != height || raster.getNumBands() < colourBands()) {
            throw new DecodeException(source, format, "the PNG reader returned a " + raster.getWidth() + "x"
                    + raster.getHeight() + " image with " + raster.getNumBands() + " bands, expected " + width + "x"
                    + height + " with " + colourBands());
        }
        return toArgb(raster, plte, transparency);
    }

    private int[] toArgb(Raster raster, byte[] plte, byte[] transparency) {
        int bands = raster.getNumBands();
        int[] argb = new int[width * height];
        int[] row = new int[width * bands];
        int[] palette = colourType == PALETTE ? palette(plte, transparency) : null;
        int maxSample = (1 << bitDepth) - 1;
        int keyGrey = -1;
        int keyRed = -1;
        int keyGreen = -1;
        int keyBlue = -1;
        if (transparency != null && colourType == GREY) {
            keyGrey = u16(transparency, 0);
        } else if (transparency != null && colourType == RGB) {
            keyRed = u16(transparency, 0);
            keyGreen = u16(transparency, 2);
            keyBlue = u16(transparency, 4);
        }

        for (int y = 0; y < height; y++) {
            raster.getPixels(0, y, width, 1, row);
            int out = y * width;
            for (int x = 0, in = 0; x < width; x++, in += bands) {
                int pixel;
                switch (colourType) {
                    case GREY -> {
                        int g = to8(row[in], maxSample);
                        int alpha = row[in] == keyGrey ? 0 : 0xFF;
                        pixel = (alpha << 24) | (g << 16) | (g << 8) | g;
                    }
                    case RGB -> {
                        boolean key = row[in] == keyRed && row[in + 1] == keyGreen && row[in + 2] == keyBlue;
                        pixel = (key ? 0 : 0xFF000000) | (to8(row[in], maxSample) << 16)
                                | (to8(row[in + 1], maxSample) << 8) | to8(row[in + 2], maxSample);
                    }
                    case PALETTE -> pixel = palette[row[in] & 0xFF];
                    case GREY_ALPHA -> {
                        int g = to8(row[in], maxSample);
                        pixel = (to8(row[in + 1], maxSample) << 24) | (g << 16) | (g << 8) | g;
                    }
                    default -> pixel = (to8(row[in + 3], maxSample) << 24) | (to8(row[in], maxSample) << 16)
                            | (to8(row[in + 1], maxSample) << 8) | to8(row[in + 2], maxSample);
                }
                argb[out + x] = pixel;
            }
        }
        return argb;
    }

    /** Scales a sample to 8 bits: 16-bit samples keep their high byte (libpng's strip_16), low depths scale up. */
    private int to8(int sample, int maxSample) {
        return switch (bitDepth) {
            case 16 -> sample >>> 8;
            case 8 -> sample;
            default -> sample * 255 / maxSample;
        };
    }

    private static int u16(byte[] data, int at) {
        return ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF);
    }

    /** Writes signature, IHDR, PLTE (palette images only), one IDAT and IEND with fresh CRCs. */
    private byte[] standaloneStream(byte[] imageData, byte[] plte) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(imageData.length + 128);
        out.writeBytes(PngChunks.SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
        ihdr.put((byte) bitDepth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) interlace);
        writeChunk(out, "IHDR", ihdr.array());
        if (colourType == PALETTE) {
            writeChunk(out, "PLTE", plte);
        }
        writeChunk(out, "IDAT", imageData);
        writeChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static BufferedImage readWithImageIo(byte[] png, Path source, StickerFormat format)
            throws DecodeException {
        ImageReader reader = ImageIoReaders.png();
        if (reader == null) {
            throw new DecodeException(source, format, "no ImageIO PNG reader is available in this Java runtime");
        }
        try (ImageInputStream stream = ImageIoReaders.stream(png)) {
            reader.setInput(stream, true, true);
            return reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(source, format, "invalid or truncated image data: " + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    /** Describes an ImageIO failure with its innermost cause, more precise than "Error reading PNG image data". */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e) {
            message += " (" + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()) + ")";
        }
        return message;
    }
}
