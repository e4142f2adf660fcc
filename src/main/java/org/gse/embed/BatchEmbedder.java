package org.gse.embed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import org.gse.decode.DecodeException;
import org.gse.decode.Sticker;
import org.gse.decode.StickerDecoder;
import org.gse.model.Embedding;
import org.gse.model.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes, hashes and embeds sticker files in batches. A file that fails to decode or embed is recorded as a
 * failure and the batch goes on without it.
 */
public final class BatchEmbedder {

    private static final Logger log = LoggerFactory.getLogger(BatchEmbedder.class);

    /** Files between two progress log lines. */
    private static final int LOG_EVERY = 500;

    /**
     * One embedded sticker.
     *
     * @param file the file read
     * @param sha256 lower-case hex SHA-256 of the file bytes
     * @param format detected container format id
     * @param frameCount decoded frames
     * @param embedding the sticker's unit vector
     */
    public record Embedded(Path file, String sha256, String format, int frameCount, Embedding embedding) {}

    /** A file that could not be used, with the reason. */
    public record Failure(Path file, String reason) {}

    /** Receives each batch of embedded stickers, in input order. */
    @FunctionalInterface
    public interface BatchConsumer {
        void accept(List<Embedded> batch) throws IOException;
    }

    private final StickerDecoder decoder;
    private final Encoder encoder;
    private final int batchSize;

    public BatchEmbedder(StickerDecoder decoder, Encoder encoder, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.decoder = decoder;
        this.encoder = encoder;
        this.batchSize = batchSize;
    }

    /**
     * Embeds {@code files} batch by batch and returns the failures.
     *
     * @param consumer receives every non-empty batch
     * @param progress receives the number of files finished (embedded or failed) after each batch
     */
    public List<Failure> embed(List<Path> files, BatchConsumer consumer, LongConsumer progress) throws IOException {
        List<Failure> failures = new ArrayList<>();
        long start = System.nanoTime();
        int done = 0;
        for (int from = 0; from < files.size(); from += batchSize) {
            List<Path> batchFiles = files.subList(from, Math.min(files.size(), from + batchSize));

            // 1. Decode and hash, skipping broken files
            List<Path> decodedFiles = new ArrayList<>(batchFiles.size());
            List<Sticker> stickers = new ArrayList<>(batchFiles.size());
            List<String> hashes = new ArrayList<>(batchFiles.size());
            for (Path file : batchFiles) {
                try {
                    Sticker sticker = decoder.decode(file);
                    hashes.add(sha256(file));
                    stickers.add(sticker);
                    decodedFiles.add(file);
                } catch (DecodeException e) {
                    log.warn("Skipping {}: {}", file, e.reason());
                    failures.add(new Failure(file, e.reason()));
                } catch (IOException e) {
                    log.warn("Skipping {}: cannot read it: {}", file, e.getMessage());
                    failures.add(new Failure(file, "cannot read file: " + e.getMessage()));
                }
            }

            // 2. Embed the batch; when it fails, embed one by one to find the sticker at fault
            List<Embedded> batch = new ArrayList<>(stickers.size());
            List<Embedding> embeddings = embedBatch(stickers);
            for (int i = 0; i < stickers.size(); i++) {
                Embedding embedding = embeddings != null ? embeddings.get(i) : embedOne(decodedFiles.get(i),
                        stickers.get(i), failures);
                if (embedding != null) {
                    Sticker sticker = stickers.get(i);
                    batch.add(new Embedded(decodedFiles.get(i), hashes.get(i), sticker.format().id(),
                            sticker.frames().size(), embedding));
                }
            }

            // 3. Hand over and report
            if (!batch.isEmpty()) {
                consumer.accept(batch);
            }
            int before = done;
            done += batchFiles.size();
            progress.accept(batchFiles.size());
            if (done / LOG_EVERY > before / LOG_EVERY || done == files.size()) {
                log.info("Embedded {} of {} files ({} failed), {} s elapsed", done, files.size(), failures.size(),
                        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
            }
        }
        return failures;
    }

    /** Returns all embedded stickers of {@code files} in input order, with failures appended to {@code failures}. */
    public List<Embedded> embedAll(List<Path> files, List<Failure> failures, LongConsumer progress)
            throws IOException {
        List<Embedded> all = new ArrayList<>(files.size());
        failures.addAll(embed(files, all::addAll, progress));
        return all;
    }

    /**
     * Returns the lower-case hex SHA-256 of a file's bytes. The file is streamed, because the training model card
     * hashes weight files that can exceed a Java array's 2 GiB limit.
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }

        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private List<Embedding> embedBatch(List<Sticker> stickers) {
        if (stickers.isEmpty()) {
            return List.of();
        }
        try {
            return encoder.embedAll(stickers);
        } catch (RuntimeException e) {
            log.warn("Embedding a batch of {} stickers failed ({}); retrying them one by one", stickers.size(),
                    e.toString());
            return null;
        }
    }

    private Embedding embedOne(Path file, Sticker sticker, List<Failure> failures) {
        try {
            return encoder.embed(sticker);
        } catch (RuntimeException e) {
            log.warn("Skipping {}: embedding failed: {}", file, e.toString());
            failures.add(new Failure(file, "embedding failed: " + e.getMessage()));
            return null;
        }
    }
}
