package org.gse.embed;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.gse.io.AtomicFiles;
import org.gse.model.ClipEncoderBase;
import org.gse.model.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sticker embeddings on disk, keyed by the file's SHA-256, the model id and the embedding settings (frame policy,
 * alpha policy, preprocessing), so a repeated run does no work for stickers it has seen.
 *
 * <p>Layout: {@code <root>/<model id>/<settings hash>/<sha[0:2]>/<sha>.emb}, one small file per sticker, written
 * to a temporary file and renamed, so a crash leaves either the old state or a complete entry; a damaged entry
 * reads as a miss. Safe for concurrent use by threads and processes.
 */
public final class EmbeddingCache {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingCache.class);
    private static final int MAGIC = 0x47534545; // "GSEE"
    // Version 2 added the decoded frame count; entries of version 1 read as misses.
    private static final int VERSION = 2;

    private final Path dir;

    /**
     * A cached result.
     *
     * @param vector the unit embedding
     * @param framesUsed frames that the frame policy selected and that were averaged
     * @param frameCount frames the sticker decoded to, 1 for a still sticker
     * @param format the detected format id
     */
    public record Entry(float[] vector, int framesUsed, int frameCount, String format) {}

    /**
     * @param root the cache root (e.g. {@code ~/.cache/gse/embeddings})
     * @param modelId the encoder's {@link org.gse.model.Encoder#modelId()}
     * @param settings everything else that changes an embedding: frame policy, alpha policy, preprocessing
     */
    public EmbeddingCache(Path root, String modelId, String settings) {
        this.dir = root.resolve(safe(modelId)).resolve(sha256(settings.getBytes(StandardCharsets.UTF_8))
                .substring(0, 16));
    }

    /**
     * Opens the cache under {@code root} for {@code encoder}, keyed by its model id and {@link #settingsOf}, so
     * every command that embeds with the same model and settings shares the entries.
     */
    public static EmbeddingCache forEncoder(Path root, Encoder encoder) {
        return new EmbeddingCache(root, encoder.modelId(), settingsOf(encoder));
    }

    /**
     * Returns the settings part of the cache key for {@code encoder}. For a CLIP encoder these are the frame
     * policy, the preprocessing id, the precision and the engine; the preprocessing that
     * {@code org.gse.engine.Models} builds names the image size, the resampling and the alpha policy in its id. Another {@link Encoder} is keyed by its frame policy and class, because it
     * exposes no preprocessing.
     */
    public static String settingsOf(Encoder encoder) {
        if (encoder instanceof ClipEncoderBase clip) {
            return "frames=" + clip.framePolicy().id() + ";preprocess=" + clip.preprocessor().id() + ";precision="
                    + clip.precision() + ";engine=" + clip.engine();
        }
        return "frames=" + encoder.framePolicy().id() + ";encoder=" + encoder.getClass().getName();
    }

    /** Returns the folder holding this model's and settings' entries. */
    public Path dir() {
        return dir;
    }

    /** Returns the cached entry for a file with this SHA-256, if any. */
    public Optional<Entry> get(String fileSha256) {
        Path file = path(fileSha256);
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                return Optional.empty();
            }
            int frames = in.readInt();
            int frameCount = in.readInt();
            String format = in.readUTF();
            int size = in.readInt();
            if (size < 1 || size > 1 << 16) {
                return Optional.empty();
            }
            float[] vector = new float[size];
            for (int i = 0; i < size; i++) {
                vector[i] = in.readFloat();
            }
            return Optional.of(new Entry(vector, frames, frameCount, format));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.debug("Ignoring unreadable cache entry {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores an entry (atomically; an existing one is replaced). */
    public void put(String fileSha256, Entry entry) throws IOException {
        AtomicFiles.write(path(fileSha256), out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(MAGIC);
            data.writeInt(VERSION);
            data.writeInt(entry.framesUsed());
            data.writeInt(entry.frameCount());
            data.writeUTF(entry.format());
            data.writeInt(entry.vector().length);
            for (float value : entry.vector()) {
                data.writeFloat(value);
            }
            data.flush();
        });
    }

    private Path path(String sha) {
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha);
        }
        return dir.resolve(sha.substring(0, 2)).resolve(sha + ".emb");
    }

    private static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Returns the lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
