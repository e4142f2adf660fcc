package org.gse.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Retrieval metrics for one query as pure functions, plus means over queries.
 *
 * <p>Terms. A query is one sticker; the candidates are the other stickers that a search returned, in any order,
 * each with a score (higher is more similar). A candidate is <em>relevant</em> when it is a different sticker with
 * the query's label. {@code totalRelevant} counts the relevant stickers in the whole collection, retrieved or not.
 *
 * <p>Ranking and ties. Candidates are ranked by descending score. Among equal scores, non-relevant candidates
 * rank before relevant ones, so a tie never improves a metric and the result does not depend on input order.
 * Ranks start at 1.
 *
 * <p>Definitions, for a query with at least one relevant sticker:
 * <ul>
 *   <li>R@k: 1 when a relevant candidate has rank at most k, else 0 (the "recall at k" of image retrieval and
 *       metric learning papers, a hit rate, not the fraction of relevant stickers found);</li>
 *   <li>reciprocal rank: 1 / rank of the first relevant candidate, 0 when none was retrieved; MRR is its mean;</li>
 *   <li>average precision: the sum of precision@rank over the ranks of the retrieved relevant candidates, divided
 *       by {@code totalRelevant}, so relevant stickers missing from a truncated list count as precision 0 (AP at
 *       the list depth, as TREC computes it); mAP is its mean.</li>
 * </ul>
 * A query without any relevant sticker (its label occurs once) has no defined value: every function returns
 * {@link Double#NaN}, and the means skip NaN values and report how many they skipped.
 */
public final class RetrievalMetrics {

    private RetrievalMetrics() {}

    /**
     * Returns the 1-based ranks of the relevant candidates, ascending, under the tie rule of this class.
     *
     * @param scores candidate scores, any order
     * @param relevant relevance of each candidate, same length as {@code scores}
     */
    public static int[] relevantRanks(double[] scores, boolean[] relevant) {
        if (scores.length != relevant.length) {
            throw new IllegalArgumentException("scores and relevance differ in length: " + scores.length + " and "
                    + relevant.length);
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i])
                .thenComparing(i -> relevant[i]));
        List<Integer> ranks = new ArrayList<>();
        for (int position = 0; position < order.length; position++) {
            if (relevant[order[position]]) {
                ranks.add(position + 1);
            }
        }
        return ranks.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Returns R@k: 1 when the first relevant rank is at most {@code k}, 0 otherwise, NaN without relevant stickers. */
    public static double recallAtK(int[] relevantRanks, int totalRelevant, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (totalRelevant == 0) {
            return Double.NaN;
        }
        return relevantRanks.length > 0 && relevantRanks[0] <= k ? 1.0 : 0.0;
    }

    /** Returns 1 / first relevant rank, 0 when none was retrieved, NaN without relevant stickers. */
    public static double reciprocalRank(int[] relevantRanks, int totalRelevant) {
        if (totalRelevant == 0) {
            return Double.NaN;
        }
        return relevantRanks.length == 0 ? 0.0 : 1.0 / relevantRanks[0];
    }

    /** Returns average precision over {@code totalRelevant} relevant stickers, NaN when there are none. */
    public static double averagePrecision(int[] relevantRanks, int totalRelevant) {
        if (relevantRanks.length > totalRelevant) {
            throw new IllegalArgumentException("found " + relevantRanks.length + " relevant ranks but only "
                    + totalRelevant + " relevant stickers exist");
        }
        if (totalRelevant == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int j = 0; j < relevantRanks.length; j++) {
            // Precision at the rank of the (j + 1)-th relevant candidate.
            sum += (j + 1) / (double) relevantRanks[j];
        }
        return sum / totalRelevant;
    }

    /** Returns the mean of the values that are not NaN, or NaN when all are. */
    public static double meanOfDefined(double[] values) {
        double sum = 0;
        int count = 0;
        for (double value : values) {
            if (!Double.isNaN(value)) {
                sum += value;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Returns how many values are NaN, that is how many queries had no relevant sticker. */
    public static int countUndefined(double[] values) {
        int count = 0;
        for (double value : values) {
            if (Double.isNaN(value)) {
                count++;
            }
        }
        return count;
    }
}
