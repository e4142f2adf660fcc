package org.gse.decode;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes GIF87a and GIF89a files, still or animated, into composited frames.
 *
 * <p>{@link GifStructure} walks the blocks first, so the logical screen and every image descriptor are checked
 * against the {@link DecodeBudget} before any pixel buffer exists: a 44-byte file declaring 65535x65535 fails with a
 * {@link DecodeException}, not an {@link OutOfMemoryError}. The JDK's ImageIO GIF reader then decodes each image
 * (LZW and interlace) into its colour indices. Position, disposal, transparent index and delay come from the same
 * walk, which reads the fields that the reader's {@code javax_imageio_gif_image_1.0} metadata would report.
 * Compositing is done here, as browsers do it:
 * <ul>
 *   <li>The canvas is the logical screen, initially transparent; the background colour index is ignored. A logical
 *       screen of width or height 0 takes the extent of the first image.
 *   <li>Pixels with the transparent index leave the canvas unchanged; images reaching outside the screen are clipped.
 *   <li>An image's disposal applies after it was shown: background clears its rectangle to transparent, previous
 *       restores what the rectangle held before the image was drawn (transparent for the first image). Disposal 4
 *       is read as previous, as Chromium and Firefox do; 0 and 5 to 7 as none.
 *   <li>A delay under 2/100 s plays as 10/100 s; a GIF with one image is a still of duration 0.
 *   <li>A damaged or truncated file keeps the frames before the damage and adds a warning, unless none decoded.
 * </ul>
 */
public final class GifDecoder implements FormatDecoder {

    private static final Logger log = LoggerFactory.getLogger(GifDecoder.class);

    /** Delays below this many hundredths of a second play as {@link #SHORT_DELAY_REPLACEMENT_MS}. */
    static final int SHORT_DELAY_MIN_CENTISECONDS = 2;
    static final int SHORT_DELAY_REPLACEMENT_MS = 100;

    @Override
    public Sticker decode(byte[] bytes, Path source, DecodeLimits limits, long deadline) throws DecodeException {
        // 1. Walk the blocks and check the screen, each image size and the frame count against the budget.
        // 2. Decode each complete image with ImageIO and composite it; stop at the first damaged image.
        // 3. Report damage as a warning when at least one frame decoded.
        StickerFormat format = StickerFormat.GIF;
        DecodeBudget budget = new DecodeBudget(source, format, limits, deadline);
        GifStructure structure;
        try {
            structure = GifStructure.parse(bytes);
        } catch (GifStructure.InvalidHeader e) {
            throw new DecodeException(source, format, e.getMessage(), e);
        }
        List<GifStructure.Image> images = structure.images();
        if (images.isEmpty()) {
            throw new DecodeException(source, format, structure.damage() == null ? "no image in the file"
                    : "no complete image: " + structure.damage());
        }
        int width = structure.screenWidth();
        int height = structure.screenHeight();
        if (width == 0 || height == 0) {
            width = images.getFirst().x() + images.getFirst().width();
            height = images.getFirst().y() + images.getFirst().height();
        }
        budget.checkCanvas(width, height);
        for (GifStructure.Image image : images) {
            if (image.width() > 0 && image.height() > 0) {
                budget.checkCanvas(image.width(), image.height());
            }
        }
        budget.checkDeclaredFrames(images.size());

        List<String> warnings = new ArrayList<>();
        List<Frame> frames = composite(bytes, structure, width, height, budget, source, warnings);
        if (structure.damage() != null) {
            warnings.add("damaged: " + structure.damage() + "; kept " + frames.size() + " frame(s)");
        }
        boolean hasAlpha = false;
        for (Frame frame : frames) {
            hasAlpha |= frame.hasTransparency();
        }
        return new Sticker(source, format, width, height, frames, hasAlpha, warnings);
    }

    private static List<Frame> composite(byte[] bytes, GifStructure structure, int width, int height,
            DecodeBudget budget, Path source, List<String> warnings) throws DecodeException {
        StickerFormat format = StickerFormat.GIF;
        List<GifStructure.Image> images = structure.images();
        RasterCanvas canvas = null;
        List<Frame> frames = new ArrayList<>(images.size());
        ImageReader reader = ImageIoReaders.gif();
        if (reader == null) {
            throw new DecodeException(source, format, "no ImageIO GIF reader is available in this Java runtime");
        }
        try (ImageInputStream stream = ImageIoReaders.stream(bytes)) {
            reader.setInput(stream, false, true);
            for (int i = 0; i < images.size(); i++) {
                GifStructure.Image image = images.get(i);
                budget.addFrame(width, height);
                if (canvas == null) {
                    // Allocated only after the budget admitted the first frame.
                    canvas = new RasterCanvas(width, height);
                }

                int[] pixels = null;
                if (image.width() > 0 && image.height() > 0) {
                    try {
                        pixels = readImage(reader, i, image);
                    } catch (IOException | RuntimeException e) {
                        String reason = "image " + i + " cannot be decoded: " + PngImage.describe(e);
                        if (frames.isEmpty()) {
                            throw new DecodeException(source, format, reason, e);
                        }
                        log.debug("{}: {}", source, reason);
                        warnings.add(reason + "; kept " + frames.size() + " frame(s)");
                        break;
                    }
                }

                int disposal = image.disposal() == 4 ? GifStructure.DISPOSE_PREVIOUS : image.disposal();
                int[] saved = disposal == GifStructure.DISPOSE_PREVIOUS
                        ? canvas.save(image.x(), image.y(), image.width(), image.height()) : null;
                if (pixels != null) {
                    canvas.drawOver(pixels, image.width(), image.height(), image.x(), image.y());
                }
                frames.add(new Frame(width, height, canvas.snapshot(), images.size() == 1 ? 0 : durationMs(image)));
                if (disposal == GifStructure.DISPOSE_BACKGROUND) {
                    canvas.clear(image.x(), image.y(), image.width(), image.height());
                } else if (disposal == GifStructure.DISPOSE_PREVIOUS) {
                    canvas.restore(image.x(), image.y(), image.width(), image.height(), saved);
                }
            }
        } catch (IOException e) {
            throw new DecodeException(source, format, "cannot read the GIF stream: " + PngImage.describe(e), e);
        } finally {
            reader.dispose();
        }
        return frames;
    }

    /** Reads one image's colour indices with ImageIO and maps them to ARGB, the transparent index to 0. */
    private static int[] readImage(ImageReader reader, int index, GifStructure.Image image) throws IOException {
        BufferedImage decoded = reader.read(index);
        if (decoded.getWidth() != image.width() || decoded.getHeight() != image.height()) {
            throw new IOException("the GIF reader returned " + decoded.getWidth() + "x" + decoded.getHeight()
                    + " for a " + image.width() + "x" + image.height() + " image descriptor");
        }
        int w = image.width();
        int h = image.height();
        if (!(decoded.getColorModel() instanceof IndexColorModel colours)) {
            return decoded.getRGB(0, 0, w, h, null, 0, w);
        }
        int[] table = new int[256];
        for (int c = 0; c < colours.getMapSize() && c < 256; c++) {
            table[c] = 0xFF000000 | (colours.getRGB(c) & 0xFFFFFF);
        }
        for (int c = colours.getMapSize(); c < 256; c++) {
            table[c] = 0xFF000000;
        }
        if (image.transparentIndex() >= 0) {
            table[image.transparentIndex()] = 0;
        }
        Raster raster = decoded.getRaster();
        int[] indices = raster.getSamples(0, 0, w, h, 0, (int[]) null);
        for (int p = 0; p < indices.length; p++) {
            indices[p] = table[indices[p] & 0xFF];
        }
        return indices;
    }

    private static int durationMs(GifStructure.Image image) {
        return image.delayCentiseconds() < SHORT_DELAY_MIN_CENTISECONDS ? SHORT_DELAY_REPLACEMENT_MS
                : image.delayCentiseconds() * 10;
    }
}
