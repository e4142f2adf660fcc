package org.gse.index;

/**
 * What an index folder records about itself, read from its latest Lucene commit.
 *
 * @param modelId the {@link org.gse.model.Encoder#modelId()} whose embeddings the index holds
 * @param embeddingSize the vector dimension
 * @param similarity the Lucene similarity function, always {@code DOT_PRODUCT} on unit vectors
 * @param stickers live (not deleted) stickers
 * @param segments Lucene segments in the commit
 * @param generation the commit generation, which grows by one with every add or remove
 */
public record IndexInfo(String modelId, int embeddingSize, String similarity, int stickers, int segments,
        long generation) {}
