package org.gse.embed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.gse.model.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds many sticker files. Decoding (and, for a {@link ClipEncoderBase}, preprocessing) runs on worker threads
 * and feeds a bounded queue. The calling thread takes the prepared stickers in input order and batches their frames
 * through the encoder, so decoding overlaps inference and memory stays bounded. Batches follow the input, not decode
 * timing, because an int8 graph quantises each batch with one scale, so the same files give the same embeddings.
 *
 * <p>A file that cannot be read, decoded or embedded yields a result with an error and the run goes on. When a
 * whole forward pass fails, its stickers are embedded one by one so that only the sticker at fault fails. Known
 * stickers come from the {@link EmbeddingCache} without decoding.
 */
public final class StickerEmbedder {

    private static final Logger log = LoggerFactory.getLogger(StickerEmbedder.class);

    /** Files between two progress log lines. */
    private static final int LOG_EVERY = 500;

    private final Encoder encoder;
    private final ClipEncoderBase clip;
    private final StickerDecoder decoder;
    private final EmbeddingCache cache;
    private final int decodeThreads;
    private final int batchFrames;

    /**
     * One input's outcome.
     *
     * @param file the input file
     * @param sha256 the file's SHA-256 (null when it could not be read)
     * @param format the detected format id (null when unknown)
     * @param framesUsed frames embedded and averaged (0 on failure)
     * @param frameCount frames the sticker decoded to, 1 for a still sticker (0 on failure)
     * @param embedding the unit embedding, or null on failure
     * @param error why it failed, or null
     * @param cached true when the embedding came from the cache
     */
    public record Result(Path file, String sha256, String format, int framesUsed, int frameCount,
            Embedding embedding, String error, boolean cached) {

        public boolean ok() {
            return embedding != null;
        }
    }

    /** Receives results in input order, a chunk at a time. */
    @FunctionalInterface
    public interface ResultConsumer {
        void accept(List<Result> chunk) throws IOException;
    }

    /**
     * A decoded sticker (or a cached or failed one) on its way to the encoder. A CLIP encoder gets the
     * preprocessed {@code pixels}, any other encoder the {@code selected} frames.
     */
    private record Prepared(int index, Path file, String sha256, String format, float[] pixels,
            List<Frame> selected, int frames, int frameCount, Result done) {}

    /**
     * @param encoder the model; a {@link ClipEncoderBase} also gets its preprocessing done on the worker threads
     * @param decoder the decoder with the caller's limits
     * @param cache the embedding cache, or null to neither read nor write cached embeddings
     * @param decodeThreads worker threads that read, hash, decode and preprocess
     * @param batchFrames frames per forward pass; a pass may exceed it by the frames of its last sticker
     */
    public StickerEmbedder(Encoder encoder, StickerDecoder decoder, EmbeddingCache cache, int decodeThreads,
            int batchFrames) {
        if (decodeThreads < 1) {
            throw new IllegalArgumentException("decode threads must be positive, got " + decodeThreads);
        }
        if (batchFrames < 1) {
            throw new IllegalArgumentException("batch size must be at least 1 frame, got " + batchFrames);
        }
        this.encoder = encoder;
        this.clip = encoder instanceof ClipEncoderBase base ? base : null;
        this.decoder = decoder;
        this.cache = cache;
        this.decodeThreads = decodeThreads;
        this.batchFrames = batchFrames;
    }

    /** Embeds {@code files}; the results are in input order, one per file. */
    public List<Result> run(List<Path> files, LongConsumer progress) throws InterruptedException {
        List<Result> all = new ArrayList<>(files.size());
        try {
            run(files, Math.max(1, files.size()), all::addAll, progress);
        } catch (IOException e) {
            throw new IllegalStateException("collecting results into a list cannot fail", e);
        }
        return all;
    }

    /**
     * Embeds {@code files} and hands the results to {@code consumer} in input order, in chunks of
     * {@code chunkSize} results (the last chunk may be smaller). Failed files are in the chunks too, with their
     * error. An exception from the consumer stops the run.
     *
     * @param progress receives the number of files finished (embedded, cached or failed) as they finish
     */
    public void run(List<Path> files, int chunkSize, ResultConsumer consumer, LongConsumer progress)
            throws IOException, InterruptedException {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1, got " + chunkSize);
        }
        int n = files.size();
        if (n == 0) {
            return;
        }
        Handover handover = new Handover(n, chunkSize, consumer, progress);
        // Files in flight (submitted, not yet taken in order) never exceed the window, so the queue never fills
        int window = Math.max(8, 2 * batchFrames);
        BlockingQueue<Prepared> queue = new ArrayBlockingQueue<>(window);
        AtomicInteger nextThread = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(decodeThreads, runnable -> {
            Thread thread = new Thread(runnable, "gse-decode-" + nextThread.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            // 1. Workers prepare files in any order, but at most `window` files past the first one not yet taken, so
            //    the prepared pixels that wait for an earlier, slow file stay bounded
            int submitted = 0;
            while (submitted < Math.min(n, window)) {
                submit(workers, queue, files, submitted++);
            }

            // 2. This thread takes prepared stickers in input order and cuts forward passes of batchFrames frames.
            //    The batches then depend only on the input, not on decode timing, which matters because an int8
            //    graph quantises each batch with one scale: the same files give the same embeddings on every run.
            Map<Integer, Prepared> early = new HashMap<>();
            List<Prepared> pending = new ArrayList<>();
            int pendingFrames = 0;
            for (int next = 0; next < n; next++) {
                Prepared item = early.remove(next);
                while (item == null) {
                    Prepared arrived = queue.take();
                    if (arrived.index() == next) {
                        item = arrived;
                    } else {
                        early.put(arrived.index(), arrived);
                    }
                }
                if (submitted < n) {
                    submit(workers, queue, files, submitted++);
                }

                if (item.done() != null) {
                    handover.put(item.index(), item.done());
                    continue;
                }
                pending.add(item);
                pendingFrames += item.frames();
                if (pendingFrames >= batchFrames) {
                    flush(pending, pendingFrames, handover);
                    pending.clear();
                    pendingFrames = 0;
                }
            }
            if (!pending.isEmpty()) {
                flush(pending, pendingFrames, handover);
            }
        } finally {
            workers.shutdownNow();
        }
    }

    /** Prepares file {@code index} on a worker thread and puts the result on {@code queue}. */
    private void submit(ExecutorService workers, BlockingQueue<Prepared> queue, List<Path> files, int index) {
        workers.execute(() -> {
            Prepared prepared = prepare(index, files.get(index));
            try {
                queue.put(prepared);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
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

    private Prepared prepare(int index, Path file) {
        String sha = null;
        String format = null;
        try {
            // 1. Check the size before reading, so an oversized file is never read into memory
            long size = Files.size(file);
            if (size > decoder.limits().maxFileBytes()) {
                String reason = "file is " + size + " bytes, over the limit of " + decoder.limits().maxFileBytes()
                        + " bytes; raise the file-size limit to decode it";
                log.warn("Cannot decode {}: {}", file, reason);
                return done(index, new Result(file, null, null, 0, 0, null, reason, false));
            }

            // 2. Hash and look the content up in the cache
            byte[] bytes = Files.readAllBytes(file);
            sha = EmbeddingCache.sha256(bytes);
            if (cache != null) {
                Optional<EmbeddingCache.Entry> hit = cache.get(sha);
                if (hit.isPresent() && hit.get().vector().length == encoder.embeddingSize()) {
                    EmbeddingCache.Entry entry = hit.get();
                    return done(index, new Result(file, sha, entry.format(), entry.framesUsed(),
                            entry.frameCount(), new Embedding(entry.vector()), null, true));
                }
            }

            // 3. Decode, select frames and, for a CLIP encoder, preprocess them here on the worker thread
            Sticker sticker = decoder.decode(bytes, file);
            format = sticker.format().id();
            List<Frame> frames = encoder.framePolicy().select(sticker);
            int frameCount = sticker.frames().size();
            if (clip == null) {
                return new Prepared(index, file, sha, format, null, List.copyOf(frames), frames.size(), frameCount,
                        null);
            }
            int side = clip.config().visionConfig().imageSize();
            int plane = clip.config().visionConfig().numChannels() * side * side;
            float[] pixels = new float[frames.size() * plane];
            for (int f = 0; f < frames.size(); f++) {
                float[] framePixels = clip.preprocessor().pixels(frames.get(f));
                System.arraycopy(framePixels, 0, pixels, f * plane, plane);
            }
            return new Prepared(index, file, sha, format, pixels, null, frames.size(), frameCount, null);
        } catch (DecodeException e) {
            log.warn("Cannot decode {}: {}", file, e.reason());
            String detected = e.format() == null ? null : e.format().id();
            return done(index, new Result(file, sha, detected, 0, 0, null, e.reason(), false));
        } catch (NoSuchFileException e) {
            log.warn("Cannot read {}: file not found", file);
            return done(index, new Result(file, null, null, 0, 0, null, "file not found; check the path", false));
        } catch (IOException e) {
            log.warn("Cannot read {}: {}", file, e.getMessage());
            return done(index, new Result(file, sha, format, 0, 0, null, "cannot read file: " + e.getMessage(),
                    false));
        } catch (RuntimeException | OutOfMemoryError e) {
            log.warn("Cannot prepare {}: {}", file, e.toString());
            return done(index, new Result(file, sha, format, 0, 0, null, e.toString(), false));
        }
    }

    private static Prepared done(int index, Result result) {
        return new Prepared(index, result.file(), result.sha256(), result.format(), null, null, 0, 0, result);
    }

    /**
     * Embeds {@code items} in one forward pass of {@code frames} frames. When the pass fails, embeds each
     * sticker alone, so that only the stickers whose own pass fails get an error.
     */
    private void flush(List<Prepared> items, int frames, Handover handover) throws IOException {
        if (items.isEmpty()) {
            return;
        }
        List<Embedding> embeddings;
        try {
            embeddings = infer(items, frames);
        } catch (RuntimeException e) {
            if (items.size() == 1) {
                fail(items.getFirst(), e, handover);
                return;
            }
            log.warn("Inference failed for a batch of {} stickers ({}); retrying them one by one", items.size(),
                    e.toString());
            for (Prepared item : items) {
                try {
                    finish(List.of(item), infer(List.of(item), item.frames()), handover);
                } catch (RuntimeException single) {
                    fail(item, single, handover);
                }
            }
            return;
        }
        finish(items, embeddings, handover);
    }

    private void fail(Prepared item, RuntimeException e, Handover handover) throws IOException {
        log.warn("Skipping {}: inference failed: {}", item.file(), e.toString());
        handover.put(item.index(), new Result(item.file(), item.sha256(), item.format(), 0, item.frameCount(), null,
                "inference failed: " + e.getMessage(), false));
    }

    /** Runs one forward pass over the frames of {@code items} and returns one unit vector per frame. */
    private List<Embedding> infer(List<Prepared> items, int frames) {
        List<Embedding> embeddings;
        if (clip != null) {
            int plane = items.getFirst().pixels().length / items.getFirst().frames();
            float[] pixels = new float[frames * plane];
            int offset = 0;
            for (Prepared item : items) {
                System.arraycopy(item.pixels(), 0, pixels, offset, item.pixels().length);
                offset += item.pixels().length;
            }
            embeddings = clip.embedPixels(pixels, frames);
        } else {
            List<Frame> all = new ArrayList<>(frames);
            for (Prepared item : items) {
                all.addAll(item.selected());
            }
            embeddings = encoder.embedFrames(all);
        }
        if (embeddings.size() != frames) {
            throw new IllegalStateException("the encoder returned " + embeddings.size() + " embeddings for "
                    + frames + " frames");
        }
        return embeddings;
    }

    /** Averages each sticker's frame embeddings, caches the result and hands it over. */
    private void finish(List<Prepared> items, List<Embedding> embeddings, Handover handover) throws IOException {
        int row = 0;
        for (Prepared item : items) {
            List<Embedding> own = embeddings.subList(row, row + item.frames());
            row += item.frames();
            Embedding embedding = own.size() == 1 ? own.getFirst() : Embedding.meanOf(own);
            if (cache != null) {
                try {
                    cache.put(item.sha256(), new EmbeddingCache.Entry(embedding.vector(), item.frames(),
                            item.frameCount(), item.format()));
                } catch (IOException e) {
                    log.warn("Cannot write the embedding cache entry for {}: {}", item.file(), e.getMessage());
                }
            }
            handover.put(item.index(), new Result(item.file(), item.sha256(), item.format(), item.frames(),
                    item.frameCount(), embedding, null, false));
        }
    }

    /**
     * Collects finished results and passes them on in input order, {@code chunkSize} at a time; counts progress
     * and logs it every {@link #LOG_EVERY} files. Used by the calling thread only.
     */
    private static final class Handover {

        private final Result[] results;
        private final int chunkSize;
        private final ResultConsumer consumer;
        private final LongConsumer progress;
        private final long startNanos = System.nanoTime();
        private int nextToHand;
        private int finished;
        private int failed;

        Handover(int count, int chunkSize, ResultConsumer consumer, LongConsumer progress) {
            this.results = new Result[count];
            this.chunkSize = chunkSize;
            this.consumer = consumer;
            this.progress = progress;
        }

        /** Records the result of input {@code index} and passes on every complete chunk at the front. */
        void put(int index, Result result) throws IOException {
            // 1. Record and count
            assert results[index] == null : "input " + index + " finished twice";
            results[index] = result;
            finished++;
            failed += result.ok() ? 0 : 1;
            progress.accept(1);
            if (finished % LOG_EVERY == 0 || finished == results.length) {
                log.info("Embedded {} of {} files ({} failed), {} s elapsed", finished, results.length, failed,
                        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9));
            }

            // 2. Pass on complete chunks; handed slots are cleared so a long run keeps few results in memory
            while (nextToHand < results.length) {
                int end = Math.min(results.length, nextToHand + chunkSize);
                for (int i = nextToHand; i < end; i++) {
                    if (results[i] == null) {
                        return;
                    }
                }
                List<Result> chunk = List.of(Arrays.copyOfRange(results, nextToHand, end));
                Arrays.fill(results, nextToHand, end, null);
                nextToHand = end;
                consumer.accept(chunk);
            }
        }
    }
}
