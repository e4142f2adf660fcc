package org.gse.djl;

import org.gse.decode.FramePolicy;
import org.gse.model.ClipEncoderBase;
import org.gse.model.PixelPreprocessor;
import org.gse.model.TextTokenizer;

/** An {@link org.gse.model.Encoder} over {@link DjlClipModel}: the in-process PyTorch engine ({@code --engine djl}). */
public final class DjlClipEncoder extends ClipEncoderBase {

    private final DjlClipModel model;

    /** Takes ownership of {@code model}: closing the encoder closes it. */
    public DjlClipEncoder(DjlClipModel model, String modelId, PixelPreprocessor preprocessor, TextTokenizer tokenizer,
            FramePolicy framePolicy, int batchSize) {
        super(modelId, model.config(), preprocessor, tokenizer, framePolicy, batchSize);
        this.model = model;
    }

    public DjlClipModel model() {
        return model;
    }

    @Override
    public float[][] imageFeatures(float[] pixels, int count) {
        return model.imageFeatures(pixels, count);
    }

    @Override
    public float[][] textFeatures(long[] ids, int count) {
        return model.textFeatures(ids, count);
    }

    @Override
    public String engine() {
        return "djl";
    }

    @Override
    public void close() {
        model.close();
    }
}
