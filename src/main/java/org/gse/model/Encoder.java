package org.gse.model;

import java.util.ArrayList;
import java.util.List;
import org.gse.decode.Frame;
import org.gse.decode.FramePolicy;
import org.gse.decode.Sticker;

/**
 * Maps stickers (and, when the model has a text tower, text) into one embedding space. Implementations own
 * native resources; close them when done. They are safe to call from several threads.
 */
public interface Encoder extends AutoCloseable {

    /** Returns a stable identifier of the weights, used in caches and index metadata (for example a sha256 prefix). */
    String modelId();

    /** Returns the embedding size, {@code projection_dim} for CLIP. */
    int embeddingSize();

    /** Returns the frames of an animated sticker that {@link #embed(Sticker)} averages. */
    FramePolicy framePolicy();

    /** Embeds single frames (preprocessing and alpha flattening included), one unit vector each. */
    List<Embedding> embedFrames(List<Frame> frames);

    /** Returns true when {@link #embedText(List)} is available. */
    default boolean hasTextTower() {
        return false;
    }

    /** Embeds text queries; throws {@link UnsupportedOperationException} for a vision-only model. */
    default List<Embedding> embedText(List<String> texts) {
        throw new UnsupportedOperationException("model " + modelId() + " cannot embed text (no text tower, or no tokenizer.json in its folder); use a CLIP model"
                + " with a text_config to search by text");
    }

    /** Embeds a sticker: its frames under {@link #framePolicy()}, averaged and re-normalised. */
    default Embedding embed(Sticker sticker) {
        return embedAll(List.of(sticker)).getFirst();
    }

    /** Embeds several stickers in one batch of frames. */
    default List<Embedding> embedAll(List<Sticker> stickers) {
        List<Frame> frames = new ArrayList<>();
        int[] counts = new int[stickers.size()];
        for (int i = 0; i < stickers.size(); i++) {
            List<Frame> selected = framePolicy().select(stickers.get(i));
            counts[i] = selected.size();
            frames.addAll(selected);
        }
        List<Embedding> frameEmbeddings = embedFrames(frames);
        List<Embedding> result = new ArrayList<>(stickers.size());
        int offset = 0;
        for (int count : counts) {
            List<Embedding> own = frameEmbeddings.subList(offset, offset + count);
            result.add(count == 1 ? own.getFirst() : Embedding.meanOf(own));
            offset += count;
        }
        return result;
    }

    @Override
    void close();
}
