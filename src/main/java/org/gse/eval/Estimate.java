package org.gse.eval;

/**
 * A metric's value on the full test set with a bootstrap confidence interval.
 *
 * @param value the metric on all test pairs (NaN when undefined)
 * @param low lower bound of the interval (NaN when no resample was defined)
 * @param high upper bound of the interval
 * @param resamples resamples on which the metric was defined and that the interval uses
 * @param skipped resamples on which the metric was undefined (for example a single class for AUC), left out
 */
public record Estimate(double value, double low, double high, int resamples, int skipped) {}
