package org.gse.eval;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap confidence intervals (Efron and Tibshirani, 1993, "An Introduction to the Bootstrap",
 * chapter 13): resample the items with replacement, recompute the statistic, and take the
 * {@code (1 - confidence) / 2} and {@code (1 + confidence) / 2} quantiles of the resampled values.
 *
 * <p>Items are queries (retrieval) or samples (classification). Resampling draws indices from a
 * {@link SplittableRandom} with the given seed, so equal inputs give equal intervals.
 */
public final class MeanBootstrap {

    /** Default number of resamples. */
    public static final int DEFAULT_RESAMPLES = 1000;

    /**
     * A point estimate with its interval.
     *
     * @param estimate the statistic on the original items
     * @param low lower bound of the interval
     * @param high upper bound of the interval
     * @param confidence the interval's nominal coverage, for example 0.95
     */
    public record Interval(double estimate, double low, double high, double confidence) {}

    private MeanBootstrap() {}

    /** Returns the mean of the non-NaN values with a percentile interval over resampled values. */
    public static Interval meanInterval(double[] values, int resamples, long seed, double confidence) {
        double[] defined = Arrays.stream(values).filter(value -> !Double.isNaN(value)).toArray();
        return interval(defined.length, indices -> {
            double sum = 0;
            for (int index : indices) {
                sum += defined[index];
            }
            return sum / indices.length;
        }, resamples, seed, confidence);
    }

    /**
     * Returns {@code statistic} over all items with a percentile interval.
     *
     * @param items number of items; the statistic receives item indices, with repeats in a resample
     * @param statistic computes the value from item indices; NaN results are left out of the quantiles
     */
    public static Interval interval(int items, ToDoubleFunction<int[]> statistic, int resamples, long seed,
            double confidence) {
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        if (items == 0) {
            return new Interval(Double.NaN, Double.NaN, Double.NaN, confidence);
        }
        int[] all = new int[items];
        Arrays.setAll(all, i -> i);
        double estimate = statistic.applyAsDouble(all);

        SplittableRandom random = new SplittableRandom(seed);
        double[] resampled = new double[resamples];
        int kept = 0;
        int[] indices = new int[items];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < items; i++) {
                indices[i] = random.nextInt(items);
            }
            double value = statistic.applyAsDouble(indices);
            if (!Double.isNaN(value)) {
                resampled[kept++] = value;
            }
        }
        if (kept == 0) {
            return new Interval(estimate, Double.NaN, Double.NaN, confidence);
        }
        double[] sorted = Arrays.copyOf(resampled, kept);
        Arrays.sort(sorted);
        double tail = (1 - confidence) / 2;
        return new Interval(estimate, quantile(sorted, tail), quantile(sorted, 1 - tail), confidence);
    }

    /** Returns the linearly interpolated quantile of sorted values (NumPy's default "linear" method). */
    static double quantile(double[] sorted, double p) {
        double position = p * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
}
