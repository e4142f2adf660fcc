package org.gse.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.gse.model.Embedding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a {@link StickerIndex} on random unit vectors: add throughput, HNSW search latency at one k, and
 * HNSW recall@k against an exact scan of the same index in the same run.
 *
 * <p>Vectors are Gaussian draws normalised to unit length from {@link Random} with a fixed seed, so two runs with
 * the same arguments index the same data. Query vectors come from a second stream ({@code seed + 1}) and are not
 * in the index. Vectors are generated batch by batch and not kept, so the heap contains one batch at a time. The
 * exact scan reads the vectors back from the index.
 *
 * <p>Steps: (1) add {@code vectors} entries in batches of {@code batchSize}, one commit each; (2) run the exact
 * scan for {@code queries} query vectors, the reference for recall; (3) for each HNSW candidate list size (ef),
 * run {@code warmupQueries} untimed searches, then time the same query vectors one at a time.
 */
public final class IndexBenchmark {

    private static final Logger log = LoggerFactory.getLogger(IndexBenchmark.class);

    /** Settings of one run. */
    public record Settings(int vectors, int dimension, int k, List<Integer> candidates, int queries,
            int warmupQueries, int batchSize, double ramBufferMb, int clusters, long seed) {

        public Settings {
            candidates = List.copyOf(candidates);
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("at least one HNSW candidate list size (ef) is needed");
            }
            if (clusters < 0) {
                throw new IllegalArgumentException("clusters must be 0 (uniform vectors) or more, got " + clusters);
            }
            if (vectors < 1 || dimension < 1 || k < 1 || queries < 1 || batchSize < 1 || warmupQueries < 0) {
                throw new IllegalArgumentException("benchmark settings must be positive, got vectors=" + vectors
                        + " dimension=" + dimension + " k=" + k + " queries=" + queries + " batchSize="
                        + batchSize + " warmupQueries=" + warmupQueries);
            }
        }
    }

    /**
     * HNSW search at one candidate list size.
     *
     * @param candidates HNSW ef
     * @param searchP50Ms median search latency, in milliseconds
     * @param searchP99Ms 99th percentile search latency, in milliseconds
     * @param recallAtK mean over queries of |HNSW top k ∩ exact top k| / k
     */
    public record SearchPoint(int candidates, double searchP50Ms, double searchP99Ms, double recallAtK) {}

    /**
     * Results of one run.
     *
     * @param addSeconds wall time of all adds including their commits, without drawing the random vectors
     * @param addsPerSecond {@code vectors / addSeconds}
     * @param exactP50Ms median exact-scan latency, in milliseconds
     * @param exactP99Ms 99th percentile exact-scan latency, in milliseconds
     * @param searches one entry per candidate list size, in the order given
     * @param segments Lucene segments searched (each has its own HNSW graph)
     */
    public record Result(Settings settings, double addSeconds, double addsPerSecond, double exactP50Ms,
            double exactP99Ms, List<SearchPoint> searches, int segments) {}

    private IndexBenchmark() {}

    /** Runs the benchmark against a new index in {@code folder}, which must not hold an index yet. */
    public static Result run(Path folder, Settings settings) throws IOException {
        String modelId = "random-unit-vectors-seed-" + settings.seed();
        try (StickerIndex index = StickerIndex.openForWriting(folder, modelId, settings.dimension(),
                settings.ramBufferMb())) {
            if (index.size() != 0) {
                throw new IllegalArgumentException("benchmark folder " + folder + " already holds "
                        + index.size() + " vectors; pass an empty folder");
            }

            // 1. Add
            double addSeconds = addRandomVectors(index, settings);

            // 2. Exact scan of the query set, the reference for recall
            VectorSource source = new VectorSource(settings);
            Random queryRandom = new Random(settings.seed() + 1);
            float[][] queries = new float[settings.queries()][];
            List<List<SearchHit>> exact = new ArrayList<>(queries.length);
            double[] exactMs = new double[queries.length];
            long exactStart = System.nanoTime();
            for (int q = 0; q < queries.length; q++) {
                queries[q] = source.next(queryRandom);
                long start = System.nanoTime();
                exact.add(index.exactSearch(queries[q], settings.k()));
                exactMs[q] = (System.nanoTime() - start) / 1e6;
                if ((q + 1) % 50 == 0) {
                    log.info("Exact scan: {} of {} queries, {} s elapsed", q + 1, queries.length,
                            String.format(Locale.ROOT, "%.1f", (System.nanoTime() - exactStart) / 1e9));
                }
            }

            // 3. For each ef: untimed warm-up queries, then the timed query set one by one
            List<SearchPoint> points = new ArrayList<>();
            for (int candidates : settings.candidates()) {
                Random warmupRandom = new Random(settings.seed() + 2);
                for (int i = 0; i < settings.warmupQueries(); i++) {
                    index.search(source.next(warmupRandom), settings.k(), candidates);
                }
                double[] searchMs = new double[queries.length];
                double recallSum = 0;
                for (int q = 0; q < queries.length; q++) {
                    long start = System.nanoTime();
                    List<SearchHit> approximate = index.search(queries[q], settings.k(), candidates);
                    searchMs[q] = (System.nanoTime() - start) / 1e6;
                    recallSum += overlap(approximate, exact.get(q)) / (double) exact.get(q).size();
                }
                SearchPoint point = new SearchPoint(candidates, percentile(searchMs, 0.50),
                        percentile(searchMs, 0.99), recallSum / queries.length);
                log.info("HNSW search with ef={}: {}", candidates, point);
                points.add(point);
            }

            Result result = new Result(settings, addSeconds, settings.vectors() / addSeconds,
                    percentile(exactMs, 0.50), percentile(exactMs, 0.99), points, index.info().segments());
            log.info("Benchmark of {} vectors: {}", settings.vectors(), result);
            return result;
        }
    }

    private static double addRandomVectors(StickerIndex index, Settings settings) throws IOException {
        VectorSource source = new VectorSource(settings);
        Random random = new Random(settings.seed());
        long start = System.nanoTime();
        long generationNanos = 0;
        List<StickerEntry> batch = new ArrayList<>(settings.batchSize());
        for (int i = 0; i < settings.vectors(); i++) {
            long generationStart = System.nanoTime();
            Embedding embedding = new Embedding(source.next(random));
            batch.add(new StickerEntry(String.format(Locale.ROOT, "%064x", i), "random/" + i, "none", List.of(), 1,
                    embedding));
            generationNanos += System.nanoTime() - generationStart;
            if (batch.size() == settings.batchSize() || i == settings.vectors() - 1) {
                index.add(batch);
                batch.clear();
                log.info("Added {} of {} vectors, {} s elapsed", i + 1, settings.vectors(),
                        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
            }
        }
        // The time spent drawing random vectors is not part of the index's cost.
        return (System.nanoTime() - start - generationNanos) / 1e9;
    }

    /**
     * Draws benchmark vectors. With {@code clusters == 0} they are uniform on the unit sphere, which in hundreds of
     * dimensions leaves almost no gap between the nearest and a typical neighbour and so is the hardest case for
     * HNSW. With {@code clusters > 0} each vector is a random one of that many uniform centres plus Gaussian noise
     * of norm about {@value #CLUSTER_NOISE}, re-normalised, which is closer to how sticker embeddings group.
     */
    static final class VectorSource {

        private final int dimension;
        private final float[][] centres;

        VectorSource(Settings settings) {
            this.dimension = settings.dimension();
            Random centreRandom = new Random(settings.seed() + 3);
            this.centres = new float[settings.clusters()][];
            for (int c = 0; c < centres.length; c++) {
                centres[c] = randomUnitVector(centreRandom, dimension);
            }
        }

        float[] next(Random random) {
            if (centres.length == 0) {
                return randomUnitVector(random, dimension);
            }
            float[] centre = centres[random.nextInt(centres.length)];
            float[] values = new float[dimension];
            double scale = CLUSTER_NOISE / Math.sqrt(dimension);
            for (int d = 0; d < dimension; d++) {
                values[d] = (float) (centre[d] + scale * random.nextGaussian());
            }
            return Embedding.normalise(values).vector();
        }
    }

    /** Norm of the noise added to a cluster centre, relative to the unit centre. */
    static final double CLUSTER_NOISE = 0.5;

    /** Returns a Gaussian vector normalised to unit length. */
    static float[] randomUnitVector(Random random, int dimension) {
        float[] values = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return Embedding.normalise(values).vector();
    }

    /** Returns how many sha256 keys two hit lists share. */
    static int overlap(List<SearchHit> a, List<SearchHit> b) {
        Set<String> keys = new HashSet<>();
        for (SearchHit hit : b) {
            keys.add(hit.sha256());
        }
        int shared = 0;
        for (SearchHit hit : a) {
            if (keys.contains(hit.sha256())) {
                shared++;
            }
        }
        return shared;
    }

    /** Returns the nearest-rank percentile ({@code p} in (0, 1]) of {@code values}. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
