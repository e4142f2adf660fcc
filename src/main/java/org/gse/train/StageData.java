package org.gse.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gse.train.TrainConfig.Kind;
import org.gse.train.TrainConfig.Loss;
import org.gse.train.TrainConfig.StageConfig;

/**
 * The data of one stage: sticker queries or labelled pairs, with the views training and validation need.
 * Validation stickers are chosen once per run; a training example uses none of them, and a pair with one sticker
 * on each side of the split is used by neither.
 */
record StageData(StageConfig stage, List<TrainData.StickerQueries> stickerQueries, List<TrainData.Pair> pairs) {

    static StageData read(StageConfig stage) throws IOException {
        if (stage.kind() == Kind.IMAGE_TEXT) {
            return new StageData(stage, TrainData.readQueries(stage.data()), List.of());
        }
        return new StageData(stage, List.of(), TrainData.readPairs(stage.data()));
    }

    /** Returns every sticker id the data names, in file order. */
    Set<String> stickers() {
        Set<String> ids = new LinkedHashSet<>();
        for (TrainData.StickerQueries row : stickerQueries) {
            ids.add(row.stickerId());
        }
        for (TrainData.Pair pair : pairs) {
            ids.add(pair.first());
            ids.add(pair.second());
        }
        return ids;
    }

    /** Returns every distinct query, in file order. */
    Set<String> queries() {
        Set<String> all = new LinkedHashSet<>();
        for (TrainData.StickerQueries row : stickerQueries) {
            all.addAll(row.queries());
        }
        return all;
    }

    /** Returns the queries of one sticker (empty when it has none). */
    List<String> queriesOf(String id) {
        List<String> result = new ArrayList<>();
        for (TrainData.StickerQueries row : stickerQueries) {
            if (row.stickerId().equals(id)) {
                result.addAll(row.queries());
            }
        }
        return result;
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
            for (TrainData.StickerQueries row : stickerQueries) {
                if (!validation.contains(row.stickerId())) {
                    result.add(Example.sticker(row.stickerId(), row.queries()));
                }
            }
            return result;
        }
        Map<String, List<String>> dissimilar = new HashMap<>();
        for (TrainData.Pair pair : pairs) {
            if (!pair.similar() && !validation.contains(pair.first()) && !validation.contains(pair.second())) {
                dissimilar.computeIfAbsent(pair.first(), k -> new ArrayList<>()).add(pair.second());
                dissimilar.computeIfAbsent(pair.second(), k -> new ArrayList<>()).add(pair.first());
            }
        }
        for (TrainData.Pair pair : pairs) {
            if (validation.contains(pair.first()) || validation.contains(pair.second())) {
                continue;
            }
            if (stage.loss() == Loss.MARGIN || pair.similar()) {
                result.add(Example.pair(pair.first(), pair.second(), pair.similar(),
                        dissimilar.getOrDefault(pair.first(), List.of())));
            }
        }
        return result;
    }

    /**
     * Returns the groups of similar stickers: the connected components, with two or more members, of the graph whose
     * edges are the similar pairs between training stickers. Similarity is taken as transitive here (the same emoji
     * in three styles forms one group of three), which holds for the corpus's pairs; a pair file whose labels are
     * not transitive merges its chains into one group. Groups and members keep file order.
     */
    List<List<String>> similarGroups(Set<String> validation) {
        Map<String, String> parent = new LinkedHashMap<>();
        for (TrainData.Pair pair : pairs) {
            if (pair.similar() && !validation.contains(pair.first()) && !validation.contains(pair.second())) {
                parent.putIfAbsent(pair.first(), pair.first());
                parent.putIfAbsent(pair.second(), pair.second());
                String a = root(parent, pair.first());
                String b = root(parent, pair.second());
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
    List<TrainData.Pair> validationPairs(Set<String> validation) {
        List<TrainData.Pair> result = new ArrayList<>();
        for (TrainData.Pair pair : pairs) {
            if (validation.contains(pair.first()) && validation.contains(pair.second())) {
                result.add(pair);
            }
        }
        return result;
    }
}
