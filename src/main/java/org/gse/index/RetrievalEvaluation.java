package org.gse.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.gse.eval.Bootstrap;
import org.gse.eval.Estimate;
import org.gse.eval.RetrievalMetrics;
import org.gse.model.Embedding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leave-one-out retrieval over labelled stickers: every sticker queries a {@link StickerIndex} of all of them, the
 * query itself is dropped from its results, and the rest are scored with {@link RetrievalMetrics} (a hit is a
 * different sticker with the same label). The same queries run through the HNSW graph and through an exact scan,
 * and HNSW recall@k against the exact top k measures what the approximation loses.
 *
 * <p>Each query retrieves {@code depth} results, so mAP is average precision at that depth. Means and percentile
 * bootstrap intervals are over queries. A query whose label occurs once has no relevant sticker, so it is left
 * out of every retrieval metric but still counts for HNSW recall.
 */
public final class RetrievalEvaluation {

    private static final Logger log = LoggerFactory.getLogger(RetrievalEvaluation.class);

    /** Queries between two progress log lines. */
    private static final int LOG_EVERY = 1000;

    /**
     * Settings of one evaluation.
     *
     * @param depth results retrieved per query, after dropping the query itself
     * @param candidates HNSW ef
     * @param cutoffs the k values of R@k and of HNSW recall@k
     * @param resamples bootstrap resamples
     * @param confidence interval coverage, for example 0.95
     * @param seed bootstrap seed
     */
    public record Settings(int depth, int candidates, List<Integer> cutoffs, int resamples, double confidence,
            long seed) {

        public Settings {
            cutoffs = List.copyOf(cutoffs);
            if (depth < 1) {
                throw new IllegalArgumentException("depth must be at least 1, got " + depth);
            }
            for (int k : cutoffs) {
                if (k < 1 || k > depth) {
                    throw new IllegalArgumentException("cutoff k=" + k + " must be between 1 and the depth " + depth);
                }
            }
        }
    }

    /**
     * Results for one model.
     *
     * @param modelId the encoder's model id
     * @param stickers distinct stickers indexed
     * @param queriesWithRelevant queries whose label occurs at least twice, the ones the metrics average over
     * @param queriesWithoutRelevant queries left out of the retrieval metrics
     * @param hnsw R@k, MRR and mAP through the HNSW graph, each a mean with its interval
     * @param exact the same through the exact scan
     * @param hnswRecall HNSW recall@k against the exact top k, over all queries
     */
    public record Result(String modelId, int stickers, int queriesWithRelevant, int queriesWithoutRelevant,
            Settings settings, Map<String, Estimate> hnsw, Map<String, Estimate> exact,
            Map<String, Estimate> hnswRecall) {}

    private RetrievalEvaluation() {}

    /**
     * Indexes the stickers in {@code indexFolder} (which must be empty) and evaluates every sticker as a query.
     *
     * @param keys sha256 of each sticker's content, distinct
     * @param labels label of each sticker
     * @param embeddings unit vector of each sticker
     */
    public static Result evaluate(String modelId, List<String> keys, List<String> labels,
            List<Embedding> embeddings, Path indexFolder, Settings settings) throws IOException {
        int n = keys.size();
        if (labels.size() != n || embeddings.size() != n) {
            throw new IllegalArgumentException("keys, labels and embeddings differ in count: " + n + ", "
                    + labels.size() + ", " + embeddings.size());
        }
        if (new HashSet<>(keys).size() != n) {
            throw new IllegalArgumentException("sticker keys must be distinct; drop duplicate content first");
        }
        if (n < 2) {
            throw new IllegalArgumentException("retrieval needs at least 2 stickers, got " + n);
        }
        Map<String, Integer> labelCounts = new HashMap<>();
        for (String label : labels) {
            labelCounts.merge(label, 1, Integer::sum);
        }

        // 1. Index every sticker
        try (StickerIndex index = StickerIndex.openForWriting(indexFolder, modelId, embeddings.getFirst().size())) {
            List<StickerEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                entries.add(new StickerEntry(keys.get(i), keys.get(i), "none", List.of(labels.get(i)), 1,
                        embeddings.get(i)));
            }
            index.add(entries);

            // 2. Query with every sticker through both searches
            List<String> names = metricNames(settings.cutoffs());
            double[][] hnswValues = new double[names.size()][n];
            double[][] exactValues = new double[names.size()][n];
            double[][] recallValues = new double[settings.cutoffs().size()][n];
            int retrieve = Math.min(n, settings.depth() + 1);
            long start = System.nanoTime();
            for (int q = 0; q < n; q++) {
                float[] query = embeddings.get(q).vector();
                List<SearchHit> hnsw = withoutQuery(index.search(query, retrieve, settings.candidates()),
                        keys.get(q), settings.depth());
                List<SearchHit> exact = withoutQuery(index.exactSearch(query, retrieve), keys.get(q),
                        settings.depth());
                int totalRelevant = labelCounts.get(labels.get(q)) - 1;
                double[] hnswMetrics = queryMetrics(hnsw, labels.get(q), totalRelevant, settings.cutoffs());
                double[] exactMetrics = queryMetrics(exact, labels.get(q), totalRelevant, settings.cutoffs());
                for (int m = 0; m < names.size(); m++) {
                    hnswValues[m][q] = hnswMetrics[m];
                    exactValues[m][q] = exactMetrics[m];
                }
                for (int c = 0; c < settings.cutoffs().size(); c++) {
                    recallValues[c][q] = hnswRecallAtK(hnsw, exact, settings.cutoffs().get(c));
                }
                if ((q + 1) % LOG_EVERY == 0) {
                    log.info("Retrieval queries: {} of {}, {} s elapsed", q + 1, n,
                            String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
                }
            }

            // 3. Means with bootstrap intervals over queries
            Bootstrap bootstrap = new Bootstrap(settings.resamples(), settings.seed(), settings.confidence());
            Map<String, Estimate> hnswSummary = new LinkedHashMap<>();
            Map<String, Estimate> exactSummary = new LinkedHashMap<>();
            for (int m = 0; m < names.size(); m++) {
                hnswSummary.put(names.get(m), bootstrap.mean(hnswValues[m]));
                exactSummary.put(names.get(m), bootstrap.mean(exactValues[m]));
            }
            Map<String, Estimate> recallSummary = new LinkedHashMap<>();
            for (int c = 0; c < settings.cutoffs().size(); c++) {
                recallSummary.put("recall@" + settings.cutoffs().get(c), bootstrap.mean(recallValues[c]));
            }
            int without = RetrievalMetrics.countUndefined(exactValues[0]);
            if (without > 0) {
                log.warn("{} of {} queries have a label no other sticker shares; they are left out of R@k, MRR and"
                        + " mAP", without, n);
            }
            return new Result(modelId, n, n - without, without, settings, hnswSummary, exactSummary, recallSummary);
        }
    }

    /** Returns the metric names in the order {@link #queryMetrics} fills them: R@k for each cutoff, MRR, mAP. */
    public static List<String> metricNames(List<Integer> cutoffs) {
        List<String> names = new ArrayList<>();
        for (int k : cutoffs) {
            names.add("R@" + k);
        }
        names.add("MRR");
        names.add("mAP");
        return names;
    }

    /**
     * Returns R@k for each cutoff, the reciprocal rank and the average precision of one query's results, all NaN
     * when {@code totalRelevant} is 0.
     *
     * @param hits results without the query itself; a hit is relevant when its first label is the query's
     */
    public static double[] queryMetrics(List<SearchHit> hits, String queryLabel, int totalRelevant,
            List<Integer> cutoffs) {
        double[] scores = new double[hits.size()];
        boolean[] relevant = new boolean[hits.size()];
        for (int i = 0; i < hits.size(); i++) {
            scores[i] = hits.get(i).score();
            relevant[i] = !hits.get(i).labels().isEmpty() && hits.get(i).labels().getFirst().equals(queryLabel);
        }
        int[] ranks = RetrievalMetrics.relevantRanks(scores, relevant);
        double[] values = new double[cutoffs.size() + 2];
        for (int c = 0; c < cutoffs.size(); c++) {
            values[c] = RetrievalMetrics.recallAtK(ranks, totalRelevant, cutoffs.get(c));
        }
        values[cutoffs.size()] = RetrievalMetrics.reciprocalRank(ranks, totalRelevant);
        values[cutoffs.size() + 1] = RetrievalMetrics.averagePrecision(ranks, totalRelevant);
        return values;
    }

    /** Returns |HNSW top k ∩ exact top k| / |exact top k|, or NaN when the exact list is empty. */
    static double hnswRecallAtK(List<SearchHit> hnsw, List<SearchHit> exact, int k) {
        List<SearchHit> exactTop = exact.subList(0, Math.min(k, exact.size()));
        if (exactTop.isEmpty()) {
            return Double.NaN;
        }
        Set<String> exactKeys = new HashSet<>();
        for (SearchHit hit : exactTop) {
            exactKeys.add(hit.sha256());
        }
        int found = 0;
        for (SearchHit hit : hnsw.subList(0, Math.min(k, hnsw.size()))) {
            if (exactKeys.contains(hit.sha256())) {
                found++;
            }
        }
        return found / (double) exactTop.size();
    }

    // NOTE: a relevant sticker tied in score with the last of the depth results may be cut off, depending on the
    // search's order among equal scores; the tie rule of RetrievalMetrics applies only within the list.
    private static List<SearchHit> withoutQuery(List<SearchHit> hits, String queryKey, int depth) {
        List<SearchHit> kept = new ArrayList<>(hits.size());
        for (SearchHit hit : hits) {
            if (!hit.sha256().equals(queryKey) && kept.size() < depth) {
                kept.add(hit);
            }
        }
        return kept;
    }
}
