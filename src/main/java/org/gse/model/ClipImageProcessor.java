package org.gse.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.Frame;

/**
 * Turns frames into CLIP pixel values exactly as Hugging Face's {@code CLIPImageProcessor} (the "slow", PIL based
 * one in {@code image_processing_clip.py}) does, so an encoder fed by it receives the numbers the Python model received.
 *
 * <p>Steps, each switched by its flag in {@link ClipImageProcessorConfig}, in Hugging Face's fixed order:
 *
 * <ol>
 *   <li>Flatten alpha with the {@link AlphaPolicy} ({@code drop} is what {@code do_convert_rgb}'s
 *       {@code convert("RGB")} does; the default {@code white} equals PIL's {@code alpha_composite} over white).
 *   <li>Resize ({@code do_resize}): output size from {@link ClipImageProcessorConfig.Size#outputSize}, pixels by
 *       {@link PillowResize}, identical to PIL's {@code Image.resize} on the uint8 image.
 *   <li>Center crop ({@code do_center_crop}): offsets {@code floor((h - crop_h) / 2)} and
 *       {@code floor((w - crop_w) / 2)}; where the window leaves the image the pixels are 0, as Hugging Face pads.
 *   <li>Rescale ({@code do_rescale}): {@code (float) (sample * rescale_factor)}, the product in double precision
 *       as numpy's float64 upcast does.
 *   <li>Normalise ({@code do_normalize}): {@code (x - mean[c]) / std[c]} in float32, mean and std first rounded
 *       to float32 as numpy does.
 *   <li>Channels first: the result is {@code (3, H, W)} in row-major order.
 * </ol>
 *
 * <p>Immutable and safe to share between threads.
 */
public final class ClipImageProcessor {

    private final ClipImageProcessorConfig config;
    private final AlphaPolicy alphaPolicy;
    private final PillowResize.Filter filter;
    /** {@code lookup[c][v]}: the final value of sample {@code v} (0..255) in channel {@code c}. */
    private final float[][] lookup;

    public ClipImageProcessor(ClipImageProcessorConfig config, AlphaPolicy alphaPolicy) {
        this.config = Objects.requireNonNull(config, "config");
        this.alphaPolicy = Objects.requireNonNull(alphaPolicy, "alphaPolicy");
        this.filter = config.filter();
        this.lookup = new float[3][256];
        for (int c = 0; c < 3; c++) {
            float mean = (float) config.imageMean()[c];
            float std = (float) config.imageStd()[c];
            for (int v = 0; v < 256; v++) {
                float value = config.doRescale() ? (float) (v * config.rescaleFactor()) : v;
                if (config.doNormalize()) {
                    value = (value - mean) / std;
                }
                lookup[c][v] = value;
            }
        }
    }

    /** Creates a processor with the defaults (224 x 224, OpenAI CLIP statistics). */
    public ClipImageProcessor(AlphaPolicy alphaPolicy) {
        this(ClipImageProcessorConfig.DEFAULT, alphaPolicy);
    }

    /**
     * Reads {@code preprocessor_config.json} from a model folder (the defaults when it has none) or from the
     * given file.
     */
    public static ClipImageProcessor load(Path modelFolderOrFile, AlphaPolicy alphaPolicy) throws IOException {
        return new ClipImageProcessor(ClipImageProcessorConfig.load(modelFolderOrFile), alphaPolicy);
    }

    public ClipImageProcessorConfig config() {
        return config;
    }

    public AlphaPolicy alphaPolicy() {
        return alphaPolicy;
    }

    /** Returns the output {@code {height, width}} for an input of {@code width x height} pixels. */
    public int[] outputSize(int width, int height) {
        if (config.doCenterCrop()) {
            return new int[] {config.cropSize().height(), config.cropSize().width()};
        }
        if (config.doResize()) {
            return config.size().outputSize(height, width);
        }
        return new int[] {height, width};
    }

    /**
     * Returns the output {@code {height, width}} when it does not depend on the input (center crop on, or a
     * resize to a fixed height and width), or null; CLIP models always have a fixed size.
     */
    public int[] fixedOutputSize() {
        if (config.doCenterCrop()) {
            return new int[] {config.cropSize().height(), config.cropSize().width()};
        }
        if (config.doResize() && !config.size().isShortestEdge()) {
            return new int[] {config.size().height(), config.size().width()};
        }
        return null;
    }

    /** Returns the pixel values of one frame, {@code (3, H, W)} flattened. */
    public float[] preprocess(Frame frame) {
        RgbImage image = prepare(frame);
        float[] out = new float[3 * image.width() * image.height()];
        toPixelValues(image, out, 0);
        return out;
    }

    /**
     * Returns the pixel values of a batch, {@code (N, 3, H, W)} flattened; every frame must give the same output
     * size (always true with center cropping).
     */
    public float[] preprocessBatch(List<Frame> frames) {
        return pixelValues(frames).data();
    }

    /** Returns the pixel values of a batch as a tensor of shape {@code (N, 3, H, W)}. */
    public Tensor pixelValues(List<Frame> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("frames is empty; pass at least one frame");
        }
        int[] size = outputSize(frames.getFirst().width(), frames.getFirst().height());
        int plane = 3 * size[0] * size[1];
        float[] out = new float[Math.multiplyExact(frames.size(), plane)];
        for (int i = 0; i < frames.size(); i++) {
            RgbImage image = prepare(frames.get(i));
            if (image.height() != size[0] || image.width() != size[1]) {
                throw new IllegalArgumentException("frame " + i + " gives " + image.height() + "x" + image.width()
                        + " pixels but frame 0 gives " + size[0] + "x" + size[1]
                        + "; a batch needs one size (enable do_center_crop)");
            }
            toPixelValues(image, out, i * plane);
        }
        return new Tensor(new long[] {frames.size(), 3, size[0], size[1]}, out);
    }

    /** Steps 1 to 3: alpha, resize, crop; the uint8 image that is then scaled and normalised. */
    public RgbImage prepare(Frame frame) {
        RgbImage image = RgbImage.of(frame, alphaPolicy);
        if (config.doResize()) {
            image = resize(image);
        }
        if (config.doCenterCrop()) {
            image = centerCrop(image);
        }
        return image;
    }

    /** Step 2: the resize alone. */
    public RgbImage resize(RgbImage image) {
        int[] size = config.size().outputSize(image.height(), image.width());
        return PillowResize.resize(image, size[1], size[0], filter);
    }

    /** Step 3: the center crop alone, padding with zeros where the crop is larger than the image. */
    public RgbImage centerCrop(RgbImage image) {
        int cropHeight = config.cropSize().height();
        int cropWidth = config.cropSize().width();
        int top = Math.floorDiv(image.height() - cropHeight, 2);
        int left = Math.floorDiv(image.width() - cropWidth, 2);
        if (top == 0 && left == 0 && cropHeight == image.height() && cropWidth == image.width()) {
            return image;
        }
        byte[] out = new byte[cropHeight * cropWidth * 3];
        int x0 = Math.max(0, -left);
        int x1 = Math.min(cropWidth, image.width() - left);
        for (int y = 0; y < cropHeight; y++) {
            int sourceY = y + top;
            if (sourceY < 0 || sourceY >= image.height() || x1 <= x0) {
                continue;
            }
            System.arraycopy(image.rgb(), (sourceY * image.width() + x0 + left) * 3, out, (y * cropWidth + x0) * 3,
                    (x1 - x0) * 3);
        }
        return new RgbImage(cropWidth, cropHeight, out);
    }

    /** Steps 4 to 6: writes {@code (3, H, W)} values of {@code image} into {@code out} from {@code offset}. */
    public void toPixelValues(RgbImage image, float[] out, int offset) {
        int plane = image.width() * image.height();
        byte[] rgb = image.rgb();
        float[] red = lookup[0];
        float[] green = lookup[1];
        float[] blue = lookup[2];
        for (int i = 0; i < plane; i++) {
            out[offset + i] = red[rgb[i * 3] & 0xFF];
            out[offset + plane + i] = green[rgb[i * 3 + 1] & 0xFF];
            out[offset + 2 * plane + i] = blue[rgb[i * 3 + 2] & 0xFF];
        }
    }
}
