package org.gse.data.emoji;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.view.FloatSize;
import com.github.weisj.jsvg.view.ViewBox;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.gse.decode.DecodeException;
import org.gse.decode.StickerDecoder;

/**
 * Turns one emoji image into a square PNG of a fixed size: alpha kept, aspect ratio preserved, the picture
 * centred on a transparent canvas.
 *
 * <p>Raster art (PNG, WebP) is decoded with {@link StickerDecoder} and its first frame scaled with bilinear
 * interpolation; a reduction by more than half runs as repeated halvings, so thin lines do not alias. SVG art is
 * rendered straight at the output size with JSVG, which reads no external resources under its default loader
 * context.
 */
final class ImageNormalizer {

    private final StickerDecoder decoder;
    private final int size;

    ImageNormalizer(StickerDecoder decoder, int size) {
        if (size < 8 || size > 1024) {
            throw new IllegalArgumentException("image size must be between 8 and 1024 px, got " + size);
        }
        this.decoder = decoder;
        this.size = size;
    }

    /** Returns the PNG bytes of the normalised image; {@code source} names the input in errors. */
    byte[] normalize(byte[] bytes, String extension, String source) throws IOException {
        BufferedImage image = extension.equals(".svg") ? renderSvg(bytes, source) : scaleRaster(bytes, source);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer is installed in this JDK");
        }
        return out.toByteArray();
    }

    private BufferedImage scaleRaster(byte[] bytes, String source) throws IOException {
        BufferedImage image;
        try {
            image = decoder.decode(bytes, Path.of(source)).frames().getFirst().toImage();
        } catch (DecodeException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        double scale = Math.min((double) size / image.getWidth(), (double) size / image.getHeight());
        int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        while (image.getWidth() / 2 >= width && image.getHeight() / 2 >= height) {
            image = resize(image, image.getWidth() / 2, image.getHeight() / 2);
        }
        if (image.getWidth() != width || image.getHeight() != height) {
            image = resize(image, width, height);
        }
        BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.drawImage(image, (size - width) / 2, (size - height) / 2, null);
        } finally {
            g.dispose();
        }
        return canvas;
    }

    private static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return scaled;
    }

    private BufferedImage renderSvg(byte[] bytes, String source) throws IOException {
        SVGDocument document;
        try {
            document = new SVGLoader().load(new ByteArrayInputStream(bytes), null, LoaderContext.createDefault());
        } catch (RuntimeException e) {
            throw new IOException(source + ": invalid SVG: " + e.getMessage(), e);
        }
        if (document == null) {
            throw new IOException(source + ": invalid SVG; JSVG could not parse it");
        }
        FloatSize natural = document.size();
        if (!(natural.width > 0 && natural.height > 0)) {
            throw new IOException(source + ": the SVG has no positive width and height");
        }
        double scale = Math.min(size / natural.width, size / natural.height);
        float width = (float) (natural.width * scale);
        float height = (float) (natural.height * scale);
        BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            document.render(null, g, new ViewBox((size - width) / 2, (size - height) / 2, width, height));
        } catch (RuntimeException e) {
            throw new IOException(source + ": rendering the SVG failed: " + e.getMessage(), e);
        } finally {
            g.dispose();
        }
        return canvas;
    }
}
