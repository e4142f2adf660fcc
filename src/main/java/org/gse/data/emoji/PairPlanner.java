package org.gse.data.emoji;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits emoji into train, validation and test, and draws labelled pairs of stickers in the Triple-S format.
 *
 * <p>Rules, all deterministic given the seed:
 * <ol>
 *   <li>Split by emoji, never by image: every emoji belongs to exactly one split, so no concept leaks from training
 *       into evaluation. Each subgroup's emoji are shuffled and cut into chunks of two to four. Whole chunks go to
 *       the split furthest below its target share, so an emoji usually has a subgroup neighbour in its own split,
 *       which hard negatives need.
 *   <li>Positives are one emoji drawn in two different styles: every unordered pair of the split's styles, for
 *       every emoji of the split.
 *   <li>Negatives are two different emoji in two different styles, as many as positives. Half are hard (same
 *       Unicode subgroup, such as two smiling faces); the rest come from different subgroups. When a split lacks
 *       one kind (no subgroup neighbours, or a single subgroup), the other kind fills the gap, and the counts say
 *       so.
 *   <li>The held-out style appears only in the held-out test: each pair joins a held-out image of a test emoji with
 *       an image of another style, positives for the same emoji, negatives as above.
 * </ol>
 * Both members of every pair come from different styles, so "same style" never predicts the label.
 */
final class PairPlanner {

    /** The three emoji splits, in file-name spelling. */
    enum Split {
        TRAIN("train", 0.8), VALIDATION("validation", 0.1), TEST("test", 0.1);

        final String id;
        final double share;

        Split(String id, double share) {
            this.id = id;
            this.share = share;
        }
    }

    /** A pair of sticker ids with its label; {@code hard} marks a negative whose emoji share a subgroup. */
    record PlannedPair(String stickerId, String stickerId2, int label, boolean hard) {}

    private static final Logger log = LoggerFactory.getLogger(PairPlanner.class);
    private static final int MAX_CHUNK = 4;
    private static final int ATTEMPTS_PER_PAIR = 50;

    private final long seed;

    PairPlanner(long seed) {
        this.seed = seed;
    }

    /** Returns the sticker id of an emoji in a style, the relative path of its image under {@code images/}. */
    static String stickerId(EmojiStyle style, String key) {
        return style.id() + "/" + key + ".png";
    }

    /** Assigns each emoji key to a split; {@code subgroupOf} maps every key to its subgroup. */
    Map<String, Split> assign(List<String> keys, Map<String, String> subgroupOf) {
        Random random = new Random(seed);
        Map<String, List<String>> bySubgroup = new TreeMap<>();
        for (String key : keys) {
            bySubgroup.computeIfAbsent(subgroupOf.get(key), s -> new ArrayList<>()).add(key);
        }
        List<List<String>> chunks = new ArrayList<>();
        for (List<String> members : bySubgroup.values()) {
            Collections.shuffle(members, random);
            int from = 0;
            while (from < members.size()) {
                int to = Math.min(members.size(), from + MAX_CHUNK);
                if (members.size() - to == 1) {
                    to = members.size(); // a lone leftover joins this chunk instead of standing alone
                }
                chunks.add(new ArrayList<>(members.subList(from, to)));
                from = to;
            }
        }
        Collections.shuffle(chunks, random);

        Map<String, Split> splits = new LinkedHashMap<>();
        Map<Split, Integer> assigned = new EnumMap<>(Split.class);
        int total = 0;
        for (List<String> chunk : chunks) {
            total += chunk.size();
            Split target = Split.TRAIN;
            double largestDeficit = Double.NEGATIVE_INFINITY;
            for (Split split : Split.values()) {
                double deficit = split.share * total - assigned.getOrDefault(split, 0);
                if (deficit > largestDeficit) {
                    largestDeficit = deficit;
                    target = split;
                }
            }
            assigned.merge(target, chunk.size(), Integer::sum);
            for (String key : chunk) {
                splits.put(key, target);
            }
        }
        return splits;
    }

    /**
     * Draws the pairs of one split.
     *
     * @param keys the split's emoji keys
     * @param subgroupOf subgroup per key
     * @param styles the styles the split may use, at least two
     * @param salt distinguishes the random streams of the lists drawn from one seed
     */
    List<PlannedPair> pairs(List<String> keys, Map<String, String> subgroupOf, List<EmojiStyle> styles, int salt) {
        if (styles.size() < 2) {
            throw new IllegalArgumentException("pairs need at least two styles, got " + styles);
        }
        Random random = new Random(seed * 1_000_003L + salt);
        List<PlannedPair> pairs = new ArrayList<>();
        for (String key : keys) {
            for (int i = 0; i < styles.size(); i++) {
                for (int j = i + 1; j < styles.size(); j++) {
                    pairs.add(oriented(random, stickerId(styles.get(i), key), stickerId(styles.get(j), key), 1, false));
                }
            }
        }
        int negatives = pairs.size();
        NegativeSampler sampler = new NegativeSampler(keys, subgroupOf, random, pairs);
        sampler.drawBalanced(negatives, (e, f) -> twoStyles(random, styles, e, f));
        Collections.shuffle(pairs, random);
        return pairs;
    }

    /**
     * Draws the held-out-style test: each pair joins an image in {@code heldOut} with one in another style.
     *
     * @param keys the test split's emoji keys
     */
    List<PlannedPair> heldOutPairs(List<String> keys, Map<String, String> subgroupOf, EmojiStyle heldOut,
            List<EmojiStyle> others, int salt) {
        Random random = new Random(seed * 1_000_003L + salt);
        List<PlannedPair> pairs = new ArrayList<>();
        for (String key : keys) {
            for (EmojiStyle other : others) {
                pairs.add(oriented(random, stickerId(heldOut, key), stickerId(other, key), 1, false));
            }
        }
        int negatives = pairs.size();
        NegativeSampler sampler = new NegativeSampler(keys, subgroupOf, random, pairs);
        PairMaker maker = (e, f) -> new String[] {stickerId(heldOut, e),
                stickerId(others.get(random.nextInt(others.size())), f)};
        sampler.drawBalanced(negatives, maker);
        Collections.shuffle(pairs, random);
        return pairs;
    }

    private static String[] twoStyles(Random random, List<EmojiStyle> styles, String e, String f) {
        int first = random.nextInt(styles.size());
        int second = random.nextInt(styles.size() - 1);
        if (second >= first) {
            second++;
        }
        return new String[] {stickerId(styles.get(first), e), stickerId(styles.get(second), f)};
    }

    private static PlannedPair oriented(Random random, String a, String b, int label, boolean hard) {
        return random.nextBoolean() ? new PlannedPair(a, b, label, hard) : new PlannedPair(b, a, label, hard);
    }

    /** Makes the two sticker ids of a negative from its two emoji keys. */
    @FunctionalInterface
    private interface PairMaker {
        String[] make(String first, String second);
    }

    /** Draws distinct negatives into a pair list, hard ones from one subgroup and easy ones across subgroups. */
    private static final class NegativeSampler {
        private final List<String> keys;
        private final Map<String, String> subgroupOf;
        private final Random random;
        private final List<PlannedPair> out;
        private final Map<String, List<String>> bySubgroup = new TreeMap<>();
        private final List<String> withNeighbour = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();
        private int drawn;

        NegativeSampler(List<String> keys, Map<String, String> subgroupOf, Random random, List<PlannedPair> out) {
            this.keys = keys;
            this.subgroupOf = subgroupOf;
            this.random = random;
            this.out = out;
            for (String key : keys) {
                bySubgroup.computeIfAbsent(subgroupOf.get(key), s -> new ArrayList<>()).add(key);
            }
            for (String key : keys) {
                if (bySubgroup.get(subgroupOf.get(key)).size() > 1) {
                    withNeighbour.add(key);
                }
            }
        }

        /**
         * Draws {@code wanted} negatives, half hard. When one kind runs out (a split whose emoji share one
         * subgroup has no easy negatives), the other kind fills the gap, so negatives still match positives.
         */
        void drawBalanced(int wanted, PairMaker maker) {
            draw(wanted / 2, true, maker);
            draw(wanted - drawn, false, maker);
            draw(wanted - drawn, true, maker);
            if (drawn < wanted) {
                log.warn("Only {} of {} negatives could be drawn from {} emoji; the list is unbalanced", drawn,
                        wanted, keys.size());
            }
        }

        void draw(int wanted, boolean hard, PairMaker maker) {
            List<String> firsts = hard ? withNeighbour : keys;
            boolean possible = hard ? !withNeighbour.isEmpty() : bySubgroup.size() > 1;
            int added = 0;
            for (int attempt = 0; possible && added < wanted && attempt < wanted * ATTEMPTS_PER_PAIR; attempt++) {
                String e = firsts.get(random.nextInt(firsts.size()));
                String f;
                if (hard) {
                    List<String> neighbours = bySubgroup.get(subgroupOf.get(e));
                    f = neighbours.get(random.nextInt(neighbours.size()));
                    if (f.equals(e)) {
                        continue;
                    }
                } else {
                    f = keys.get(random.nextInt(keys.size()));
                    if (subgroupOf.get(f).equals(subgroupOf.get(e))) {
                        continue;
                    }
                }
                String[] ids = maker.make(e, f);
                String unordered = ids[0].compareTo(ids[1]) < 0 ? ids[0] + "|" + ids[1] : ids[1] + "|" + ids[0];
                if (seen.add(unordered)) {
                    out.add(oriented(random, ids[0], ids[1], 0, hard));
                    added++;
                }
            }
            drawn += added;
        }
    }
}
