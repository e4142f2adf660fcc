package org.gse.train;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.DecodeException;
import org.gse.decode.DecodeLimits;
import org.gse.decode.Frame;
import org.gse.decode.FramePolicy;
import org.gse.decode.Sticker;
import org.gse.decode.StickerDecoder;
import org.gse.model.ClipImageProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoded stickers of a training run and the two ways they become pixel values: the evaluation path (the
 * middle frame over white through {@link ClipImageProcessor}, as {@code gse embed} sees it) and the augmented
 * training path.
 *
 * <p>Each sticker keeps up to four frames ({@code even:4}), shrunk so the longer side is at most 1.25 times the
 * model's input size: enough for a random crop at the model's resolution, and a bounded memory cost per sticker.
 *
 * <p>Augmentation order: frame, background, random resized crop (area share in {@code [crop_scale_min, 1]},
 * aspect ratio in {@code [3/4, 4/3]}, as torchvision's {@code RandomResizedCrop}), bilinear resize to the input
 * size, optional horizontal flip, colour jitter (brightness, contrast, saturation, each a factor in
 * {@code [1 - j, 1 + j]}), then the processor's rescale and normalisation. Every random choice comes from the
 * {@link SplittableRandom} passed in, so a run is reproducible from its seed.
 */
final class StickerImages {

    private static final Logger LOG = LoggerFactory.getLogger(StickerImages.class);
    private static final FramePolicy KEPT_FRAMES = new FramePolicy.EvenlySpaced(4);

    private final Map<String, List<Frame>> frames = new HashMap<>();
    private final ClipImageProcessor processor;
    private final int size;
    private final float[] mean = new float[3];
    private final float[] std = new float[3];

    StickerImages(ClipImageProcessor processor, int size) {
        this.processor = processor;
        this.size = size;
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) processor.config().imageMean()[c];
            std[c] = (float) processor.config().imageStd()[c];
        }
    }

    /** Decodes every sticker in {@code ids} from {@code folder}; fails naming the first file that is missing. */
    void load(Path folder, Collection<String> ids) {
        StickerDecoder decoder = StickerDecoder.withAllFormats(DecodeLimits.DEFAULT);
        int limit = (int) Math.ceil(size * 1.25);
        int loaded = 0;
        long start = System.nanoTime();
        for (String id : ids) {
            if (frames.containsKey(id)) {
                continue;
            }
            Path file = folder.resolve(id);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("sticker " + id + " is listed in the data but " + file
                        + " does not exist; check the stage's images folder");
            }
            List<Frame> kept = new ArrayList<>();
            for (Frame frame : decode(decoder, file)) {
                kept.add(shrink(frame, limit));
            }
            frames.put(id, List.copyOf(kept));
            loaded++;
        }
        if (loaded > 0) {
            LOG.info("Decoded {} stickers from {} in {} ms", loaded, folder, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * Decodes one sticker and keeps {@code even:4} of its frames. Still images that the sticker decoder has no
     * decoder for are read with ImageIO.
     */
    private static List<Frame> decode(StickerDecoder decoder, Path file) {
        try {
            Sticker sticker = decoder.decode(file);
            return KEPT_FRAMES.select(sticker);
        } catch (DecodeException e) {
            // NOTE: builds without the per-format decoders (the decode package registers them as they land) fall
            // back to ImageIO, which reads the first frame of PNG, GIF and JPEG files only.
            try {
                BufferedImage image = ImageIO.read(file.toFile());
                if (image != null) {
                    return List.of(Frame.of(image, 0));
                }
            } catch (IOException io) {
                e.addSuppressed(io);
            }
            LOG.error("Cannot decode {}: {}", file, e.getMessage());
            throw new IllegalArgumentException("cannot decode sticker " + file + ": " + e.getMessage()
                    + "; remove it from the data file or replace the image", e);
        }
    }

    boolean contains(String id) {
        return frames.containsKey(id);
    }

    /** Returns the evaluation pixel values {@code (3, S, S)}: the middle kept frame, over white. */
    float[] evaluationPixels(String id) {
        List<Frame> kept = require(id);
        return processor.preprocess(kept.get(kept.size() / 2));
    }

    /** Returns augmented pixel values {@code (3, S, S)}; see the class comment for the steps. */
    float[] augmentedPixels(String id, TrainConfig.Augment augment, SplittableRandom random) {
        List<Frame> kept = require(id);

        // 1. Frame and background
        Frame frame = augment.randomFrame() && kept.size() > 1 ? kept.get(random.nextInt(kept.size()))
                : kept.get(kept.size() / 2);
        int background = augment.randomBackground() ? random.nextInt(0x1000000) : 0xFFFFFF;
        BufferedImage source = frame.toImage();

        // 2. Random resized crop
        int w = frame.width();
        int h = frame.height();
        double area = w * (double) h * (augment.cropScaleMin() + (1 - augment.cropScaleMin()) * random.nextDouble());
        double logRatio = Math.log(3.0 / 4) + (Math.log(4.0 / 3) - Math.log(3.0 / 4)) * random.nextDouble();
        int cropW = (int) Math.min(w, Math.max(1, Math.round(Math.sqrt(area * Math.exp(logRatio)))));
        int cropH = (int) Math.min(h, Math.max(1, Math.round(Math.sqrt(area / Math.exp(logRatio)))));
        int x0 = random.nextInt(w - cropW + 1);
        int y0 = random.nextInt(h - cropH + 1);

        // 3. Composite over the background and resize to S x S
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(new Color(background));
            g.fillRect(0, 0, size, size);
            g.setComposite(AlphaComposite.SrcOver);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, size, size, x0, y0, x0 + cropW, y0 + cropH, null);
        } finally {
            g.dispose();
        }
        boolean flip = augment.horizontalFlip() && random.nextBoolean();

        // 4. Colour jitter, rescale and normalise, channels first
        double j = augment.colorJitter();
        float brightness = (float) (1 + j * (2 * random.nextDouble() - 1));
        float contrast = (float) (1 + j * (2 * random.nextDouble() - 1));
        float saturation = (float) (1 + j * (2 * random.nextDouble() - 1));
        int[] rgb = out.getRGB(0, 0, size, size, null, 0, size);
        float[] r = new float[rgb.length];
        float[] gr = new float[rgb.length];
        float[] b = new float[rgb.length];
        double meanGray = 0;
        for (int i = 0; i < rgb.length; i++) {
            r[i] = ((rgb[i] >> 16) & 0xFF) / 255f * brightness;
            gr[i] = ((rgb[i] >> 8) & 0xFF) / 255f * brightness;
            b[i] = (rgb[i] & 0xFF) / 255f * brightness;
            meanGray += 0.299 * r[i] + 0.587 * gr[i] + 0.114 * b[i];
        }
        float gray0 = (float) (meanGray / rgb.length);
        float[] pixels = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + (flip ? size - 1 - x : x);
                float rr = (r[i] - gray0) * contrast + gray0;
                float gg = (gr[i] - gray0) * contrast + gray0;
                float bb = (b[i] - gray0) * contrast + gray0;
                float gray = 0.299f * rr + 0.587f * gg + 0.114f * bb;
                rr = clamp(gray + (rr - gray) * saturation);
                gg = clamp(gray + (gg - gray) * saturation);
                bb = clamp(gray + (bb - gray) * saturation);
                int o = y * size + x;
                pixels[o] = (rr - mean[0]) / std[0];
                pixels[plane + o] = (gg - mean[1]) / std[1];
                pixels[2 * plane + o] = (bb - mean[2]) / std[2];
            }
        }
        return pixels;
    }

    private static float clamp(float v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }

    private List<Frame> require(String id) {
        List<Frame> kept = frames.get(id);
        if (kept == null) {
            throw new IllegalStateException("sticker " + id + " was not loaded");
        }
        return kept;
    }

    /** Shrinks a frame so its longer side is at most {@code limit}, keeping alpha. */
    private static Frame shrink(Frame frame, int limit) {
        int longer = Math.max(frame.width(), frame.height());
        if (longer <= limit) {
            return frame;
        }
        int w = Math.max(1, Math.round(frame.width() * (float) limit / longer));
        int h = Math.max(1, Math.round(frame.height() * (float) limit / longer));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(frame.toImage(), 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return Frame.of(out, frame.durationMs());
    }

    /** Returns the alpha policy of the evaluation path. */
    AlphaPolicy evaluationAlpha() {
        return processor.alphaPolicy();
    }
}
