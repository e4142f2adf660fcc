package org.gse.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.gse.decode.Frame;
import org.gse.decode.FramePolicy;

/**
 * The engine-independent part of every CLIP encoder: preprocessing frames into pixel tensors, batching, and
 * L2-normalising the raw features an engine computes. Subclasses implement the two forward passes.
 */
public abstract class ClipEncoderBase implements Encoder {

    private final String modelId;
    private final ClipConfig config;
    private final PixelPreprocessor preprocessor;
    private final TextTokenizer tokenizer;
    private final FramePolicy framePolicy;
    private final int batchSize;

    protected ClipEncoderBase(String modelId, ClipConfig config, PixelPreprocessor preprocessor,
            TextTokenizer tokenizer, FramePolicy framePolicy, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.modelId = Objects.requireNonNull(modelId, "modelId");
        this.config = Objects.requireNonNull(config, "config");
        this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
        this.tokenizer = tokenizer;
        this.framePolicy = Objects.requireNonNull(framePolicy, "framePolicy");
        this.batchSize = batchSize;
    }

    /** Returns unnormalised image features, one row per image of {@code 3*S*S} floats in {@code pixels}. */
    public abstract float[][] imageFeatures(float[] pixels, int count);

    /** Returns unnormalised text features, one row per {@code context_length} ids in {@code ids}. */
    public abstract float[][] textFeatures(long[] ids, int count);

    /** Returns the name of the engine, for logs and {@code model.json}. */
    public abstract String engine();

    /** Returns the numeric format of the vision tower ({@code fp32} or {@code int8}). */
    public String precision() {
        return "fp32";
    }

    public ClipConfig config() {
        return config;
    }

    public PixelPreprocessor preprocessor() {
        return preprocessor;
    }

    public int batchSize() {
        return batchSize;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int embeddingSize() {
        return config.projectionDim();
    }

    @Override
    public FramePolicy framePolicy() {
        return framePolicy;
    }

    @Override
    public boolean hasTextTower() {
        return config.hasText() && tokenizer != null && textTowerAvailable();
    }

    /** Returns false when the engine was opened without a text graph. */
    protected boolean textTowerAvailable() {
        return true;
    }

    @Override
    public List<Embedding> embedFrames(List<Frame> frames) {
        int side = config.visionConfig().imageSize();
        int plane = config.visionConfig().numChannels() * side * side;
        List<Embedding> result = new ArrayList<>(frames.size());
        for (int start = 0; start < frames.size(); start += batchSize) {
            int count = Math.min(batchSize, frames.size() - start);
            float[] pixels = new float[count * plane];
            for (int i = 0; i < count; i++) {
                float[] one = preprocessor.pixels(frames.get(start + i));
                if (one.length != plane) {
                    throw new IllegalStateException("preprocessor produced " + one.length + " floats, the model"
                            + " needs " + plane);
                }
                System.arraycopy(one, 0, pixels, i * plane, plane);
            }
            for (float[] row : imageFeatures(pixels, count)) {
                result.add(Embedding.normalise(row));
            }
        }
        return result;
    }

    /** Embeds preprocessed pixel tensors, {@code 3*S*S} floats each. */
    public List<Embedding> embedPixels(float[] pixels, int count) {
        List<Embedding> result = new ArrayList<>(count);
        for (float[] row : imageFeatures(pixels, count)) {
            result.add(Embedding.normalise(row));
        }
        return result;
    }

    @Override
    public List<Embedding> embedText(List<String> texts) {
        if (!hasTextTower()) {
            return Encoder.super.embedText(texts);
        }
        int length = config.textConfig().maxPositionEmbeddings();
        List<Embedding> result = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += batchSize) {
            int count = Math.min(batchSize, texts.size() - start);
            long[] ids = new long[count * length];
            for (int i = 0; i < count; i++) {
                long[] one = tokenizer.encode(texts.get(start + i));
                if (one.length != length) {
                    throw new IllegalStateException("tokenizer produced " + one.length + " ids, the model needs "
                            + length);
                }
                System.arraycopy(one, 0, ids, i * length, length);
            }
            for (float[] row : textFeatures(ids, count)) {
                result.add(Embedding.normalise(row));
            }
        }
        return result;
    }
}
