package org.gse.testing;

import java.util.ArrayList;
import java.util.List;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.Frame;
import org.gse.decode.FramePolicy;
import org.gse.model.Embedding;
import org.gse.model.Encoder;

/**
 * A deterministic test {@link Encoder}: the embedding of a frame is its 8x8 RGB thumbnail over white (box
 * averaged), centred on mid-grey, plus a constant component so that it is never zero, normalised. Counts the frames
 * it embeds, so tests can check that each distinct sticker is embedded once.
 */
public final class PixelEncoder implements Encoder {

    private static final int SIZE = 8;
    private int framesEmbedded;
    private boolean closed;

    @Override
    public String modelId() {
        return "test-pixel-encoder-8x8";
    }

    @Override
    public int embeddingSize() {
        return SIZE * SIZE * 3 + 1;
    }

    @Override
    public FramePolicy framePolicy() {
        return FramePolicy.FIRST;
    }

    @Override
    public synchronized List<Embedding> embedFrames(List<Frame> frames) {
        List<Embedding> result = new ArrayList<>(frames.size());
        for (Frame frame : frames) {
            float[] v = new float[embeddingSize()];
            int[] counts = new int[SIZE * SIZE];
            for (int y = 0; y < frame.height(); y++) {
                for (int x = 0; x < frame.width(); x++) {
                    int cell = (y * SIZE / frame.height()) * SIZE + x * SIZE / frame.width();
                    int rgb = AlphaPolicy.WHITE.toRgb(frame.argb()[y * frame.width() + x]);
                    v[cell * 3] += ((rgb >> 16) & 0xFF) / 255f - 0.5f;
                    v[cell * 3 + 1] += ((rgb >> 8) & 0xFF) / 255f - 0.5f;
                    v[cell * 3 + 2] += (rgb & 0xFF) / 255f - 0.5f;
                    counts[cell]++;
                }
            }
            for (int cell = 0; cell < counts.length; cell++) {
                for (int c = 0; c < 3; c++) {
                    v[cell * 3 + c] /= Math.max(1, counts[cell]);
                }
            }
            v[v.length - 1] = 0.1f;
            result.add(Embedding.normalise(v));
        }
        framesEmbedded += frames.size();
        return result;
    }

    public synchronized int framesEmbedded() {
        return framesEmbedded;
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
