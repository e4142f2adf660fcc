package org.gse.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.gse.model.Embedding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalEvaluationTest {

    @TempDir
    Path folder;

    @Test
    void clusteredLabelsRetrievedPerfectly() throws IOException {
        // Four tight clusters of 10 stickers, one label each, plus one sticker with a label of its own.
        Random random = new Random(9);
        List<String> keys = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Embedding> embeddings = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            int cluster = i < 40 ? i % 4 : 4;
            float[] values = new float[8];
            values[cluster] = 1;
            for (int d = 0; d < values.length; d++) {
                values[d] += (float) (0.05 * random.nextGaussian());
            }
            keys.add(StickerIndexTest.sha(i));
            labels.add("label-" + cluster);
            embeddings.add(Embedding.normalise(values));
        }
        RetrievalEvaluation.Settings settings = new RetrievalEvaluation.Settings(20, 100, List.of(1, 5, 10), 200,
                0.95, 1);
        RetrievalEvaluation.Result result = RetrievalEvaluation.evaluate("test-model", keys, labels, embeddings,
                folder, settings);

        assertEquals(41, result.stickers());
        assertEquals(40, result.queriesWithRelevant());
        assertEquals(1, result.queriesWithoutRelevant(), "the singleton label has no relevant sticker");
        for (String metric : List.of("R@1", "R@5", "R@10", "MRR", "mAP")) {
            assertEquals(1.0, result.exact().get(metric).value(), 1e-9, "exact " + metric);
            assertEquals(1.0, result.hnsw().get(metric).value(), 1e-9, "HNSW " + metric);
        }
        assertTrue(result.hnswRecall().get("recall@10").value() >= 0.95,
                "HNSW recall@10 " + result.hnswRecall().get("recall@10"));
    }

    @Test
    void queryMetricsDropUnlabelledHits() {
        List<SearchHit> hits = List.of(
                new SearchHit("b", "b", "png", List.of("sad"), 0.9),
                new SearchHit("c", "c", "png", List.of("happy"), 0.8),
                new SearchHit("d", "d", "png", List.of(), 0.7));
        double[] values = RetrievalEvaluation.queryMetrics(hits, "happy", 2, List.of(1, 2));
        // R@1 = 0, R@2 = 1, RR = 1/2, AP = (1/2) / 2.
        assertEquals(0.0, values[0]);
        assertEquals(1.0, values[1]);
        assertEquals(0.5, values[2]);
        assertEquals(0.25, values[3], 1e-12);
    }
}
