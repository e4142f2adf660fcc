package org.gse.eval;

import java.util.List;
import org.gse.decode.Sticker;
import org.gse.model.Embedding;

/**
 * The source of sticker embeddings for a {@link ModelScorer}. This is the seam for the engine's persistent cache
 * ({@code org.gse.embed.EmbeddingCache}): an adapter implementing this interface plugs it in without touching the
 * evaluation. Until then {@link InMemoryEmbeddings} embeds each distinct sticker once per run.
 */
public interface EmbeddingSource {

    /** Returns one embedding per sticker, in order. */
    List<Embedding> embedAll(List<Sticker> stickers);

    /** Returns the id of the model behind the embeddings. */
    String modelId();
}
