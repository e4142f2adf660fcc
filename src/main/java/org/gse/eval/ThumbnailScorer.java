package org.gse.eval;

import org.gse.decode.FramePolicy;
import org.gse.decode.Sticker;

/**
 * Baseline {@code thumbnail}: cosine similarity of tiny colour thumbnails.
 *
 * <p>Rule: take the first frame (as the original Triple-S evaluation saw one saved frame per sticker), composite it
 * over white, centre it on a white square as large as its longer side, downscale to 16x16 by area averaging, and
 * read the 16 x 16 x 3 channel values in [0, 1] as a vector. The score is the cosine of the two vectors, in [0, 1]
 * as all values are non-negative. An all-black thumbnail (zero vector) scores 1 against another all-black one and 0
 * against anything else.
 *
 * <p>It measures layout and colour, not meaning: two white-background stickers of different emotions score high.
 */
public final class ThumbnailScorer implements Scorer<double[]> {

    /** Thumbnail side in pixels. */
    public static final int SIZE = 16;

    @Override
    public String name() {
        return "thumbnail";
    }

    @Override
    public String id() {
        return "thumbnail: cosine of 16x16 RGB thumbnails, first frame over white, area-averaged";
    }

    @Override
    public boolean baseline() {
        return true;
    }

    @Override
    public double[] features(Sticker sticker) {
        var frame = FramePolicy.FIRST.select(sticker).getFirst();
        double[][] planes = Pixels.whiteSquareRgb(frame);
        int side = Math.max(frame.width(), frame.height());
        double[] vector = new double[SIZE * SIZE * 3];
        for (int c = 0; c < 3; c++) {
            double[] small = Pixels.resizeArea(planes[c], side, SIZE);
            for (int i = 0; i < small.length; i++) {
                vector[i * 3 + c] = small[i];
            }
        }
        return vector;
    }

    @Override
    public double similarity(double[] a, double[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        if (normA == 0 || normB == 0) {
            return normA == normB ? 1 : 0;
        }
        return Math.min(1, dot / Math.sqrt(normA * normB));
    }
}
