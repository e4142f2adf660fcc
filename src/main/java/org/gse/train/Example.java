package org.gse.train;

import java.util.List;

/**
 * One training example: a sticker with its queries (image-text), or a labelled pair (image-image).
 *
 * @param first the sticker id (the anchor of a pair)
 * @param second the pair's other sticker, or null for image-text
 * @param similar the pair's label; true for image-text
 * @param queries the sticker's queries (image-text), one sampled per step
 * @param hardNegatives stickers labelled dissimilar to {@code first}, used as extra InfoNCE negatives
 */
record Example(String first, String second, boolean similar, List<String> queries, List<String> hardNegatives) {}
