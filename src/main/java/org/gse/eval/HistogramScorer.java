package org.gse.eval;

import org.gse.decode.FramePolicy;
import org.gse.decode.Sticker;

/**
 * Baseline {@code histogram}: intersection of alpha-weighted colour histograms.
 *
 * <p>Rule: take the first frame; put each pixel's stored (non-premultiplied) colour into one of 8 x 8 x 8 RGB bins
 * (the top three bits of each channel), weighted by its alpha / 255, so transparent background counts for nothing
 * and half-transparent edges count half; divide by the total weight so the histogram sums to 1. The score is the
 * histogram intersection {@code sum_b min(h1[b], h2[b])}, in [0, 1]. A fully transparent sticker has an empty
 * histogram, which scores 1 against another empty one and 0 against anything else.
 *
 * <p>It measures the palette and ignores where colours are; two stickers of one character score high whatever
 * they express.
 */
public final class HistogramScorer implements Scorer<double[]> {

    /** Bins per channel. */
    public static final int BINS = 8;

    @Override
    public String name() {
        return "histogram";
    }

    @Override
    public String id() {
        return "histogram: intersection of 8x8x8 RGB histograms, first frame, alpha-weighted";
    }

    @Override
    public boolean baseline() {
        return true;
    }

    @Override
    public double[] features(Sticker sticker) {
        int[] argb = FramePolicy.FIRST.select(sticker).getFirst().argb();
        double[] histogram = new double[BINS * BINS * BINS];
        double total = 0;
        for (int pixel : argb) {
            int alpha = pixel >>> 24;
            if (alpha == 0) {
                continue;
            }
            int bin = ((pixel >> 21) & 7) * BINS * BINS + ((pixel >> 13) & 7) * BINS + ((pixel >> 5) & 7);
            double weight = alpha / 255.0;
            histogram[bin] += weight;
            total += weight;
        }
        if (total > 0) {
            for (int i = 0; i < histogram.length; i++) {
                histogram[i] /= total;
            }
        }
        return histogram;
    }

    @Override
    public double similarity(double[] a, double[] b) {
        double sumA = 0;
        double sumB = 0;
        double intersection = 0;
        for (int i = 0; i < a.length; i++) {
            sumA += a[i];
            sumB += b[i];
            intersection += Math.min(a[i], b[i]);
        }
        if (sumA == 0 || sumB == 0) {
            return sumA == sumB ? 1 : 0;
        }
        return Math.min(1, intersection);
    }
}
