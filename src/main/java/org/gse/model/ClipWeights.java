package org.gse.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A CLIP model's configuration and its float32 weights, keyed by Hugging Face checkpoint key (see
 * {@link ClipKeys}): what the engines take. The constructor checks that every parameter the configuration needs
 * is present with the right shape and keeps only those, in {@link ClipKeys#expected} order, plus
 * {@code logit_scale} (the configuration's initial value when a vision-only checkpoint has none). Loading from
 * disk is {@link ClipCheckpoint#load}; {@link #of} converts.
 */
public record ClipWeights(ClipConfig config, Map<String, Tensor> tensors) {

    public ClipWeights {
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> expected : ClipKeys.expected(config).entrySet()) {
            Tensor tensor = tensors.get(expected.getKey());
            if (tensor == null) {
                throw new IllegalArgumentException("checkpoint has no tensor '" + expected.getKey()
                        + "', which this CLIP configuration needs; is it a Hugging Face CLIPModel checkpoint?");
            }
            long[] shape = tensor.shape();
            boolean scalarLike = expected.getValue().length == 0 && tensor.data().length == 1;
            if (!scalarLike && !Arrays.equals(shape, expected.getValue())) {
                throw new IllegalArgumentException("tensor '" + expected.getKey() + "' has shape "
                        + Arrays.toString(shape) + " but config.json implies " + Arrays.toString(expected.getValue()));
            }
            ordered.put(expected.getKey(), tensor);
        }
        if (!ordered.containsKey(ClipKeys.LOGIT_SCALE)) {
            Tensor stored = tensors.get(ClipKeys.LOGIT_SCALE);
            ordered.put(ClipKeys.LOGIT_SCALE, stored != null ? stored
                    : new Tensor(new long[0], new float[] {(float) config.logitScaleInitValue()}));
        }
        tensors = java.util.Collections.unmodifiableMap(ordered);
    }

    /** Returns the weights of a loaded checkpoint. */
    public static ClipWeights of(ClipCheckpoint checkpoint) {
        return new ClipWeights(checkpoint.config(), checkpoint.weights());
    }

    /** Returns the tensor stored under {@code key}; throws when absent. */
    public Tensor get(String key) {
        Tensor tensor = tensors.get(key);
        if (tensor == null) {
            throw new IllegalArgumentException("no tensor '" + key + "' in the checkpoint");
        }
        return tensor;
    }

    /** Returns the scalar {@code logit_scale} (before {@code exp}). */
    public float logitScale() {
        return get(ClipKeys.LOGIT_SCALE).data()[0];
    }

    /**
     * Returns random weights of the given configuration, reproducible from {@code seed}: normal(0, 0.02)
     * matrices and embeddings, LayerNorm gains near 1 and biases near 0 (perturbed so tests notice a swapped gain
     * or bias). For tests and benchmarks; the embeddings mean nothing.
     */
    public static ClipWeights random(ClipConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>(ClipKeys.expected(config));
        shapes.putIfAbsent(ClipKeys.LOGIT_SCALE, new long[0]);
        for (Map.Entry<String, long[]> entry : shapes.entrySet()) {
            String key = entry.getKey();
            long[] shape = entry.getValue();
            float[] data = new float[Math.toIntExact(Tensor.elementCount(shape))];
            if (key.equals(ClipKeys.LOGIT_SCALE)) {
                data[0] = (float) config.logitScaleInitValue();
            } else if (isNorm(key) && key.endsWith(".weight")) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (1 + 0.1 * gaussian(random));
                }
            } else if (key.endsWith(".bias")) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (0.02 * gaussian(random));
                }
            } else {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (0.02 * gaussian(random));
                }
            }
            tensors.put(key, new Tensor(shape, data));
        }
        return new ClipWeights(config, tensors);
    }

    private static boolean isNorm(String key) {
        return key.contains("layer_norm") || key.contains("layrnorm") || key.contains("layernorm");
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian before JDK 17's RandomGenerator default, which is fine
        // but slower for 150M values.
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
