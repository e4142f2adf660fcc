package org.gse.cli;

import java.nio.file.Path;
import org.gse.embed.EmbeddingCache;
import org.gse.model.Encoder;
import picocli.CommandLine.Option;

/**
 * Command-line options for the {@link EmbeddingCache}, shared by the commands that embed stickers through a model
 * they open with the default engine options. The entries live in {@code <cache root>/embeddings}, the folder that
 * {@code gse embed} uses, so stickers embedded by one command are not embedded again by another.
 */
public final class EmbeddingCacheOptions {

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Cache root; embeddings are read from and written to its embeddings/ folder, shared with"
                    + " gse embed (default: $GSE_CACHE_DIR, else $XDG_CACHE_HOME/gse, else ~/.cache/gse).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Neither read nor write cached embeddings.")
    boolean noCache;

    /** Returns the cache for {@code encoder}, or null when {@code --no-cache} is given. */
    public EmbeddingCache open(Encoder encoder) {
        if (noCache) {
            return null;
        }
        Path root = cacheDir != null ? cacheDir : CommandServices.cacheRoot();
        return EmbeddingCache.forEncoder(root.resolve("embeddings"), encoder);
    }
}
