package org.gse.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gse.model.ClipKeys;
import org.gse.model.Tensor;

/**
 * AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization") with the update of PyTorch's
 * {@code torch.optim.AdamW}: {@code p *= 1 - lr * wd}, then {@code p -= lr / (1 - b1^t) * m / (sqrt(v) /
 * sqrt(1 - b2^t) + eps)}, with {@code b1 = 0.9}, {@code b2 = 0.999}, {@code eps = 1e-8}.
 *
 * <p>Why not DJL's {@code ai.djl.training.optimizer.AdamW} (0.36): it applies one weight decay to every
 * parameter, and its moment estimates sit in private maps, so they can be neither excluded per parameter nor
 * saved in a checkpoint, which an exact resume needs. Here weight decay skips parameters for which
 * {@link #decays} is false (biases, LayerNorm gains, embeddings and {@code logit_scale}), and the state is
 * {@link #state() exported} and {@link #restore restored} as tensors.
 *
 * <p>The learning rate follows {@link #learningRate}: linear warm-up from 0, then cosine decay to 0 at the last step.
 */
final class AdamW implements AutoCloseable {

    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPS = 1e-8f;

    private final Map<String, NDArray> parameters;
    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private final double weightDecay;
    private long step;

    AdamW(Map<String, NDArray> parameters, double weightDecay, NDManager parent) {
        this.parameters = parameters;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
        parameters.forEach((key, p) -> {
            firstMoments.put(key, manager.zeros(p.getShape()));
            secondMoments.put(key, manager.zeros(p.getShape()));
        });
    }

    /** Returns true when weight decay applies: weight matrices and convolution kernels, nothing else. */
    static boolean decays(String key, NDArray parameter) {
        return parameter.getShape().dimension() >= 2 && !key.contains("embedding") && !key.equals(ClipKeys.LOGIT_SCALE);
    }

    /** Returns the learning rate of optimizer step {@code step} (0-based) of {@code total}. */
    static double learningRate(double peak, long step, long warmup, long total) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        long decaySteps = Math.max(1, total - warmup);
        double progress = Math.min(1.0, (double) (step - warmup) / decaySteps);
        return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    /** Returns the number of updates made so far. */
    long step() {
        return step;
    }

    /**
     * Clips the gradients to a global L2 norm of {@code maxNorm} (0 = no clipping) and returns the norm before
     * clipping.
     */
    double clipGradients(double maxNorm) {
        JniUtils.setGradMode(false);
        double sum = 0;
        for (NDArray p : parameters.values()) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray g = p.getGradient();
                g.attach(scope);
                sum += g.square().sum().getFloat();
            }
        }
        double norm = Math.sqrt(sum);
        if (maxNorm > 0 && norm > maxNorm) {
            float factor = (float) (maxNorm / (norm + 1e-6));
            for (NDArray p : parameters.values()) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray g = p.getGradient();
                    g.attach(scope);
                    g.muli(factor);
                }
            }
        }
        return norm;
    }

    /**
     * Sets every gradient to zero without an update. Subtracting a gradient from itself, as {@link #update} does,
     * would leave NaN where a gradient is infinite, so this writes zeros instead.
     */
    void discardGradients() {
        JniUtils.setGradMode(false);
        for (NDArray p : parameters.values()) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray g = p.getGradient();
                g.attach(scope);
                g.set(new NDIndex("..."), 0f);
            }
        }
    }

    /**
     * Applies one update at {@code lr}, then zeroes the gradients. Every temporary is attached to a scope closed
     * after each parameter: operations whose receiver is a moment estimate would otherwise land in the
     * optimizer's manager and live until it closes.
     */
    void update(double lr) {
        JniUtils.setGradMode(false);
        step++;
        float biasCorrection1 = (float) (1 - Math.pow(BETA1, step));
        float sqrtBiasCorrection2 = (float) Math.sqrt(1 - Math.pow(BETA2, step));
        float stepSize = (float) (lr / biasCorrection1);
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            NDArray p = entry.getValue();
            try (NDManager scope = manager.newSubManager()) {
                NDArray g = p.getGradient();
                g.attach(scope);
                NDArray m = firstMoments.get(entry.getKey());
                NDArray v = secondMoments.get(entry.getKey());

                // Decoupled weight decay, then the moment estimates
                if (weightDecay > 0 && decays(entry.getKey(), p)) {
                    p.muli((float) (1 - lr * weightDecay));
                }
                m.muli(BETA1).addi(g.mul(1 - BETA1));
                v.muli(BETA2).addi(g.square().mul(1 - BETA2));

                // p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
                NDArray denominator = v.sqrt();
                denominator.attach(scope);
                denominator = denominator.div(sqrtBiasCorrection2).add(EPS);
                NDArray change = m.div(denominator);
                change.attach(scope);
                p.subi(change.mul(stepSize));
                g.subi(g);
            }
        }
    }

    /** Clamps {@code logit_scale} to {@code [0, ln 100]} in place, as OpenCLIP does after each step. */
    static void clampLogitScale(NDArray logitScale) {
        JniUtils.setGradMode(false);
        float value = logitScale.getFloat();
        float clamped = (float) Math.min(Math.max(value, 0), Math.log(ContrastiveLoss.MAX_LOGIT_SCALE));
        if (clamped != value) {
            logitScale.subi(value - clamped);
        }
    }

    /** Returns the moment estimates as tensors named {@code adam_m.KEY} and {@code adam_v.KEY}. */
    Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        firstMoments.forEach((key, m) -> state.put("adam_m." + key, new Tensor(m.getShape().getShape(),
                m.toFloatArray())));
        secondMoments.forEach((key, v) -> state.put("adam_v." + key, new Tensor(v.getShape().getShape(),
                v.toFloatArray())));
        return state;
    }

    /** Restores the moment estimates and the step count saved by {@link #state()}. */
    void restore(Map<String, Tensor> state, long savedStep) {
        for (String key : parameters.keySet()) {
            set(firstMoments.get(key), state.get("adam_m." + key), "adam_m." + key);
            set(secondMoments.get(key), state.get("adam_v." + key), "adam_v." + key);
        }
        this.step = savedStep;
    }

    private static void set(NDArray target, Tensor saved, String key) {
        if (saved == null) {
            throw new IllegalStateException("the checkpoint has no optimizer state " + key
                    + "; it was written by a different configuration");
        }
        if (!target.getShape().equals(new Shape(saved.shape()))) {
            throw new IllegalStateException("optimizer state " + key + " has shape " + saved.shapeString()
                    + ", expected " + target.getShape());
        }
        target.set(saved.data());
    }

    @Override
    public void close() {
        manager.close();
    }
}
