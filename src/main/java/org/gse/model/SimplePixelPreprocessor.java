package org.gse.model;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.Frame;

/**
 * A stand-in for the exact {@code CLIPImageProcessor} port: flattens alpha with an {@link AlphaPolicy}, resizes
 * the shorter side to {@code size} with Java2D bicubic interpolation, centre-crops to {@code size x size}, scales
 * to [0, 1] and normalises with CLIP's mean and standard deviation. Close to, but not bit-exact with, PIL's
 * bicubic resampling; replace it with {@code ClipImageProcessor} where exactness matters.
 */
public final class SimplePixelPreprocessor implements PixelPreprocessor {

    /** CLIP's per-channel mean (RGB). */
    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** CLIP's per-channel standard deviation (RGB). */
    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final int size;
    private final AlphaPolicy alpha;

    public SimplePixelPreprocessor(int size, AlphaPolicy alpha) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + size);
        }
        this.size = size;
        this.alpha = alpha;
    }

    @Override
    public float[] pixels(Frame frame) {
        int w = frame.width();
        int h = frame.height();
        int[] argb = frame.argb();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] flat = new int[argb.length];
        for (int i = 0; i < argb.length; i++) {
            flat[i] = alpha.toRgb(argb[i]);
        }
        rgb.setRGB(0, 0, w, h, flat, 0, w);

        double scale = (double) size / Math.min(w, h);
        int rw = Math.max(size, (int) Math.round(w * scale));
        int rh = Math.max(size, (int) Math.round(h * scale));
        BufferedImage resized = new BufferedImage(rw, rh, BufferedImage.TYPE_INT_RGB);
        var g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(rgb, 0, 0, rw, rh, null);
        g.dispose();

        int left = (rw - size) / 2;
        int top = (rh - size) / 2;
        int[] crop = resized.getRGB(left, top, size, size, null, 0, size);
        float[] out = new float[3 * size * size];
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            int p = crop[i];
            out[i] = (((p >> 16) & 0xFF) / 255f - CLIP_MEAN[0]) / CLIP_STD[0];
            out[plane + i] = (((p >> 8) & 0xFF) / 255f - CLIP_MEAN[1]) / CLIP_STD[1];
            out[2 * plane + i] = ((p & 0xFF) / 255f - CLIP_MEAN[2]) / CLIP_STD[2];
        }
        return out;
    }

    @Override
    public String id() {
        return "simple-bicubic-" + size + "-alpha-" + alpha.id();
    }
}
