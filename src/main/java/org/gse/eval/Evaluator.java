package org.gse.eval;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import org.gse.data.ImageLocator;
import org.gse.data.Pair;
import org.gse.data.PairSet;
import org.gse.decode.DecodeException;
import org.gse.decode.Sticker;
import org.gse.decode.StickerDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an evaluation: finds and decodes each distinct sticker once, computes every scorer's features for it, scores
 * the train and test pairs, chooses each scorer's threshold on the training pairs only, and measures the test pairs
 * with bootstrap intervals.
 *
 * <p><b>Missing images.</b> A sticker whose file is not in the folder (see {@link ImageLocator}) or cannot be
 * decoded makes its pairs unusable. By default that stops the evaluation with a {@link MissingImagesException}
 * listing them; with {@code allowMissing} those pairs are dropped and counted in the result.
 *
 * <p><b>Threshold.</b> Each scorer's threshold maximises training accuracy ({@link Threshold#maxAccuracy}); the
 * F1-maximising training threshold is reported too, with the test metrics it gives.
 *
 * <p><b>Comparisons.</b> When models ran, each model is compared with the best baseline; otherwise the best
 * baseline is compared with each other baseline. "Best" is the highest AUC on the training pairs (the test pairs do
 * not choose it; ties go to the first listed). Each comparison has a paired-bootstrap difference for every metric
 * and DeLong's test for the AUCs.
 */
public final class Evaluator {

    private static final Logger log = LoggerFactory.getLogger(Evaluator.class);

    /** Stickers decoded and featurised together. */
    private static final int BATCH = 16;

    /**
     * Settings of a run.
     *
     * @param allowMissing drop pairs with missing or undecodable images instead of failing
     * @param bootstrap resampling settings
     * @param hardestExamples how many hardest false positives and negatives to keep per scorer
     */
    public record Options(boolean allowMissing, Bootstrap bootstrap, int hardestExamples) {}

    private final StickerDecoder decoder;
    private final ImageLocator images;
    private final Options options;

    public Evaluator(StickerDecoder decoder, ImageLocator images, Options options) {
        this.decoder = decoder;
        this.images = images;
        this.options = options;
    }

    /** Evaluates the scorers; their names must be distinct. */
    public Evaluation run(PairSet train, PairSet test, List<? extends Scorer<?>> scorers) throws MissingImagesException {
        return run(train, test, scorers, done -> {});
    }

    /**
     * Evaluates the scorers; their names must be distinct.
     *
     * @param progress receives the number of stickers finished after each batch (a progress bar's step)
     */
    public Evaluation run(PairSet train, PairSet test, List<? extends Scorer<?>> scorers, LongConsumer progress)
            throws MissingImagesException {
        Set<String> names = new HashSet<>();
        for (Scorer<?> scorer : scorers) {
            if (!names.add(scorer.name())) {
                throw new IllegalArgumentException("two scorers are named " + scorer.name());
            }
        }
        if (scorers.isEmpty()) {
            throw new IllegalArgumentException("nothing to evaluate: give at least one model or baseline");
        }
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

        Set<String> ids = new LinkedHashSet<>(train.distinctIds());
        ids.addAll(test.distinctIds());
        List<String> missing = new ArrayList<>();
        Map<String, Path> files = new LinkedHashMap<>();
        for (String id : ids) {
            Optional<Path> file = images.find(id);
            if (file.isPresent()) {
                files.put(id, file.get());
            } else {
                missing.add(id);
            }
        }
        if (!missing.isEmpty() && !options.allowMissing()) {
            throw new MissingImagesException(missing, Map.of(), images.folder());
        }

        List<Map<String, Object>> features = new ArrayList<>();
        for (int s = 0; s < scorers.size(); s++) {
            features.add(new HashMap<>());
        }
        Map<String, String> undecodable = featurise(files, scorers, features, progress);
        if (!undecodable.isEmpty() && !options.allowMissing()) {
            throw new MissingImagesException(missing, undecodable, images.folder());
        }

        Set<String> available = new HashSet<>(files.keySet());
        available.removeAll(undecodable.keySet());
        List<Pair> trainPairs = usable(train, available);
        List<Pair> testPairs = usable(test, available);
        int trainDropped = train.size() - trainPairs.size();
        int testDropped = test.size() - testPairs.size();
        if (trainDropped + testDropped > 0) {
            log.warn("Dropped {} training and {} test pairs whose images are missing ({}) or undecodable ({})",
                    trainDropped, testDropped, missing.size(), undecodable.size());
        }
        if (trainPairs.isEmpty()) {
            throw new IllegalArgumentException("no training pair has both images, so no threshold can be chosen");
        }
        if (testPairs.isEmpty()) {
            throw new IllegalArgumentException("no test pair has both images; nothing to evaluate");
        }

        int[] trainLabels = labels(trainPairs);
        int[] testLabels = labels(testPairs);
        List<Evaluation.ScorerResult> results = new ArrayList<>();
        Map<String, Double> trainAuc = new HashMap<>();
        Map<String, String> scorerIds = new LinkedHashMap<>();
        for (int s = 0; s < scorers.size(); s++) {
            Scorer<?> scorer = scorers.get(s);
            double[] trainScores = scores(scorer, features.get(s), trainPairs);
            double[] testScores = scores(scorer, features.get(s), testPairs);
            trainAuc.put(scorer.name(), Metrics.rocAuc(trainScores, trainLabels));
            scorerIds.put(scorer.name(), scorer.id());
            results.add(measure(scorer, trainScores, trainLabels, testScores, testLabels, testPairs, testDropped));
        }

        List<Evaluation.Comparison> comparisons = compare(scorers, results, trainAuc, testLabels);
        Evaluation.Provenance provenance = new Evaluation.Provenance(
                CodeVersion.version(), CodeVersion.gitCommit(), date,
                pairFile(train), pairFile(test), images.folder().toString(), scorerIds,
                options.bootstrap().seed(), options.bootstrap().resamples(), options.bootstrap().level(),
                "maximum training accuracy; ties to the smallest threshold; midpoints between distinct scores",
                CodeVersion.machine());
        Evaluation.DataSummary data = new Evaluation.DataSummary(ids.size(), List.copyOf(missing),
                undecodable, trainPairs.size(), trainDropped, testPairs.size(), testDropped);
        return new Evaluation(provenance, data, results, comparisons, testPairs);
    }

    /** Decodes each file once and stores every scorer's features; returns the ids that failed, with reasons. */
    private Map<String, String> featurise(Map<String, Path> files, List<? extends Scorer<?>> scorers,
            List<Map<String, Object>> features, LongConsumer progress) {
        Map<String, String> undecodable = new LinkedHashMap<>();
        List<Map.Entry<String, Path>> entries = new ArrayList<>(files.entrySet());
        log.info("Decoding {} stickers for {} scorers", entries.size(), scorers.size());
        for (int start = 0; start < entries.size(); start += BATCH) {
            List<Map.Entry<String, Path>> batch = entries.subList(start, Math.min(entries.size(), start + BATCH));
            Sticker[] decoded = new Sticker[batch.size()];
            String[] errors = new String[batch.size()];
            java.util.stream.IntStream.range(0, batch.size()).parallel().forEach(i -> {
                try {
                    decoded[i] = decoder.decode(batch.get(i).getValue());
                } catch (DecodeException e) {
                    errors[i] = e.reason();
                }
            });
            List<String> batchIds = new ArrayList<>();
            List<Sticker> stickers = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (decoded[i] != null) {
                    batchIds.add(batch.get(i).getKey());
                    stickers.add(decoded[i]);
                } else {
                    undecodable.put(batch.get(i).getKey(), errors[i]);
                    log.warn("Cannot decode {}: {}", batch.get(i).getValue(), errors[i]);
                }
            }
            for (int s = 0; s < scorers.size(); s++) {
                List<?> computed = scorers.get(s).featuresAll(stickers);
                for (int i = 0; i < stickers.size(); i++) {
                    features.get(s).put(batchIds.get(i), computed.get(i));
                }
            }
            progress.accept(batch.size());
        }
        return undecodable;
    }

    private Evaluation.ScorerResult measure(Scorer<?> scorer, double[] trainScores, int[] trainLabels,
            double[] testScores, int[] testLabels, List<Pair> testPairs, int testDropped) {
        Threshold.Choice accuracyChoice = Threshold.maxAccuracy(trainScores, trainLabels);
        Threshold.Choice f1Choice = Threshold.maxF1(trainScores, trainLabels);
        double t = accuracyChoice.threshold();
        Map<String, Estimate> test = new LinkedHashMap<>();
        Bootstrap bootstrap = options.bootstrap();
        for (String metric : Evaluation.METRICS) {
            test.put(metric, bootstrap.estimate(testScores, testLabels, metric(metric, t)));
        }
        Metrics.Confusion atF1 = Metrics.confusion(testScores, testLabels, f1Choice.threshold());
        Map<String, Double> atF1Threshold = new LinkedHashMap<>();
        atF1Threshold.put("accuracy", atF1.accuracy());
        atF1Threshold.put("f1", atF1.f1());
        atF1Threshold.put("precision", atF1.precision());
        atF1Threshold.put("recall", atF1.recall());

        List<Evaluation.Example> falsePositives = new ArrayList<>();
        List<Evaluation.Example> falseNegatives = new ArrayList<>();
        for (int i = 0; i < testPairs.size(); i++) {
            boolean predicted = testScores[i] >= t;
            if (predicted && testLabels[i] == 0) {
                falsePositives.add(new Evaluation.Example(testPairs.get(i), testScores[i]));
            } else if (!predicted && testLabels[i] == 1) {
                falseNegatives.add(new Evaluation.Example(testPairs.get(i), testScores[i]));
            }
        }
        falsePositives.sort(Comparator.comparingDouble(Evaluation.Example::score).reversed());
        falseNegatives.sort(Comparator.comparingDouble(Evaluation.Example::score));
        int k = options.hardestExamples();
        return new Evaluation.ScorerResult(scorer.name(), scorer.id(), scorer.baseline(), t,
                accuracyChoice.trainValue(), f1Choice.threshold(), f1Choice.trainValue(), test, atF1Threshold,
                testPairs.size(), testDropped, testScores,
                List.copyOf(falsePositives.subList(0, Math.min(k, falsePositives.size()))),
                List.copyOf(falseNegatives.subList(0, Math.min(k, falseNegatives.size()))));
    }

    /** Returns the named metric, threshold metrics evaluated at {@code threshold}. */
    static Bootstrap.Metric metric(String name, double threshold) {
        return switch (name) {
            case "accuracy" -> (s, y) -> Metrics.accuracy(s, y, threshold);
            case "f1" -> (s, y) -> Metrics.f1(s, y, threshold);
            case "precision" -> (s, y) -> Metrics.precision(s, y, threshold);
            case "recall" -> (s, y) -> Metrics.recall(s, y, threshold);
            case "auc" -> Metrics::rocAuc;
            case "ap" -> Metrics::averagePrecision;
            default -> throw new IllegalArgumentException("unknown metric " + name);
        };
    }

    private List<Evaluation.Comparison> compare(List<? extends Scorer<?>> scorers,
            List<Evaluation.ScorerResult> results, Map<String, Double> trainAuc, int[] testLabels) {
        List<Evaluation.ScorerResult> models = new ArrayList<>();
        List<Evaluation.ScorerResult> baselines = new ArrayList<>();
        for (Evaluation.ScorerResult result : results) {
            (result.baseline() ? baselines : models).add(result);
        }
        if (baselines.isEmpty() || (models.isEmpty() && baselines.size() < 2)) {
            return List.of();
        }
        Evaluation.ScorerResult best = baselines.getFirst();
        for (Evaluation.ScorerResult candidate : baselines) {
            double auc = trainAuc.get(candidate.name());
            if (auc > trainAuc.get(best.name())) {
                best = candidate;
            }
        }
        List<Evaluation.Comparison> comparisons = new ArrayList<>();
        if (!models.isEmpty()) {
            for (Evaluation.ScorerResult model : models) {
                comparisons.add(comparison(model, best, testLabels));
            }
        } else {
            for (Evaluation.ScorerResult other : baselines) {
                if (other != best) {
                    comparisons.add(comparison(best, other, testLabels));
                }
            }
        }
        return comparisons;
    }

    private Evaluation.Comparison comparison(Evaluation.ScorerResult a, Evaluation.ScorerResult b, int[] labels) {
        Map<String, Bootstrap.Difference> differences = new LinkedHashMap<>();
        for (String metric : Evaluation.METRICS) {
            differences.put(metric, options.bootstrap().paired(a.testScores(), b.testScores(), labels,
                    metric(metric, a.threshold()), metric(metric, b.threshold())));
        }
        return new Evaluation.Comparison(a.name(), b.name(), differences,
                DeLong.compare(a.testScores(), b.testScores(), labels));
    }

    private static List<Pair> usable(PairSet set, Set<String> available) {
        List<Pair> result = new ArrayList<>();
        for (Pair pair : set.pairs()) {
            if (available.contains(pair.stickerId()) && available.contains(pair.stickerId2())) {
                result.add(pair);
            }
        }
        return result;
    }

    private static int[] labels(List<Pair> pairs) {
        int[] labels = new int[pairs.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = pairs.get(i).label();
        }
        return labels;
    }

    @SuppressWarnings("unchecked")
    private static double[] scores(Scorer<?> scorer, Map<String, Object> features, List<Pair> pairs) {
        Scorer<Object> typed = (Scorer<Object>) scorer;
        double[] scores = new double[pairs.size()];
        for (int i = 0; i < scores.length; i++) {
            Pair pair = pairs.get(i);
            scores[i] = typed.similarity(features.get(pair.stickerId()), features.get(pair.stickerId2()));
            if (Double.isNaN(scores[i])) {
                throw new IllegalStateException("scorer " + scorer.name() + " returned NaN for " + pair.stickerId()
                        + " and " + pair.stickerId2());
            }
        }
        return scores;
    }

    private static Evaluation.PairFile pairFile(PairSet set) {
        return new Evaluation.PairFile(set.source(), set.sha256(), set.size(), set.positives());
    }
}
