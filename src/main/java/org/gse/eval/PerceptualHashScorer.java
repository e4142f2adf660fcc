package org.gse.eval;

import org.gse.decode.FramePolicy;
import org.gse.decode.Sticker;

/**
 * Baseline {@code phash}: the DCT perceptual hash.
 *
 * <p>Rule: take the first frame, composite it over white, centre it on a white square, convert to grey with the
 * Rec. 601 luma weights ({@code 0.299 R + 0.587 G + 0.114 B}), downscale to 32x32 by area averaging, and take the
 * two-dimensional DCT-II. Keep the top-left 8 x 8 coefficients, the lowest frequencies. Their median is taken over
 * the 63 coefficients other than the DC term, because the DC term only carries mean brightness. The hash has one bit
 * per coefficient of the 8 x 8 block, set when the coefficient is above that median, so 64 bits. The score is
 * {@code 1 - hamming(h1, h2) / 64}, in [0, 1].
 *
 * <p>It finds near-duplicates (re-encodings, resized copies) and little else.
 */
public final class PerceptualHashScorer implements Scorer<Long> {

    private static final int SIZE = 32;
    private static final int LOW = 8;
    private static final double[][] COSINES = new double[LOW][SIZE];

    static {
        for (int u = 0; u < LOW; u++) {
            for (int x = 0; x < SIZE; x++) {
                COSINES[u][x] = Math.cos(Math.PI * (2 * x + 1) * u / (2.0 * SIZE));
            }
        }
    }

    @Override
    public String name() {
        return "phash";
    }

    @Override
    public String id() {
        return "phash: 64-bit DCT hash of 32x32 grey (first frame over white), 1 - hamming/64";
    }

    @Override
    public boolean baseline() {
        return true;
    }

    @Override
    public Long features(Sticker sticker) {
        var frame = FramePolicy.FIRST.select(sticker).getFirst();
        double[][] planes = Pixels.whiteSquareRgb(frame);
        int side = Math.max(frame.width(), frame.height());
        double[] grey = new double[side * side];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = 0.299 * planes[0][i] + 0.587 * planes[1][i] + 0.114 * planes[2][i];
        }
        return hash(Pixels.resizeArea(grey, side, SIZE));
    }

    /** Hashes a 32x32 grey image (row-major). */
    static long hash(double[] grey) {
        double[] coefficients = new double[LOW * LOW];
        for (int u = 0; u < LOW; u++) {
            for (int v = 0; v < LOW; v++) {
                double sum = 0;
                for (int y = 0; y < SIZE; y++) {
                    double rowSum = 0;
                    for (int x = 0; x < SIZE; x++) {
                        rowSum += grey[y * SIZE + x] * COSINES[v][x];
                    }
                    sum += rowSum * COSINES[u][y];
                }
                coefficients[u * LOW + v] = sum;
            }
        }
        double[] ac = java.util.Arrays.copyOfRange(coefficients, 1, coefficients.length);
        java.util.Arrays.sort(ac);
        double median = ac[ac.length / 2]; // 63 values: the 32nd smallest
        long bits = 0;
        for (int i = 0; i < coefficients.length; i++) {
            if (coefficients[i] > median) {
                bits |= 1L << i;
            }
        }
        return bits;
    }

    @Override
    public double similarity(Long a, Long b) {
        return 1 - Long.bitCount(a ^ b) / 64.0;
    }
}
