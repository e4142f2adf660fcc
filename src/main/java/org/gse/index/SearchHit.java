package org.gse.index;

import java.util.List;

/**
 * One search result.
 *
 * @param sha256 key of the stored sticker
 * @param path the path stored with it
 * @param format container format id
 * @param labels stored labels
 * @param score cosine similarity between the query and the stored embedding, in [-1, 1]
 */
public record SearchHit(String sha256, String path, String format, List<String> labels, double score) {}
