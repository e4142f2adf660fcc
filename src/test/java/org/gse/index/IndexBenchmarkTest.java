package org.gse.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexBenchmarkTest {

    @TempDir
    Path folder;

    @Test
    void smallClusteredRunMeasuresEverything() throws IOException {
        IndexBenchmark.Settings settings = new IndexBenchmark.Settings(2000, 32, 10, List.of(20, 200), 50, 5, 1000,
                64, 30, 5);
        IndexBenchmark.Result result = IndexBenchmark.run(folder, settings);

        assertTrue(result.addsPerSecond() > 0, "adds per second " + result.addsPerSecond());
        assertEquals(2, result.searches().size());
        IndexBenchmark.SearchPoint wide = result.searches().get(1);
        assertEquals(200, wide.candidates());
        assertTrue(wide.searchP50Ms() <= wide.searchP99Ms(), wide.toString());
        assertTrue(wide.recallAtK() >= 0.9, "HNSW recall@10 with ef=200 was " + wide.recallAtK()
                + " on 2,000 clustered 32-d vectors; expected at least 0.9");
        assertTrue(result.searches().get(0).recallAtK() <= wide.recallAtK() + 1e-9,
                "a larger ef must not lose recall: " + result.searches());
    }

    @Test
    void percentileUsesNearestRank() {
        double[] values = {5, 1, 4, 2, 3};
        assertEquals(3.0, IndexBenchmark.percentile(values, 0.5));
        assertEquals(5.0, IndexBenchmark.percentile(values, 0.99));
        assertEquals(1.0, IndexBenchmark.percentile(values, 0.01));
    }
}
