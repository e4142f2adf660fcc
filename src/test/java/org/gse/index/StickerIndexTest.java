package org.gse.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.gse.model.Embedding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StickerIndexTest {

    private static final String MODEL = "test-model";
    private static final int DIM = 16;

    @TempDir
    Path folder;

    static String sha(int i) {
        return String.format(Locale.ROOT, "%064x", i);
    }

    static Embedding unit(Random random, int dim) {
        float[] values = new float[dim];
        for (int d = 0; d < dim; d++) {
            values[d] = (float) random.nextGaussian();
        }
        return Embedding.normalise(values);
    }

    static Embedding axis(int dim, int i) {
        float[] values = new float[dim];
        values[i] = 1;
        return new Embedding(values);
    }

    static StickerEntry entry(int i, Embedding embedding) {
        return new StickerEntry(sha(i), "stickers/" + i + ".webp", "webp", List.of("label-" + i % 3), 1 + i % 4,
                embedding);
    }

    @Test
    void addSearchRemoveReopen() throws IOException {
        try (StickerIndex index = StickerIndex.openForWriting(folder, MODEL, DIM)) {
            List<StickerEntry> entries = new ArrayList<>();
            for (int i = 0; i < DIM; i++) {
                entries.add(entry(i, axis(DIM, i)));
            }
            index.add(entries);
            assertEquals(DIM, index.size());

            List<SearchHit> hits = index.search(axis(DIM, 3).vector(), 3);
            assertEquals(sha(3), hits.getFirst().sha256());
            assertEquals(1.0, hits.getFirst().score(), 1e-6, "cosine of a vector with itself");
            assertEquals(0.0, hits.get(1).score(), 1e-6, "orthogonal axes have cosine 0");
            assertEquals("stickers/3.webp", hits.getFirst().path());
            assertEquals(List.of("label-0"), hits.getFirst().labels());

            assertEquals(1, index.remove(List.of(sha(3), sha(99))), "only sha(3) was present");
            assertEquals(DIM - 1, index.size());
            assertFalse(index.get(sha(3)).isPresent());
        }

        try (StickerIndex reopened = StickerIndex.openForReading(folder)) {
            assertEquals(DIM - 1, reopened.size());
            assertEquals(MODEL, reopened.modelId());
            assertEquals(DIM, reopened.embeddingSize());
            StickerEntry stored = reopened.get(sha(5)).orElseThrow();
            assertEquals(entry(5, axis(DIM, 5)).frameCount(), stored.frameCount());
            assertEquals(1.0f, stored.embedding().vector()[5]);
            assertTrue(reopened.search(axis(DIM, 3).vector(), DIM).stream()
                    .noneMatch(hit -> hit.sha256().equals(sha(3))), "removed sticker must not be found");
            assertThrows(IllegalStateException.class, () -> reopened.add(List.of(entry(1, axis(DIM, 1)))));
        }
    }

    @Test
    void sameContentStoredOnce() throws IOException {
        try (StickerIndex index = StickerIndex.openForWriting(folder, MODEL, DIM)) {
            index.add(List.of(entry(1, axis(DIM, 1))));
            StickerEntry again = new StickerEntry(sha(1), "elsewhere/copy.webp", "webp", List.of("happy"), 1,
                    axis(DIM, 2));
            index.add(List.of(again));
            index.add(List.of(again, again));

            assertEquals(1, index.size(), "one document per sha256");
            StickerEntry stored = index.get(sha(1)).orElseThrow();
            assertEquals("elsewhere/copy.webp", stored.path(), "the latest add replaces the entry");
            assertEquals(1, index.exactSearch(axis(DIM, 2).vector(), 10).size());
        }
    }

    @Test
    void otherModelRejected() throws IOException {
        try (StickerIndex index = StickerIndex.openForWriting(folder, MODEL, DIM)) {
            index.add(List.of(entry(1, axis(DIM, 1))));
        }
        IllegalArgumentException otherId = assertThrows(IllegalArgumentException.class,
                () -> StickerIndex.openForWriting(folder, "other-model", DIM));
        assertTrue(otherId.getMessage().contains(MODEL), otherId.getMessage());
        assertTrue(otherId.getMessage().contains("other-model"), otherId.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StickerIndex.openForWriting(folder, MODEL, DIM * 2));

        try (StickerIndex reader = StickerIndex.openForReading(folder)) {
            IllegalArgumentException query = assertThrows(IllegalArgumentException.class,
                    () -> reader.requireModel("other-model", DIM));
            assertTrue(query.getMessage().contains("other-model"), query.getMessage());
            reader.requireModel(MODEL, DIM);
        }
        try (StickerIndex reopened = StickerIndex.openForWriting(folder, MODEL, DIM)) {
            assertEquals(1, reopened.size(), "the rejected opens changed nothing");
        }
    }

    @Test
    void invalidEmbeddingsRejected() throws IOException {
        try (StickerIndex index = StickerIndex.openForWriting(folder, MODEL, DIM)) {
            float[] half = axis(DIM, 0).vector();
            half[0] = 0.5f;
            IllegalArgumentException notUnit = assertThrows(IllegalArgumentException.class,
                    () -> index.add(List.of(entry(1, axis(DIM, 1)), entry(2, new Embedding(half)))));
            assertTrue(notUnit.getMessage().contains("norm"), notUnit.getMessage());
            assertEquals(0, index.size(), "a rejected batch writes nothing");

            assertThrows(IllegalArgumentException.class, () -> index.add(List.of(entry(3, axis(DIM + 1, 0)))));
            assertThrows(IllegalArgumentException.class, () -> index.search(axis(DIM, 0).vector(), 0));
        }
        assertThrows(IOException.class, () -> StickerIndex.openForReading(folder.resolve("missing")));
    }

    @Test
    void hnswMatchesExactSearch() throws IOException {
        // Clustered data as embeddings are: 40 centres, 50 noisy points around each.
        Random random = new Random(20261204L);
        int dim = 32;
        List<Embedding> centres = new ArrayList<>();
        for (int c = 0; c < 40; c++) {
            centres.add(unit(random, dim));
        }
        List<StickerEntry> entries = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            float[] centre = centres.get(i % centres.size()).vector();
            float[] point = new float[dim];
            for (int d = 0; d < dim; d++) {
                point[d] = centre[d] + 0.3f * (float) random.nextGaussian() / (float) Math.sqrt(dim);
            }
            entries.add(entry(i, Embedding.normalise(point)));
        }

        try (StickerIndex index = StickerIndex.openForWriting(folder, MODEL, dim)) {
            index.add(entries.subList(0, 1000));
            index.add(entries.subList(1000, 2000));
            int k = 10;
            int found = 0;
            int queries = 100;
            for (int q = 0; q < queries; q++) {
                float[] query = unit(random, dim).vector();
                List<SearchHit> approximate = index.search(query, k);
                List<SearchHit> exact = index.exactSearch(query, k);
                assertEquals(k, exact.size());
                for (int i = 1; i < exact.size(); i++) {
                    assertTrue(exact.get(i - 1).score() >= exact.get(i).score(), "exact results best first");
                }
                found += IndexBenchmark.overlap(approximate, exact);
            }
            double recall = found / (double) (queries * k);
            assertTrue(recall >= 0.95, "HNSW recall@" + k + " against exact search was " + recall
                    + " over " + queries + " queries; expected at least 0.95");
        }
    }
}
