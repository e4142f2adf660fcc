package org.gse.train;

import java.util.List;

/**
 * One training example: a sticker with its queries (image-text), a labelled pair (image-image), or a group of
 * stickers that are all similar to each other (image-image with the {@code supcon} loss).
 *
 * @param first the sticker id (the anchor of a pair, the first member of a group)
 * @param second the pair's other sticker, or null for image-text and groups
 * @param similar the pair's label; true for image-text and groups
 * @param queries the sticker's queries (image-text), one sampled per step
 * @param hardNegatives stickers labelled dissimilar to {@code first}, used as extra InfoNCE negatives
 * @param group the members of a group, in file order (at least two); empty for stickers and pairs
 */
record Example(String first, String second, boolean similar, List<String> queries, List<String> hardNegatives,
        List<String> group) {

    static Example sticker(String id, List<String> queries) {
        return new Example(id, null, true, queries, List.of(), List.of());
    }

    static Example pair(String first, String second, boolean similar, List<String> hardNegatives) {
        return new Example(first, second, similar, List.of(), hardNegatives, List.of());
    }

    static Example group(List<String> members) {
        return new Example(members.getFirst(), null, true, List.of(), List.of(), List.copyOf(members));
    }
}
