package org.gse.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
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
     * Returns the training examples: stickers with their queries, or pairs (similar pairs only for InfoNCE, whose
     * negatives come from the batch, with each first sticker's labelled dissimilar partners as hard negatives).
     */
    List<Example> examples(Set<String> validation) {
        List<Example> result = new ArrayList<>();
        if (stage.kind() == Kind.IMAGE_TEXT) {
            for (TrainData.StickerQueries row : stickerQueries) {
                if (!validation.contains(row.stickerId())) {
                    result.add(new Example(row.stickerId(), null, true, row.queries(), List.of()));
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
                result.add(new Example(pair.first(), pair.second(), pair.similar(), List.of(),
                        dissimilar.getOrDefault(pair.first(), List.of())));
            }
        }
        return result;
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
