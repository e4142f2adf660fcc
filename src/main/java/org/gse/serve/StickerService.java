package org.gse.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.gse.decode.DecodeException;
import org.gse.decode.Sticker;
import org.gse.decode.StickerDecoder;
import org.gse.index.SearchHit;
import org.gse.index.StickerEntry;
import org.gse.index.StickerIndex;
import org.gse.model.Embedding;
import org.gse.model.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations behind the HTTP API, without HTTP: decoding and embedding uploads, searching and changing the
 * index, and finding stored sticker files. The index is optional, and without one, search and writes fail with 404.
 *
 * <p>Thread-safe. {@link StickerIndex} allows searches from several threads between writes but not during one, so
 * a read-write lock lets searches run together and gives each add or remove the index alone.
 */
public final class StickerService {

    private static final Logger log = LoggerFactory.getLogger(StickerService.class);

    /** An uploaded sticker after decoding and embedding. */
    record Embedded(String sha256, Sticker sticker, Embedding embedding) {}

    private final Encoder encoder;
    private final StickerDecoder decoder;
    private final StickerIndex index;
    private final Path filesFolder;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    /**
     * @param index an index opened for writing with the encoder's model, or null for a server without search
     * @param filesFolder where added stickers are stored; created on the first add
     */
    public StickerService(Encoder encoder, StickerDecoder decoder, StickerIndex index, Path filesFolder) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.index = index;
        this.filesFolder = filesFolder;
        if (index != null) {
            index.requireModel(encoder.modelId(), encoder.embeddingSize());
        }
    }

    public Encoder encoder() {
        return encoder;
    }

    /** Returns the index folder, or null for a server without an index. */
    public Path indexFolder() {
        return index == null ? null : index.folder();
    }

    /** Returns the number of indexed stickers, or -1 without an index. */
    public int indexSize() {
        if (index == null) {
            return -1;
        }
        lock.readLock().lock();
        try {
            return index.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Decodes and embeds one upload; a decoding failure becomes 422 with the decoder's reason. */
    Embedded embed(byte[] bytes, String name) {
        String sha256 = sha256(bytes);
        Sticker sticker;
        try {
            sticker = decoder.decode(bytes, Path.of(sha256));
        } catch (DecodeException e) {
            log.info("Rejected upload {} ({}, {} bytes): {}", sha256, name, bytes.length, e.reason());
            throw new ApiException(422, "decode_failed", "cannot decode '" + name + "': " + e.reason());
        }
        return new Embedded(sha256, sticker, encoder.embed(sticker));
    }

    /** Embeds a text query with the model's text tower; a vision-only model gets 400. */
    Embedding embedText(String text) {
        if (!encoder.hasTextTower()) {
            throw ApiException.badRequest("model " + encoder.modelId() + " cannot embed text (no text tower, or no"
                    + " tokenizer.json in its folder); send a sticker instead");
        }
        try {
            return encoder.embedText(List.of(text)).getFirst();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("cannot embed text '" + text + "': " + e.getMessage());
        }
    }

    /** Returns the {@code k} nearest indexed stickers, best first. */
    List<SearchHit> search(Embedding query, int k) throws IOException {
        StickerIndex required = requireIndex();
        lock.readLock().lock();
        try {
            return required.search(query.vector(), k);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Stores the upload under its sha256 in the files folder and adds it to the index; returns the entry. Adding
     * the same content again replaces the entry's labels.
     */
    StickerEntry add(byte[] bytes, Embedded embedded, List<String> labels) throws IOException {
        StickerIndex required = requireIndex();
        Path file = storedFile(embedded.sha256());
        StickerEntry entry = new StickerEntry(embedded.sha256(), file.toString(),
                embedded.sticker().format().id(), labels, embedded.sticker().frames().size(), embedded.embedding());
        lock.writeLock().lock();
        try {
            Files.createDirectories(filesFolder);
            if (!Files.exists(file)) {
                Path partial = Files.createTempFile(filesFolder, embedded.sha256(), ".partial");
                Files.write(partial, bytes);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            required.add(List.of(entry));
        } finally {
            lock.writeLock().unlock();
        }
        log.info("Added sticker {} ({}, {} frames) to the index", entry.sha256(), entry.format(), entry.frameCount());
        return entry;
    }

    /** Removes a sticker from the index and deletes its stored file; returns false when it was not indexed. */
    boolean remove(String sha256) throws IOException {
        StickerIndex required = requireIndex();
        requireSha256(sha256);
        boolean present;
        lock.writeLock().lock();
        try {
            present = required.remove(List.of(sha256)) > 0;
            Files.deleteIfExists(storedFile(sha256));
        } finally {
            lock.writeLock().unlock();
        }
        if (present) {
            log.info("Removed sticker {} from the index", sha256);
        }
        return present;
    }

    /**
     * Returns the indexed sticker with this sha256. The file to serve is the path the index stores for it, never
     * a path taken from the request.
     */
    Optional<StickerEntry> find(String sha256) throws IOException {
        StickerIndex required = requireIndex();
        requireSha256(sha256);
        lock.readLock().lock();
        try {
            return required.get(sha256);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Path storedFile(String sha256) {
        // The name is 64 checked hex characters, so it cannot leave the files folder.
        return filesFolder.resolve(sha256);
    }

    private StickerIndex requireIndex() {
        if (index == null) {
            throw ApiException.notFound("this server has no index; start gse serve with --index DIR to search and"
                    + " add stickers");
        }
        return index;
    }

    static void requireSha256(String sha256) {
        if (!StickerEntry.isSha256(sha256)) {
            throw ApiException.badRequest("invalid sticker id '" + abbreviate(sha256)
                    + "'; expected a sha256: 64 lower-case hexadecimal characters");
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
