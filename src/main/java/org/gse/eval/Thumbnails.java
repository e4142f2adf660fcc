package org.gse.eval;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.Frame;
import org.gse.decode.Sticker;

/** Small PNG previews of stickers for reports. */
public final class Thumbnails {

    private Thumbnails() {}

    /** Returns the first frame composited over white, scaled to fit {@code size x size}, as PNG bytes. */
    public static byte[] png(Sticker sticker, int size) {
        Frame frame = sticker.frames().getFirst();
        BufferedImage rgb = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
        int[] pixels = new int[frame.argb().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = AlphaPolicy.WHITE.toRgb(frame.argb()[i]);
        }
        rgb.setRGB(0, 0, frame.width(), frame.height(), pixels, 0, frame.width());
        double scale = Math.min(1.0, Math.min((double) size / frame.width(), (double) size / frame.height()));
        int w = Math.max(1, (int) Math.round(frame.width() * scale));
        int h = Math.max(1, (int) Math.round(frame.height() * scale));
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(rgb.getScaledInstance(w, h, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(small, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
