package org.gse.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.Frame;
import org.gse.decode.FramePolicy;
import org.gse.model.Embedding;
import org.gse.model.Encoder;

/**
 * A deterministic test encoder: a frame's embedding is its RGB averaged over a {@code GRID x GRID} grid of cells
 * (composited over white), centred by subtracting 0.5 and normalised, so 3 * 4 * 4 = 48 dimensions. Two stickers
 * with similar colour layouts are close; a solid red and a solid blue sticker are far apart.
 *
 * <p>The optional text tower maps a colour name ({@code red}, {@code green}, {@code blue}, {@code white},
 * {@code black}, {@code yellow}) to the embedding of a solid frame of that colour, so a text search for "red"
 * finds red stickers.
 */
public final class PixelEncoder implements Encoder {

    static final int GRID = 4;

    private static final Map<String, Integer> COLOURS = Map.of("red", 0xFF0000, "green", 0x00FF00, "blue",
            0x0000FF, "white", 0xFFFFFF, "black", 0x000000, "yellow", 0xFFFF00);

    private final String modelId;
    private final boolean textTower;

    private PixelEncoder(String modelId, boolean textTower) {
        this.modelId = modelId;
        this.textTower = textTower;
    }

    /** Returns the encoder with a colour-name text tower. */
    public static PixelEncoder withText() {
        return new PixelEncoder("test-pixels-4x4", true);
    }

    /** Returns the vision-only encoder. */
    public static PixelEncoder visionOnly() {
        return new PixelEncoder("test-pixels-4x4-vision", false);
    }

    /** Returns an encoder with another id, to test model mismatches. */
    public static PixelEncoder withId(String modelId) {
        return new PixelEncoder(modelId, true);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int embeddingSize() {
        return 3 * GRID * GRID;
    }

    @Override
    public FramePolicy framePolicy() {
        return FramePolicy.FIRST;
    }

    @Override
    public List<Embedding> embedFrames(List<Frame> frames) {
        List<Embedding> embeddings = new ArrayList<>(frames.size());
        for (Frame frame : frames) {
            embeddings.add(embedFrame(frame));
        }
        return embeddings;
    }

    @Override
    public boolean hasTextTower() {
        return textTower;
    }

    @Override
    public List<Embedding> embedText(List<String> texts) {
        if (!textTower) {
            return Encoder.super.embedText(texts);
        }
        List<Embedding> embeddings = new ArrayList<>(texts.size());
        for (String text : texts) {
            Integer rgb = COLOURS.get(text.trim().toLowerCase(Locale.ROOT));
            if (rgb == null) {
                throw new IllegalArgumentException("the test text tower knows only " + COLOURS.keySet()
                        + ", got '" + text + "'");
            }
            int[] pixels = new int[GRID * GRID];
            java.util.Arrays.fill(pixels, 0xFF000000 | rgb);
            embeddings.add(embedFrame(new Frame(GRID, GRID, pixels, 0)));
        }
        return embeddings;
    }

    @Override
    public void close() {}

    private static Embedding embedFrame(Frame frame) {
        double[] sums = new double[3 * GRID * GRID];
        int[] counts = new int[GRID * GRID];
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                int cell = (y * GRID / frame.height()) * GRID + (x * GRID / frame.width());
                int rgb = AlphaPolicy.WHITE.toRgb(frame.argb()[y * frame.width() + x]);
                sums[3 * cell] += ((rgb >> 16) & 0xFF) / 255.0;
                sums[3 * cell + 1] += ((rgb >> 8) & 0xFF) / 255.0;
                sums[3 * cell + 2] += (rgb & 0xFF) / 255.0;
                counts[cell]++;
            }
        }
        float[] values = new float[sums.length];
        for (int i = 0; i < values.length; i++) {
            int count = counts[i / 3];
            values[i] = (float) ((count == 0 ? 0.5 : sums[i] / count) - 0.5);
        }
        // A mid-grey frame centres to all zeros; nudge it so it still has a direction.
        values[0] += 1e-3f;
        return Embedding.normalise(values);
    }
}
