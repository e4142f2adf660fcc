package org.gse.eval;

import java.util.List;
import java.util.Map;
import org.gse.data.Pair;

/**
 * The result of evaluating scorers on a train/test split of labelled pairs, with the provenance a reviewer needs to
 * trust and reproduce it (in the spirit of Tribuo's evaluations, which carry the provenance of model and data).
 *
 * @param provenance what was run, on which files, with which settings, when
 * @param data which pairs were used and which were dropped for missing or undecodable images
 * @param scorers one result per scorer, in the order given
 * @param comparisons paired comparisons between scorers (see {@link Evaluator})
 * @param testPairs the test pairs evaluated (after dropping), aligned with each scorer's {@code testScores}
 */
public record Evaluation(
        Provenance provenance,
        DataSummary data,
        List<ScorerResult> scorers,
        List<Comparison> comparisons,
        List<Pair> testPairs) {

    /** Metric names, in report order: threshold metrics first, then the threshold-free ones. */
    public static final List<String> METRICS = List.of("accuracy", "f1", "precision", "recall", "auc", "ap");

    public Evaluation {
        scorers = List.copyOf(scorers);
        comparisons = List.copyOf(comparisons);
        testPairs = List.copyOf(testPairs);
    }

    /**
     * The origin of the numbers: code, data, settings and time.
     *
     * @param codeVersion the gse version (jar manifest) or "development build"
     * @param gitCommit the commit the code was built from, with "-dirty" for uncommitted changes; null if unknown
     * @param date when the evaluation ran, ISO-8601 UTC
     * @param trainPairs the training pair file
     * @param testPairs the test pair file
     * @param images the image folder
     * @param scorerIds each scorer's name mapped to its model id or baseline rule
     * @param seed the bootstrap seed
     * @param resamples the number of bootstrap resamples
     * @param confidenceLevel the confidence level of the intervals
     * @param thresholdRule how thresholds were chosen
     * @param machine Java version, operating system and processor count
     */
    public record Provenance(
            String codeVersion,
            String gitCommit,
            String date,
            PairFile trainPairs,
            PairFile testPairs,
            String images,
            Map<String, String> scorerIds,
            long seed,
            int resamples,
            double confidenceLevel,
            String thresholdRule,
            String machine) {}

    /**
     * A pair file with its checksum.
     *
     * @param path as given on the command line
     * @param sha256 hex SHA-256 of the file's bytes
     * @param pairs pairs in the file
     * @param positives pairs labelled similar
     */
    public record PairFile(String path, String sha256, int pairs, int positives) {}

    /**
     * The pairs evaluated and the images that were missing or undecodable.
     *
     * @param distinctStickers distinct sticker ids in both files
     * @param missingImages ids with no image file in the folder
     * @param undecodable ids whose file could not be decoded, with the reason
     * @param trainPairsUsed training pairs with both images available
     * @param trainPairsDropped training pairs dropped for a missing or undecodable image
     * @param testPairsUsed test pairs with both images available
     * @param testPairsDropped test pairs dropped for a missing or undecodable image
     */
    public record DataSummary(
            int distinctStickers,
            List<String> missingImages,
            Map<String, String> undecodable,
            int trainPairsUsed,
            int trainPairsDropped,
            int testPairsUsed,
            int testPairsDropped) {}

    /**
     * One scorer's results.
     *
     * @param name report name
     * @param id model id or baseline rule
     * @param baseline true for a weight-free baseline
     * @param threshold the accuracy-maximising threshold chosen on the training pairs
     * @param trainAccuracy training accuracy at {@code threshold}
     * @param f1Threshold the F1-maximising threshold chosen on the training pairs
     * @param trainF1 training F1 at {@code f1Threshold}
     * @param test test metrics ({@link #METRICS}) at {@code threshold}, with bootstrap intervals
     * @param testAtF1Threshold test accuracy, F1, precision and recall at {@code f1Threshold} (no intervals)
     * @param nPairs test pairs evaluated
     * @param nMissing test pairs dropped for a missing or undecodable image
     * @param testScores the score of each evaluated test pair, aligned with {@link Evaluation#testPairs()}
     * @param hardestFalsePositives dissimilar test pairs called similar, highest score first
     * @param hardestFalseNegatives similar test pairs called dissimilar, lowest score first
     */
    public record ScorerResult(
            String name,
            String id,
            boolean baseline,
            double threshold,
            double trainAccuracy,
            double f1Threshold,
            double trainF1,
            Map<String, Estimate> test,
            Map<String, Double> testAtF1Threshold,
            int nPairs,
            int nMissing,
            double[] testScores,
            List<Example> hardestFalsePositives,
            List<Example> hardestFalseNegatives) {}

    /** A test pair with one scorer's score. */
    public record Example(Pair pair, double score) {}

    /**
     * Scorer {@code a} against scorer {@code b} on the same test pairs.
     *
     * @param a the first scorer (a model, or the best baseline when no model ran)
     * @param b the second scorer (the best baseline, or another baseline)
     * @param differences per metric, {@code a - b} with a paired-bootstrap interval and p-value
     * @param delong DeLong's test of the two AUCs
     */
    public record Comparison(String a, String b, Map<String, Bootstrap.Difference> differences, DeLong.Result delong) {}

    /** Returns the result of the scorer named {@code name}. */
    public ScorerResult scorer(String name) {
        for (ScorerResult result : scorers) {
            if (result.name().equals(name)) {
                return result;
            }
        }
        throw new IllegalArgumentException("no scorer named " + name);
    }
}
