package org.gse.eval;

import org.gse.decode.AlphaPolicy;
import org.gse.decode.Frame;

/** Pixel helpers for the baselines: compositing, letterboxing to a square and area-averaging downscaling. */
final class Pixels {

    private Pixels() {}

    /**
     * Returns the frame composited over white and centred on a white square canvas as large as its longer side
     * (so a non-square sticker is not stretched), as three planes of channel values in [0, 1]:
     * {@code [channel][y * side + x]}.
     */
    static double[][] whiteSquareRgb(Frame frame) {
        int w = frame.width();
        int h = frame.height();
        int side = Math.max(w, h);
        int offsetX = (side - w) / 2;
        int offsetY = (side - h) / 2;
        double[][] planes = new double[3][side * side];
        for (double[] plane : planes) {
            java.util.Arrays.fill(plane, 1.0);
        }
        int[] argb = frame.argb();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = AlphaPolicy.WHITE.toRgb(argb[y * w + x]);
                int index = (y + offsetY) * side + x + offsetX;
                planes[0][index] = ((rgb >> 16) & 0xFF) / 255.0;
                planes[1][index] = ((rgb >> 8) & 0xFF) / 255.0;
                planes[2][index] = (rgb & 0xFF) / 255.0;
            }
        }
        return planes;
    }

    /**
     * Downscales (or upscales) a square plane of {@code side x side} values to {@code size x size} by area
     * averaging: each output value is the mean of the input over the output pixel's footprint, input pixels cut by
     * the footprint's edge counting with the covered fraction.
     */
    static double[] resizeArea(double[] plane, int side, int size) {
        double[][] weights = weights(side, size);
        int[][] indices = indices(side, size);
        double[] rows = new double[size * side]; // horizontal pass: size columns per input row
        for (int y = 0; y < side; y++) {
            for (int ox = 0; ox < size; ox++) {
                double sum = 0;
                for (int k = 0; k < indices[ox].length; k++) {
                    sum += weights[ox][k] * plane[y * side + indices[ox][k]];
                }
                rows[ox * side + y] = sum;
            }
        }
        double[] out = new double[size * size];
        for (int oy = 0; oy < size; oy++) {
            for (int ox = 0; ox < size; ox++) {
                double sum = 0;
                for (int k = 0; k < indices[oy].length; k++) {
                    sum += weights[oy][k] * rows[ox * side + indices[oy][k]];
                }
                out[oy * size + ox] = sum;
            }
        }
        return out;
    }

    /** Input indices covered by each output index's footprint. */
    private static int[][] indices(int in, int out) {
        int[][] result = new int[out][];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double start = o * scale;
            double end = (o + 1) * scale;
            int first = (int) Math.floor(start);
            int last = Math.min(in - 1, (int) Math.ceil(end) - 1);
            result[o] = new int[Math.max(1, last - first + 1)];
            for (int k = 0; k < result[o].length; k++) {
                result[o][k] = Math.min(in - 1, first + k);
            }
        }
        return result;
    }

    /** Returns the fraction of each output footprint that each covered input index takes, summing to 1 per output. */
    private static double[][] weights(int in, int out) {
        int[][] idx = indices(in, out);
        double[][] result = new double[out][];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double start = o * scale;
            double end = (o + 1) * scale;
            result[o] = new double[idx[o].length];
            double total = 0;
            for (int k = 0; k < idx[o].length; k++) {
                int i = idx[o][k];
                double overlap = Math.min(end, i + 1) - Math.max(start, i);
                result[o][k] = Math.max(0, overlap);
                total += result[o][k];
            }
            for (int k = 0; k < result[o].length; k++) {
                result[o][k] = total > 0 ? result[o][k] / total : 1.0 / result[o].length;
            }
        }
        return result;
    }
}
