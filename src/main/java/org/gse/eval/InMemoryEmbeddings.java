package org.gse.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.gse.decode.Sticker;
import org.gse.model.Embedding;
import org.gse.model.Encoder;

/**
 * Embeds stickers with an {@link Encoder} and remembers the result per sticker file for the life of the object,
 * so a sticker that appears in many pairs is embedded once. Stickers already seen are not sent to the encoder;
 * the rest go in one batch.
 */
public final class InMemoryEmbeddings implements EmbeddingSource {

    private final Encoder encoder;
    private final Map<Path, Embedding> cache = new ConcurrentHashMap<>();

    public InMemoryEmbeddings(Encoder encoder) {
        this.encoder = encoder;
    }

    @Override
    public String modelId() {
        return encoder.modelId();
    }

    @Override
    public List<Embedding> embedAll(List<Sticker> stickers) {
        Map<Path, Sticker> pending = new LinkedHashMap<>();
        for (Sticker sticker : stickers) {
            Path key = key(sticker);
            if (!cache.containsKey(key)) {
                pending.putIfAbsent(key, sticker);
            }
        }
        if (!pending.isEmpty()) {
            List<Sticker> missing = new ArrayList<>(pending.values());
            List<Embedding> computed = encoder.embedAll(missing);
            for (int i = 0; i < missing.size(); i++) {
                cache.put(key(missing.get(i)), computed.get(i));
            }
        }
        List<Embedding> result = new ArrayList<>(stickers.size());
        for (Sticker sticker : stickers) {
            result.add(cache.get(key(sticker)));
        }
        return result;
    }

    /** Returns the number of distinct stickers embedded so far. */
    public int size() {
        return cache.size();
    }

    private static Path key(Sticker sticker) {
        return sticker.source().toAbsolutePath().normalize();
    }
}
