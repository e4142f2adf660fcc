package org.gse.eval;

import java.util.List;
import org.gse.decode.Sticker;
import org.gse.model.Embedding;
import org.gse.model.Encoder;

/**
 * Scores pairs by the cosine of model embeddings ({@link Embedding#cosine}, the dot product of unit vectors), in
 * [-1, 1]. Embeddings come from an {@link EmbeddingSource}, so each distinct sticker is embedded once.
 */
public final class ModelScorer implements Scorer<Embedding> {

    private final String name;
    private final EmbeddingSource embeddings;
    private final AutoCloseable owned;

    /**
     * @param name the name shown in reports, for example the model folder's name
     * @param embeddings where embeddings come from
     * @param owned closed with this scorer (the encoder), or null
     */
    public ModelScorer(String name, EmbeddingSource embeddings, AutoCloseable owned) {
        this.name = name;
        this.embeddings = embeddings;
        this.owned = owned;
    }

    /** Creates a scorer over an encoder with an in-memory embedding cache. Closing the scorer closes the encoder. */
    public static ModelScorer of(String name, Encoder encoder) {
        return new ModelScorer(name, new InMemoryEmbeddings(encoder), encoder);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String id() {
        return embeddings.modelId();
    }

    @Override
    public Embedding features(Sticker sticker) {
        return embeddings.embedAll(List.of(sticker)).getFirst();
    }

    @Override
    public List<Embedding> featuresAll(List<Sticker> stickers) {
        return embeddings.embedAll(stickers);
    }

    @Override
    public double similarity(Embedding a, Embedding b) {
        return a.cosine(b);
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close model " + name + ": " + e.getMessage(), e);
            }
        }
    }
}
