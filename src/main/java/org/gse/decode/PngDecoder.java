package org.gse.decode;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a static PNG: every bit depth from 1 to 16, grey, RGB, palette, with and without alpha, and
 * {@code tRNS} transparency for grey, RGB and palette images. 16-bit samples keep their high byte.
 *
 * <p>The chunks are walked here and the image is decoded by {@link PngImage}; APNG control chunks ({@code fcTL},
 * {@code fdAT}) in a file without {@code acTL} are ignored, so such a file shows its default image as browsers do.
 */
public final class PngDecoder implements FormatDecoder {

    @Override
    public Sticker decode(byte[] bytes, Path source, DecodeLimits limits, long deadline) throws DecodeException {
        return decode(bytes, source, limits, deadline, StickerFormat.PNG, new ArrayList<>());
    }

    /**
     * Decodes the default image of a PNG or APNG file as a still sticker of the given format.
     *
     * @param warnings warnings found so far by the caller, to which this decode adds
     */
    static Sticker decode(byte[] bytes, Path source, DecodeLimits limits, long deadline, StickerFormat format,
            List<String> warnings) throws DecodeException {
        DecodeBudget budget = new DecodeBudget(source, format, limits, deadline);
        PngChunks.Parsed parsed = parse(bytes, source, format);
        PngImage image = PngImage.fromHeader(bytes, parsed.chunks().getFirst(), budget, source, format);
        budget.addFrame(image.width(), image.height());

        byte[] plte = null;
        byte[] trns = null;
        ByteArrayOutputStream imageData = new ByteArrayOutputStream();
        boolean idatSeen = false;
        boolean idatEnded = false;
        for (PngChunks.Chunk chunk : parsed.chunks()) {
            switch (chunk.type()) {
                case "PLTE" -> {
                    if (!idatSeen && plte == null) {
                        plte = chunk.data(bytes);
                    }
                }
                case "tRNS" -> {
                    if (!idatSeen && trns == null) {
                        trns = chunk.data(bytes);
                    }
                }
                case "IDAT" -> {
                    if (idatEnded) {
                        warnings.add("IDAT chunks are not consecutive; the later ones are ignored");
                    } else {
                        idatSeen = true;
                        imageData.write(bytes, chunk.dataOffset(), chunk.length());
                    }
                }
                default -> idatEnded |= idatSeen;
            }
        }
        if (!idatSeen) {
            throw new DecodeException(source, format, parsed.truncated()
                    ? "truncated before any image data: " + parsed.truncation() : "no IDAT chunk (no image data)");
        }

        warnings.addAll(parsed.structureWarnings());
        if (parsed.truncated()) {
            warnings.add("truncated: " + parsed.truncation());
        }
        byte[] transparency = image.checkTransparency(trns, plte, warnings);
        int[] argb = image.decodeArgb(imageData.toByteArray(), plte, transparency, source, format);
        Frame frame = new Frame(image.width(), image.height(), argb, 0);
        return new Sticker(source, format, image.width(), image.height(), List.of(frame), frame.hasTransparency(),
                warnings);
    }

    /** Parses the chunk list and checks that it starts with IHDR. */
    static PngChunks.Parsed parse(byte[] bytes, Path source, StickerFormat format) throws DecodeException {
        if (!PngChunks.hasSignature(bytes)) {
            throw new DecodeException(source, format, "missing PNG signature");
        }
        PngChunks.Parsed parsed = PngChunks.parse(bytes);
        if (parsed.chunks().isEmpty() || !parsed.chunks().getFirst().type().equals("IHDR")) {
            throw new DecodeException(source, format, parsed.chunks().isEmpty() && parsed.truncated()
                    ? "truncated before the IHDR chunk: " + parsed.truncation()
                    : "the first chunk is not IHDR");
        }
        return parsed;
    }
}
