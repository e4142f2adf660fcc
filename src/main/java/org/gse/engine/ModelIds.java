package org.gse.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.gse.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes model ids, the first 16 hex digits of the SHA-256 of a model's weight files in the given order, and
 * caches them, because hashing reads every byte of the weights (about 1 s per 600 MB).
 *
 * <p>A cached id stays valid while every weight file keeps its absolute path, size and last-modified time. Ids are
 * cached in memory for the life of the process and on disk in {@code <cache>/model-ids/}, one JSON file per list
 * of weight files, written atomically. A damaged cache file is ignored and rewritten.
 *
 * <p>NOTE: a rewrite that keeps the size and the last-modified time (within the file system's timestamp
 * resolution, or with the time set back on purpose) keeps the old id. Delete {@code <cache>/model-ids/} then.
 */
final class ModelIds {

    private static final Logger log = LoggerFactory.getLogger(ModelIds.class);

    /** The value of the cache files' {@code format} field; a file with another value is ignored. */
    private static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Ids computed or read in this process. A few entries per model file opened, so it needs no bound. */
    private static final Map<List<FileKey>, String> MEMORY = new ConcurrentHashMap<>();

    /** Number of times weight files were hashed in this process, so tests can check that the cache works. */
    static final AtomicInteger HASH_COUNT = new AtomicInteger();

    private ModelIds() {}

    /** What a cached id depends on for one weight file; the time is in nanoseconds since the epoch. */
    record FileKey(String path, long size, long modifiedNanos) {

        static FileKey of(Path file) throws IOException {
            Path absolute = file.toAbsolutePath().normalize();
            BasicFileAttributes attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
            return new FileKey(absolute.toString(), attributes.size(),
                    attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        }
    }

    /**
     * Returns the id of the weights in {@code files}, hashing them only when no cached id matches their current
     * sizes and times.
     *
     * @param cacheDir the gse cache root, or null to cache in memory only
     */
    static String of(List<Path> files, Path cacheDir) throws IOException {
        List<FileKey> keys = keys(files);
        String id = MEMORY.get(keys);
        if (id != null) {
            return id;
        }

        Path cacheFile = cacheDir == null ? null : cacheFile(cacheDir, keys);
        id = cacheFile == null ? null : readCached(cacheFile, keys);
        if (id != null) {
            log.debug("Model id {} of {} read from {}", id, keys.getFirst().path(), cacheFile);
            MEMORY.put(keys, id);
            return id;
        }

        id = sha256Prefix(files);

        // A file that changed while it was hashed may have given a mix of old and new bytes, so its id is used
        // once and not cached.
        if (!keys(files).equals(keys)) {
            log.warn("Weights of {} changed while they were hashed; the model id {} is not cached",
                    keys.getFirst().path(), id);
            return id;
        }
        MEMORY.put(keys, id);
        if (cacheFile != null) {
            writeCached(cacheFile, keys, id);
        }
        return id;
    }

    /** Forgets the ids cached in memory, so tests can check the disk cache. */
    static void clearMemory() {
        MEMORY.clear();
    }

    private static List<FileKey> keys(List<Path> files) throws IOException {
        List<FileKey> keys = new ArrayList<>(files.size());
        for (Path file : files) {
            keys.add(FileKey.of(file));
        }
        return List.copyOf(keys);
    }

    /** Names the cache file after the paths only, so a changed file overwrites its stale entry. */
    private static Path cacheFile(Path cacheDir, List<FileKey> keys) {
        StringBuilder paths = new StringBuilder();
        for (FileKey key : keys) {
            paths.append(key.path()).append('\n');
        }
        byte[] digest = sha256().digest(paths.toString().getBytes(StandardCharsets.UTF_8));
        return cacheDir.resolve("model-ids").resolve(HexFormat.of().formatHex(digest, 0, 16) + ".json");
    }

    /** Returns the cached id when {@code file} records exactly {@code keys}, else null. */
    private static String readCached(Path file, List<FileKey> keys) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node.path("format").asInt() != FORMAT) {
                return null;
            }
            List<FileKey> recorded = new ArrayList<>();
            for (JsonNode entry : node.path("files")) {
                recorded.add(new FileKey(entry.path("path").asText(), entry.path("size").asLong(-1),
                        entry.path("modified_ns").asLong(-1)));
            }
            String id = node.path("id").asText("");
            boolean wellFormed = id.matches("[0-9a-f]{16}");
            return wellFormed && recorded.equals(keys) ? id : null;
        } catch (IOException e) {
            log.warn("Ignoring unreadable model id cache file {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** Writes the cache file; a failure only costs a re-hash next time, so it is logged and not raised. */
    private static void writeCached(Path file, List<FileKey> keys, String id) {
        ObjectNode node = JSON.createObjectNode();
        node.put("format", FORMAT);
        node.put("id", id);
        ArrayNode entries = node.putArray("files");
        for (FileKey key : keys) {
            entries.addObject().put("path", key.path()).put("size", key.size()).put("modified_ns", key.modifiedNanos());
        }
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            log.warn("Cannot write model id cache file {}: {}; the weights will be hashed again next time", file,
                    e.getMessage());
        }
    }

    /** Hashes the files' bytes in order and returns the first 16 hex digits of the SHA-256. */
    static String sha256Prefix(List<Path> files) throws IOException {
        HASH_COUNT.incrementAndGet();
        long start = System.nanoTime();
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 20];
        for (Path file : files) {
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                while (in.read(buffer) >= 0) {
                    // digesting
                }
            }
        }
        String id = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        log.debug("Hashed {} weight file(s) in {} ms: model id {}", files.size(),
                (System.nanoTime() - start) / 1_000_000, id);
        return id;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must provide", e);
        }
    }
}
