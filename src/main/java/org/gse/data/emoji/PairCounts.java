package org.gse.data.emoji;

import java.util.List;

/**
 * Pair counts of one pair list, as the manifest and the command's summary report them.
 *
 * @param pairs all pairs
 * @param positives pairs labelled 1 (one emoji in two styles)
 * @param negatives pairs labelled 0
 * @param hardNegatives negatives whose two emoji share a Unicode subgroup
 */
public record PairCounts(int pairs, int positives, int negatives, int hardNegatives) {

    static PairCounts of(List<PairPlanner.PlannedPair> list) {
        int positives = 0;
        int hard = 0;
        for (PairPlanner.PlannedPair pair : list) {
            positives += pair.label();
            hard += pair.hard() ? 1 : 0;
        }
        return new PairCounts(list.size(), positives, list.size() - positives, hard);
    }
}
