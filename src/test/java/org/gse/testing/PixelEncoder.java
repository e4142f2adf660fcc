package org.gse.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.Frame;
import org.gse.decode.FramePolicy;
import org.gse.model.Embedding;
import org.gse.model.Encoder;

/**
 * A deterministic test {@link Encoder}: a frame's embedding is its RGB averaged over a {@code grid x grid} grid of
 * cells (composited over white), centred by subtracting 0.5 and normalised. Two stickers with similar colour
 * layouts are close; a solid red and a solid blue sticker are far apart. Counts the frames it embeds, so tests can
 * check that each distinct sticker is embedded once.
 *
 * <p>Two variants exist because two test suites were written against them. {@code new PixelEncoder()} uses an 8x8
 * grid plus a constant component of 0.1, so 193 dimensions and never a zero vector. The factories
 * {@link #withText()}, {@link #visionOnly()} and {@link #withId(String)} use a 4x4 grid, so 48 dimensions, and
 * nudge the first component by 1e-3 so that a mid-grey frame still has a direction.
 *
 * <p>The optional text tower maps a colour name ({@code red}, {@code green}, {@code blue}, {@code white},
 * {@code black}, {@code yellow}) to the embedding of a solid frame of that colour, so a text search for "red"
 * finds red stickers.
 */
public final class PixelEncoder implements Encoder {

    static final int GRID = 4;
    private static final int LEGACY_GRID = 8;

    private static final Map<String, Integer> COLOURS = Map.of("red", 0xFF0000, "green", 0x00FF00, "blue",
            0x0000FF, "white", 0xFFFFFF, "black", 0x000000, "yellow", 0xFFFF00);

    private final String modelId;
    private final boolean textTower;
    private final int grid;
    private final boolean constantComponent;
    private int framesEmbedded;
    private boolean closed;

    /** Creates the 8x8 vision-only variant with a constant extra component. */
    public PixelEncoder() {
        this("test-pixel-encoder-8x8", false, LEGACY_GRID, true);
    }

    private PixelEncoder(String modelId, boolean textTower, int grid, boolean constantComponent) {
        this.modelId = modelId;
        this.textTower = textTower;
        this.grid = grid;
        this.constantComponent = constantComponent;
    }

    /** Returns the 4x4 encoder with a colour-name text tower. */
    public static PixelEncoder withText() {
        return new PixelEncoder("test-pixels-4x4", true, GRID, false);
    }

    /** Returns the 4x4 vision-only encoder. */
    public static PixelEncoder visionOnly() {
        return new PixelEncoder("test-pixels-4x4-vision", false, GRID, false);
    }

    /** Returns a 4x4 encoder with another id, to test model mismatches. */
    public static PixelEncoder withId(String modelId) {
        return new PixelEncoder(modelId, true, GRID, false);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int embeddingSize() {
        return 3 * grid * grid + (constantComponent ? 1 : 0);
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
        synchronized (this) {
            framesEmbedded += frames.size();
        }
        return embeddings;
    }

    public synchronized int framesEmbedded() {
        return framesEmbedded;
    }

    public boolean closed() {
        return closed;
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
            int[] pixels = new int[grid * grid];
            Arrays.fill(pixels, 0xFF000000 | rgb);
            embeddings.add(embedFrame(new Frame(grid, grid, pixels, 0)));
        }
        return embeddings;
    }

    @Override
    public void close() {
        closed = true;
    }

    private Embedding embedFrame(Frame frame) {
        double[] sums = new double[3 * grid * grid];
        int[] counts = new int[grid * grid];
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                int cell = (y * grid / frame.height()) * grid + (x * grid / frame.width());
                int rgb = AlphaPolicy.WHITE.toRgb(frame.argb()[y * frame.width() + x]);
                sums[3 * cell] += ((rgb >> 16) & 0xFF) / 255.0;
                sums[3 * cell + 1] += ((rgb >> 8) & 0xFF) / 255.0;
                sums[3 * cell + 2] += (rgb & 0xFF) / 255.0;
                counts[cell]++;
            }
        }
        float[] values = new float[embeddingSize()];
        for (int i = 0; i < sums.length; i++) {
            int count = counts[i / 3];
            values[i] = (float) ((count == 0 ? 0.5 : sums[i] / count) - 0.5);
        }
        if (constantComponent) {
            values[values.length - 1] = 0.1f;
        } else {
            // A mid-grey frame centres to all zeros; nudge it so it still has a direction.
            values[0] += 1e-3f;
        }
        return Embedding.normalise(values);
    }
}
