package org.gse.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gse.data.Pair;
import org.gse.data.PairSet;
import org.gse.data.StickerQueries;
import org.gse.train.TrainConfig.Kind;
import org.gse.train.TrainConfig.Loss;
import org.gse.train.TrainConfig.StageConfig;

/**
 * The data of one stage: sticker queries or labelled pairs, with the views training and validation need.
 * Validation stickers are chosen once per run; a training example uses none of them, and a pair with one sticker
 * on each side of the split is used by neither.
 *
 * @param stickerQueries the queries of each sticker that has at least one, in file order (empty for pair stages)
 * @param pairs the labelled pairs in file order (empty for query stages)
 */
record StageData(StageConfig stage, Map<String, List<String>> stickerQueries, List<Pair> pairs) {

    /**
     * Reads the stage's data file. Stickers whose {@code labeled_queries} field contains no query are left out,
     * since they have no text to train on.
     */
    static StageData read(StageConfig stage) throws IOException {
        if (stage.kind() == Kind.IMAGE_TEXT) {
            Map<String, List<String>> withQueries = new LinkedHashMap<>();
            StickerQueries.read(stage.data()).queries().forEach((id, queries) -> {
                if (!queries.isEmpty()) {
                    withQueries.put(id, queries);
                }
            });
            return new StageData(stage, withQueries, List.of());
        }
        return new StageData(stage, Map.of(), PairSet.read(stage.data()).pairs());
    }

    /** Returns every sticker id the data names, in file order. */
    Set<String> stickers() {
        Set<String> ids = new LinkedHashSet<>(stickerQueries.keySet());
        for (Pair pair : pairs) {
            ids.add(pair.stickerId());
            ids.add(pair.stickerId2());
        }
        return ids;
    }

    /** Returns every distinct query, in file order. */
    Set<String> queries() {
        Set<String> all = new LinkedHashSet<>();
        for (List<String> queries : stickerQueries.values()) {
            all.addAll(queries);
        }
        return all;
    }

    /** Returns the queries of one sticker (empty when it has none). */
    List<String> queriesOf(String id) {
        return stickerQueries.getOrDefault(id, List.of());
    }

    /**
     * Returns the training examples: stickers with their queries, pairs (similar pairs only for InfoNCE, whose
     * negatives come from the batch, with each first sticker's labelled dissimilar partners as hard negatives), or
     * for {@code supcon} the groups of similar stickers.
     */
    List<Example> examples(Set<String> validation) {
        List<Example> result = new ArrayList<>();
        if (stage.kind() == Kind.IMAGE_IMAGE && stage.loss() == Loss.SUPCON) {
            for (List<String> members : similarGroups(validation)) {
                result.add(Example.group(members));
            }
            return result;
        }
        if (stage.kind() == Kind.IMAGE_TEXT) {
            stickerQueries.forEach((id, queries) -> {
                if (!validation.contains(id)) {
                    result.add(Example.sticker(id, queries));
                }
            });
            return result;
        }
        Map<String, List<String>> dissimilar = new HashMap<>();
        for (Pair pair : pairs) {
            if (!pair.similar() && !validation.contains(pair.stickerId()) && !validation.contains(pair.stickerId2())) {
                dissimilar.computeIfAbsent(pair.stickerId(), k -> new ArrayList<>()).add(pair.stickerId2());
                dissimilar.computeIfAbsent(pair.stickerId2(), k -> new ArrayList<>()).add(pair.stickerId());
            }
        }
        for (Pair pair : pairs) {
            if (validation.contains(pair.stickerId()) || validation.contains(pair.stickerId2())) {
                continue;
            }
            if (stage.loss() == Loss.MARGIN || pair.similar()) {
                result.add(Example.pair(pair.stickerId(), pair.stickerId2(), pair.similar(),
                        dissimilar.getOrDefault(pair.stickerId(), List.of())));
            }
        }
        return result;
    }

    /**
     * Returns the groups of similar stickers: the connected components, with two or more members, of the graph whose
     * edges are the similar pairs between training stickers. Similarity is taken as transitive here, so the same emoji
     * in three styles forms one group of three. That is true of the emoji corpus's pairs. A pair file whose labels
     * are not transitive merges its chains into one group. Groups and members keep file order.
     */
    List<List<String>> similarGroups(Set<String> validation) {
        Map<String, String> parent = new LinkedHashMap<>();
        for (Pair pair : pairs) {
            if (pair.similar() && !validation.contains(pair.stickerId()) && !validation.contains(pair.stickerId2())) {
                parent.putIfAbsent(pair.stickerId(), pair.stickerId());
                parent.putIfAbsent(pair.stickerId2(), pair.stickerId2());
                String a = root(parent, pair.stickerId());
                String b = root(parent, pair.stickerId2());
                if (!a.equals(b)) {
                    parent.put(b, a);
                }
            }
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String id : parent.keySet()) {
            groups.computeIfAbsent(root(parent, id), k -> new ArrayList<>()).add(id);
        }
        return groups.values().stream().filter(g -> g.size() >= 2).toList();
    }

    /** Union-find root with path halving. */
    private static String root(Map<String, String> parent, String id) {
        String node = id;
        while (!parent.get(node).equals(node)) {
            String grandparent = parent.get(parent.get(node));
            parent.put(node, grandparent);
            node = grandparent;
        }
        return node;
    }

    /** Returns the labelled pairs whose two stickers are both validation stickers. */
    List<Pair> validationPairs(Set<String> validation) {
        List<Pair> result = new ArrayList<>();
        for (Pair pair : pairs) {
            if (validation.contains(pair.stickerId()) && validation.contains(pair.stickerId2())) {
                result.add(pair);
            }
        }
        return result;
    }
}
