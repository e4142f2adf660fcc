package org.gse.train;

import org.gse.djl.DjlArrays;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gse.djl.DjlClipModel;
import org.gse.model.ClipConfig;
import org.gse.model.ClipWeights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training throughput on synthetic inputs, for {@code gse bench train}: a head-only epoch over cached features,
 * and full fine-tuning steps of a whole CLIP. {@code tools/bench_train.py} times the same work in plain PyTorch.
 */
public final class TrainBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(TrainBenchmark.class);

    private TrainBenchmark() {}

    /**
     * One head-only epoch.
     *
     * @param pairs positive pairs in the epoch
     * @param batch pairs per step
     * @param steps optimizer steps taken
     * @param seconds wall time of the epoch (gathering cached rows, loss, backward, AdamW)
     */
    public record HeadEpoch(int pairs, int batch, int steps, double seconds) {}

    /**
     * Full fine-tuning steps.
     *
     * @param batch image-text pairs per step
     * @param runs timed steps (after one warm-up step)
     * @param forwardBackwardSeconds mean time of the two forward passes, the loss and backward
     * @param updateSeconds mean time of clipping and the AdamW update
     */
    public record FullStep(int batch, int runs, double forwardBackwardSeconds, double updateSeconds) {}

    /**
     * Times one epoch of image-image InfoNCE on a linear head {@code (projection, hidden)} over cached features
     * of {@code 2 * pairs} stickers.
     */
    public static HeadEpoch headEpoch(int pairs, int batch, int hidden, int projection, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int stickers = 2 * pairs;
        float[][] cached = new float[stickers][hidden];
        for (float[] row : cached) {
            for (int i = 0; i < hidden; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        float[] weight = new float[projection * hidden];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) (0.02 * random.nextGaussian());
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray head = DjlArrays.owned(manager.create(weight, new Shape(projection, hidden)));
            head.setRequiresGradient(true);
            Map<String, NDArray> parameters = new LinkedHashMap<>();
            parameters.put("visual_projection.weight", head);
            int steps = pairs / batch;
            long start = System.nanoTime();
            try (AdamW optimizer = new AdamW(parameters, 0.1, manager)) {
                for (int step = 0; step < steps; step++) {
                    float[] first = new float[batch * hidden];
                    float[] second = new float[batch * hidden];
                    for (int i = 0; i < batch; i++) {
                        int pair = step * batch + i;
                        System.arraycopy(cached[2 * pair], 0, first, i * hidden, hidden);
                        System.arraycopy(cached[2 * pair + 1], 0, second, i * hidden, hidden);
                    }
                    try (NDManager scope = manager.newSubManager()) {
                        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                            NDArray weightT = head.transpose();
                            weightT.attach(scope);
                            NDArray a = DjlArrays.owned(scope.create(first, new Shape(batch, hidden))).matMul(weightT);
                            NDArray b = DjlArrays.owned(scope.create(second, new Shape(batch, hidden))).matMul(weightT);
                            collector.backward(ContrastiveLoss.infoNce(a, b, null, 0.05));
                        }
                        optimizer.clipGradients(1.0);
                        optimizer.update(AdamW.learningRate(1e-3, step, 10, steps));
                    }
                }
            }
            return new HeadEpoch(pairs, batch, steps, (System.nanoTime() - start) / 1e9);
        }
    }

    /** Times full fine-tuning steps (both towers, CLIP loss, AdamW) of random weights of {@code config}. */
    public static FullStep fullStep(ClipConfig config, int batch, int runs, long seed) {
        LOG.info("Building random weights of {}", org.gse.model.ClipCheckpoint.describe(config));
        ClipWeights weights = ClipWeights.random(config, seed);
        SplittableRandom random = new SplittableRandom(seed);
        int size = config.visionConfig().imageSize();
        int length = config.textConfig().maxPositionEmbeddings();
        float[] pixels = new float[batch * 3 * size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        long[] ids = new long[batch * length];
        int eos = config.textConfig().vocabSize() - 1;
        for (int row = 0; row < batch; row++) {
            int textLength = 5 + random.nextInt(10);
            ids[row * length] = eos - 1;
            for (int i = 1; i < textLength; i++) {
                ids[row * length + i] = 1 + random.nextInt(eos - 2);
            }
            for (int i = textLength; i < length; i++) {
                ids[row * length + i] = eos;
            }
        }
        try (DjlClipModel model = new DjlClipModel(weights);
                NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            model.setTrainable(key -> true);
            Map<String, NDArray> parameters = model.trainableParameters();
            double forwardBackward = 0;
            double update = 0;
            try (AdamW optimizer = new AdamW(parameters, 0.1, manager)) {
                for (int run = 0; run <= runs; run++) {
                    long start = System.nanoTime();
                    try (NDManager scope = manager.newSubManager();
                            GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray image = model.imageFeatures(DjlArrays.owned(scope.create(pixels, new Shape(batch, 3, size, size))));
                        NDArray text = model.textFeatures(DjlArrays.owned(scope.create(ids, new Shape(batch, length))));
                        collector.backward(ContrastiveLoss.clip(image, text, parameters.get("logit_scale")));
                    }
                    long middle = System.nanoTime();
                    optimizer.clipGradients(1.0);
                    optimizer.update(1e-5);
                    long end = System.nanoTime();
                    LOG.info("Full step {} of {}: forward+backward {} ms, update {} ms", run, runs,
                            (middle - start) / 1_000_000, (end - middle) / 1_000_000);
                    if (run > 0) {
                        forwardBackward += (middle - start) / 1e9;
                        update += (end - middle) / 1e9;
                    }
                }
            }
            return new FullStep(batch, runs, forwardBackward / runs, update / runs);
        }
    }
}
