package org.gse.eval;

import java.util.ArrayList;
import java.util.List;
import org.gse.decode.Sticker;

/**
 * Scores how similar two stickers are; higher means more similar. Scoring is split in two steps so that an
 * evaluation does the expensive part once per distinct sticker: {@link #features} computes what the scorer keeps of
 * one sticker (an embedding, a thumbnail, a hash), and {@link #similarity} compares two such features.
 *
 * <p>Implementations are thread-safe. {@link #close()} releases native resources (a model's session).
 *
 * @param <F> the per-sticker features
 */
public interface Scorer<F> extends AutoCloseable {

    /** Returns the name shown in reports, unique within one evaluation, for example {@code phash}. */
    String name();

    /** Returns what identifies the scorer's rule or weights in provenance: a model id, or the baseline's rule. */
    String id();

    /** Returns true for the weight-free baselines, false for models. */
    default boolean baseline() {
        return false;
    }

    /** Computes the features of one sticker. */
    F features(Sticker sticker);

    /** Computes the features of several stickers; models override this to batch. */
    default List<F> featuresAll(List<Sticker> stickers) {
        List<F> result = new ArrayList<>(stickers.size());
        for (Sticker sticker : stickers) {
            result.add(features(sticker));
        }
        return result;
    }

    /** Returns the similarity of two stickers' features; never NaN. */
    double similarity(F a, F b);

    /** Scores one pair of stickers. */
    default double score(Sticker a, Sticker b) {
        List<F> features = featuresAll(List.of(a, b));
        return similarity(features.get(0), features.get(1));
    }

    @Override
    default void close() {}
}
