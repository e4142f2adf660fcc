package org.gse.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {

    @TempDir
    Path root;

    static final String SHA = EmbeddingCache.sha256("sticker".getBytes(StandardCharsets.UTF_8));

    @Test
    void storesAndReturnsAnEntry() throws Exception {
        EmbeddingCache cache = new EmbeddingCache(root, "abc123", "frames=even:4;alpha=white");
        assertTrue(cache.get(SHA).isEmpty());
        cache.put(SHA, new EmbeddingCache.Entry(new float[] {0.6f, 0.8f}, 3, 12, "gif"));
        EmbeddingCache.Entry entry = cache.get(SHA).orElseThrow();
        assertArrayEquals(new float[] {0.6f, 0.8f}, entry.vector());
        assertEquals(3, entry.framesUsed());
        assertEquals(12, entry.frameCount());
        assertEquals("gif", entry.format());
    }

    @Test
    void keysIncludeTheModelAndTheSettings() throws Exception {
        EmbeddingCache a = new EmbeddingCache(root, "model-a", "frames=first");
        a.put(SHA, new EmbeddingCache.Entry(new float[] {1f}, 1, 1, "png"));
        assertTrue(new EmbeddingCache(root, "model-b", "frames=first").get(SHA).isEmpty());
        assertTrue(new EmbeddingCache(root, "model-a", "frames=even:4").get(SHA).isEmpty());
        assertNotEquals(new EmbeddingCache(root, "m", "x").dir(), new EmbeddingCache(root, "m", "y").dir());
    }

    @Test
    void aDamagedEntryIsAMissAndNoTemporaryFilesRemain() throws Exception {
        EmbeddingCache cache = new EmbeddingCache(root, "m", "s");
        cache.put(SHA, new EmbeddingCache.Entry(new float[] {1f, 0f}, 1, 1, "png"));
        Path entry;
        try (Stream<Path> files = Files.walk(root)) {
            entry = files.filter(p -> p.toString().endsWith(".emb")).findFirst().orElseThrow();
        }
        try (Stream<Path> files = Files.walk(root)) {
            assertEquals(0, files.filter(p -> p.toString().endsWith(".tmp")).count());
        }
        byte[] bytes = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertTrue(cache.get(SHA).isEmpty());
    }
}
