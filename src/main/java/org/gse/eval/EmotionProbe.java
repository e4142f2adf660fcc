package org.gse.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.gse.model.Embedding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.nearest.KNNModel;
import org.tribuo.common.nearest.KNNTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.distance.CosineDistance;
import org.tribuo.math.neighbour.NeighboursQueryFactoryType;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

/**
 * Emotion classification on frozen embeddings, scored by stratified k-fold cross-validation.
 *
 * <p>Two classifiers, both from Tribuo 4.3:
 * <ul>
 *   <li>linear probe: multinomial logistic regression ({@link LogMulticlass} loss, softmax over classes) trained
 *       by {@link LinearSGDTrainer} with AdaGrad, on features standardised to mean 0 and standard deviation 1
 *       with statistics of the training folds only;</li>
 *   <li>kNN: the majority label of the k nearest training embeddings by cosine distance ({@link VotingCombiner}
 *       breaks ties as Tribuo does).</li>
 * </ul>
 *
 * <p>Folds: the samples of each class are shuffled with the seed and dealt to the folds in turn, so every fold
 * holds each class in about the same proportion. Each sample is predicted once, by the model trained on the
 * other folds. Accuracy and macro-F1 are computed on these out-of-fold predictions, with percentile bootstrap
 * intervals over samples.
 */
public final class EmotionProbe {

    private static final Logger log = LoggerFactory.getLogger(EmotionProbe.class);

    /**
     * Tribuo logs every training run through java.util.logging at INFO on standard error; this probe trains
     * twice per fold, so only Tribuo's warnings are kept. The field keeps the logger, and so its level, alive.
     */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    static {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    /**
     * Settings of one evaluation.
     *
     * @param folds number of folds, at least 2
     * @param epochs passes of SGD over the training folds for the linear probe
     * @param learningRate AdaGrad initial learning rate
     * @param neighbours k of the kNN classifier
     * @param resamples bootstrap resamples for the intervals
     * @param confidence interval coverage, for example 0.95
     * @param seed seed for folds, SGD order and bootstrap
     */
    public record Settings(int folds, int epochs, double learningRate, int neighbours, int resamples,
            double confidence, long seed) {

        public Settings {
            if (folds < 2) {
                throw new IllegalArgumentException("folds must be at least 2, got " + folds);
            }
            if (epochs < 1 || neighbours < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("epochs, neighbours and learning rate must be positive, got "
                        + epochs + ", " + neighbours + ", " + learningRate);
            }
        }
    }

    /**
     * Scores of one classifier.
     *
     * @param method {@code linear-probe} or {@code knn}
     * @param accuracy fraction of correct out-of-fold predictions
     * @param macroF1 macro-averaged F1, see {@link ClassificationMetrics}
     * @param confusion counts, rows the true class and columns the predicted class, in {@code classes} order
     * @param predicted out-of-fold predicted class index of every sample
     */
    public record MethodResult(String method, Estimate accuracy, Estimate macroF1, long[][] confusion,
            int[] predicted) {}

    /**
     * Scores of both classifiers.
     *
     * @param classes class names in index order (sorted)
     * @param classCounts samples per class, same order
     */
    public record Result(List<String> classes, int[] classCounts, List<MethodResult> methods) {}

    private EmotionProbe() {}

    /** Runs both classifiers under cross-validation. */
    public static Result evaluate(List<Embedding> embeddings, List<String> labels, Settings settings) {
        if (embeddings.size() != labels.size()) {
            throw new IllegalArgumentException("embeddings and labels differ in count: " + embeddings.size()
                    + " and " + labels.size());
        }
        List<String> classes = labels.stream().distinct().sorted().toList();
        if (classes.size() < 2) {
            throw new IllegalArgumentException("emotion classification needs at least 2 classes, got "
                    + classes.size() + " (" + classes + ")");
        }
        if (embeddings.size() < settings.folds()) {
            throw new IllegalArgumentException("need at least as many stickers as folds: " + embeddings.size()
                    + " stickers, " + settings.folds() + " folds");
        }
        int[] truth = labels.stream().mapToInt(classes::indexOf).toArray();
        int[] counts = new int[classes.size()];
        for (int t : truth) {
            counts[t]++;
        }
        int[] fold = stratifiedFolds(truth, classes.size(), settings.folds(), settings.seed());
        List<Example<Label>> examples = toExamples(embeddings, labels);

        List<MethodResult> methods = new ArrayList<>();
        methods.add(crossValidate("linear-probe", linearProbe(settings), examples, truth, fold, classes, settings));
        methods.add(crossValidate("knn", knn(settings), examples, truth, fold, classes, settings));
        return new Result(classes, counts, methods);
    }

    /**
     * Returns the fold of each sample: per class, a seeded shuffle dealt round-robin, starting where the previous
     * class stopped so that small classes do not all land in fold 0.
     */
    static int[] stratifiedFolds(int[] truth, int classes, int folds, long seed) {
        Random random = new Random(seed);
        int[] fold = new int[truth.length];
        int next = 0;
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < truth.length; i++) {
                if (truth[i] == c) {
                    members.add(i);
                }
            }
            Collections.shuffle(members, random);
            for (int member : members) {
                fold[member] = next;
                next = (next + 1) % folds;
            }
        }
        return fold;
    }

    private static MethodResult crossValidate(String method, Trainer<Label> trainer, List<Example<Label>> examples,
            int[] truth, int[] fold, List<String> classes, Settings settings) {
        long start = System.nanoTime();
        int[] predicted = new int[truth.length];
        for (int f = 0; f < settings.folds(); f++) {
            MutableDataset<Label> train = new MutableDataset<>(
                    new SimpleDataSourceProvenance("gse embeddings, training folds", new LabelFactory()),
                    new LabelFactory());
            List<Integer> held = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                if (fold[i] == f) {
                    held.add(i);
                } else {
                    train.add(examples.get(i));
                }
            }
            if (held.isEmpty()) {
                continue;
            }
            Model<Label> model = trainer.train(train);
            for (int i : held) {
                String label = model.predict(examples.get(i)).getOutput().getLabel();
                predicted[i] = classes.indexOf(label);
            }
            log.info("{}: fold {} of {} done, {} s elapsed", method, f + 1, settings.folds(),
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        }

        int n = truth.length;
        Bootstrap bootstrap = new Bootstrap(settings.resamples(), settings.seed(), settings.confidence());
        Estimate accuracy = bootstrap.estimate(n, indices -> ClassificationMetrics.accuracy(
                pick(truth, indices), pick(predicted, indices)));
        Estimate macroF1 = bootstrap.estimate(n, indices -> ClassificationMetrics.macroF1(
                pick(truth, indices), pick(predicted, indices), classes.size()));
        return new MethodResult(method, accuracy, macroF1,
                ClassificationMetrics.confusionMatrix(truth, predicted, classes.size()), predicted);
    }

    private static Trainer<Label> linearProbe(Settings settings) {
        LinearSGDTrainer logistic = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(settings.learningRate()),
                settings.epochs(), settings.seed());
        return new TransformTrainer<>(logistic, new TransformationMap(List.of(new MeanStdDevTransformation())));
    }

    private static Trainer<Label> knn(Settings settings) {
        return new KNNTrainer<>(settings.neighbours(), new CosineDistance(), 1, new VotingCombiner(),
                KNNModel.Backend.STREAMS, NeighboursQueryFactoryType.BRUTE_FORCE);
    }

    private static List<Example<Label>> toExamples(List<Embedding> embeddings, List<String> labels) {
        int size = embeddings.getFirst().size();
        String[] names = new String[size];
        for (int d = 0; d < size; d++) {
            names[d] = String.format(Locale.ROOT, "d%04d", d);
        }
        List<Example<Label>> examples = new ArrayList<>(embeddings.size());
        for (int i = 0; i < embeddings.size(); i++) {
            float[] vector = embeddings.get(i).vector();
            if (vector.length != size) {
                throw new IllegalArgumentException("embedding sizes differ: " + size + " and " + vector.length
                        + " at sticker " + i);
            }
            double[] values = new double[size];
            for (int d = 0; d < size; d++) {
                values[d] = vector[d];
            }
            examples.add(new ArrayExample<>(new Label(labels.get(i)), names, values));
        }
        return examples;
    }

    private static int[] pick(int[] values, int[] indices) {
        int[] picked = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            picked[i] = values[indices[i]];
        }
        return picked;
    }

    /** Returns per-class sample counts keyed by class name, for reports. */
    public static Map<String, Integer> countsByClass(Result result) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int c = 0; c < result.classes().size(); c++) {
            counts.put(result.classes().get(c), result.classCounts()[c]);
        }
        return counts;
    }
}
