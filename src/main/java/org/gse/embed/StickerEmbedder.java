package org.gse.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.gse.decode.DecodeException;
import org.gse.decode.Frame;
import org.gse.decode.Sticker;
import org.gse.decode.StickerDecoder;
import org.gse.model.ClipEncoderBase;
import org.gse.model.Embedding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds many sticker files. Decoding and preprocessing run on worker threads and feed a bounded queue. The
 * calling thread batches frames from the queue through the encoder, so decoding overlaps inference and memory
 * stays bounded. A file that cannot be read, decoded or embedded yields a result with an error; the run goes on.
 * Known stickers come from the {@link EmbeddingCache} without decoding.
 */
public final class StickerEmbedder {

    private static final Logger log = LoggerFactory.getLogger(StickerEmbedder.class);

    private final ClipEncoderBase encoder;
    private final StickerDecoder decoder;
    private final EmbeddingCache cache;
    private final int decodeThreads;

    /**
     * One input's outcome.
     *
     * @param file the input file
     * @param sha256 the file's SHA-256 (null when it could not be read)
     * @param format the detected format id (null when unknown)
     * @param framesUsed frames embedded and averaged (0 on failure)
     * @param embedding the unit embedding, or null on failure
     * @param error why it failed, or null
     * @param cached true when the embedding came from the cache
     */
    public record Result(Path file, String sha256, String format, int framesUsed, Embedding embedding, String error,
            boolean cached) {

        public boolean ok() {
            return embedding != null;
        }
    }

    /** A decoded, preprocessed sticker (or a cached or failed one) on its way to the encoder. */
    private record Prepared(int index, Path file, String sha256, String format, float[] pixels, int frames,
            Result done) {}

    public StickerEmbedder(ClipEncoderBase encoder, StickerDecoder decoder, EmbeddingCache cache, int decodeThreads) {
        if (decodeThreads < 1) {
            throw new IllegalArgumentException("decode threads must be positive, got " + decodeThreads);
        }
        this.encoder = encoder;
        this.decoder = decoder;
        this.cache = cache;
        this.decodeThreads = decodeThreads;
    }

    /** Embeds {@code files}; the results are in input order. */
    public List<Result> run(List<Path> files, LongConsumer progress) throws InterruptedException {
        int n = files.size();
        Result[] results = new Result[n];
        if (n == 0) {
            return List.of();
        }
        int batch = encoder.batchSize();
        BlockingQueue<Prepared> queue = new ArrayBlockingQueue<>(Math.max(8, 2 * batch));
        AtomicInteger nextThread = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(decodeThreads, runnable -> {
            Thread thread = new Thread(runnable, "gse-decode-" + nextThread.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (int i = 0; i < n; i++) {
                int index = i;
                workers.execute(() -> {
                    Prepared prepared = prepare(index, files.get(index));
                    try {
                        queue.put(prepared);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            List<Prepared> pending = new ArrayList<>();
            int pendingFrames = 0;
            for (int received = 0; received < n; received++) {
                Prepared item = queue.take();
                if (item.done() != null) {
                    results[item.index()] = item.done();
                    progress.accept(1);
                    continue;
                }
                pending.add(item);
                pendingFrames += item.frames();
                boolean last = received == n - 1;
                if (pendingFrames >= batch || last || queue.isEmpty() && pendingFrames >= batch / 2) {
                    flush(pending, pendingFrames, results);
                    progress.accept(pending.size());
                    pending.clear();
                    pendingFrames = 0;
                }
            }
            if (!pending.isEmpty()) {
                flush(pending, pendingFrames, results);
                progress.accept(pending.size());
            }
        } finally {
            workers.shutdownNow();
        }
        return List.of(results);
    }

    private Prepared prepare(int index, Path file) {
        String sha = null;
        String format = null;
        try {
            byte[] bytes = Files.readAllBytes(file);
            sha = EmbeddingCache.sha256(bytes);
            if (cache != null) {
                Optional<EmbeddingCache.Entry> hit = cache.get(sha);
                if (hit.isPresent() && hit.get().vector().length == encoder.embeddingSize()) {
                    EmbeddingCache.Entry entry = hit.get();
                    return done(index, new Result(file, sha, entry.format(), entry.framesUsed(),
                            new Embedding(entry.vector()), null, true));
                }
            }
            Sticker sticker = decoder.decode(bytes, file);
            format = sticker.format().id();
            List<Frame> frames = encoder.framePolicy().select(sticker);
            int side = encoder.config().visionConfig().imageSize();
            int plane = encoder.config().visionConfig().numChannels() * side * side;
            float[] pixels = new float[frames.size() * plane];
            for (int f = 0; f < frames.size(); f++) {
                float[] one = encoder.preprocessor().pixels(frames.get(f));
                System.arraycopy(one, 0, pixels, f * plane, plane);
            }
            return new Prepared(index, file, sha, format, pixels, frames.size(), null);
        } catch (DecodeException e) {
            log.warn("Cannot decode {}: {}", file, e.reason());
            String detected = e.format() == null ? null : e.format().id();
            return done(index, new Result(file, sha, detected, 0, null, e.reason(), false));
        } catch (IOException e) {
            log.warn("Cannot read {}: {}", file, e.getMessage());
            return done(index, new Result(file, sha, format, 0, null, "cannot read file: " + e.getMessage(), false));
        } catch (RuntimeException | OutOfMemoryError e) {
            log.warn("Cannot prepare {}: {}", file, e.toString());
            return done(index, new Result(file, sha, format, 0, null, e.toString(), false));
        }
    }

    private static Prepared done(int index, Result result) {
        return new Prepared(index, result.file(), result.sha256(), result.format(), null, 0, result);
    }

    private void flush(List<Prepared> items, int frames, Result[] results) {
        if (items.isEmpty()) {
            return;
        }
        int plane = items.getFirst().pixels().length / items.getFirst().frames();
        float[] pixels = new float[frames * plane];
        int offset = 0;
        for (Prepared item : items) {
            System.arraycopy(item.pixels(), 0, pixels, offset, item.pixels().length);
            offset += item.pixels().length;
        }
        List<Embedding> embeddings;
        try {
            embeddings = encoder.embedPixels(pixels, frames);
        } catch (RuntimeException e) {
            log.error("Inference failed for a batch of {} stickers: {}", items.size(), e.toString());
            for (Prepared item : items) {
                results[item.index()] = new Result(item.file(), item.sha256(), item.format(), 0, null,
                        "inference failed: " + e.getMessage(), false);
            }
            return;
        }
        int row = 0;
        for (Prepared item : items) {
            List<Embedding> own = embeddings.subList(row, row + item.frames());
            row += item.frames();
            Embedding embedding = own.size() == 1 ? own.getFirst() : Embedding.meanOf(own);
            results[item.index()] = new Result(item.file(), item.sha256(), item.format(), item.frames(), embedding,
                    null, false);
            if (cache != null) {
                try {
                    cache.put(item.sha256(), new EmbeddingCache.Entry(embedding.vector(), item.frames(),
                            item.format()));
                } catch (IOException e) {
                    log.warn("Cannot write the embedding cache entry for {}: {}", item.file(), e.getMessage());
                }
            }
        }
    }
}
