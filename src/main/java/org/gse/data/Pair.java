package org.gse.data;

import java.util.Objects;

/**
 * One labelled pair of stickers from a Triple-S style list.
 *
 * @param stickerId the first sticker's id (a file name or relative path, usually with its extension)
 * @param stickerId2 the second sticker's id
 * @param label 1 when people judged the two stickers to mean the same thing, 0 otherwise
 * @param line the 1-based line of the CSV file the pair was read from (0 for pairs made in code)
 */
public record Pair(String stickerId, String stickerId2, int label, long line) {

    public Pair {
        Objects.requireNonNull(stickerId, "stickerId");
        Objects.requireNonNull(stickerId2, "stickerId2");
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("label must be 0 or 1, got " + label);
        }
    }

    public Pair(String stickerId, String stickerId2, int label) {
        this(stickerId, stickerId2, label, 0);
    }

    /** Returns true for a pair labelled similar (label 1). */
    public boolean similar() {
        return label == 1;
    }
}
