package org.gse.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.gse.djl.DjlArrays;

/**
 * The contrastive losses GSE trains with, on NDArrays so that the PyTorch engine differentiates them. With
 * {@code B} = batch size, {@code P} = embedding size and {@code H} = extra negative columns:
 *
 * <ul>
 *   <li>{@link #clip}: CLIP's symmetric InfoNCE, as OpenCLIP's {@code ClipLoss} computes it.</li>
 *   <li>{@link #infoNce}: the same for image-image pairs with a fixed temperature, optionally with hard negative
 *       columns.</li>
 *   <li>{@link #margin}: a contrastive margin loss on labelled pairs.</li>
 *   <li>{@link #supervised}: the supervised contrastive loss on groups of similar stickers.</li>
 * </ul>
 *
 * <p>{@code logit_scale} handling: the model stores the logarithm of the scale; {@link #clip} takes that parameter
 * and exponentiates it. The clamp to at most 100 is applied to the parameter after each optimizer step
 * ({@link AdamW#clampLogitScale}), as OpenCLIP's training loop does, so the gradient is never cut off here.
 */
public final class ContrastiveLoss {

    /** The largest logit scale CLIP allows: {@code exp(logit_scale) <= 100}. */
    public static final double MAX_LOGIT_SCALE = 100;

    private ContrastiveLoss() {}

    /**
     * Returns CLIP's loss for {@code B} matching rows of image and text features (unnormalised,
     * {@code (B, P)}): row {@code i} of each is a positive pair and every other row is a negative.
     *
     * @param logitScale the learnable {@code logit_scale} parameter, a scalar, before {@code exp}
     */
    public static NDArray clip(NDArray imageFeatures, NDArray textFeatures, NDArray logitScale) {
        // 1. Unit vectors, then logits both ways scaled by exp(logit_scale)
        NDArray image = normalize(imageFeatures);                                // (B, P)
        NDArray text = normalize(textFeatures);                                  // (B, P)
        NDArray scale = logitScale.exp();                                        // ()
        scale.attach(image.getManager());    // exp of a parameter lands in the parameter's manager otherwise
        NDArray logitsPerImage = image.matMul(text.transpose()).mul(scale);      // (B, B)
        NDArray logitsPerText = logitsPerImage.transpose();                      // (B, B)

        // 2. Labels are the diagonal, and 3. the loss is the mean of the two cross-entropies
        return crossEntropyDiagonal(logitsPerImage).add(crossEntropyDiagonal(logitsPerText)).div(2);
    }

    /**
     * Returns the image-image InfoNCE for {@code B} positive pairs {@code (anchors[i], positives[i])} at
     * {@code 1 / temperature}: anchors against the positives plus {@code negatives} (hard negative columns,
     * {@code (H, P)}, or null), averaged with positives against anchors.
     */
    public static NDArray infoNce(NDArray anchors, NDArray positives, NDArray negatives, double temperature) {
        NDArray a = normalize(anchors);                                          // (B, P)
        NDArray p = normalize(positives);                                        // (B, P)
        float scale = (float) (1 / temperature);
        NDArray columns = p;
        if (negatives != null) {
            columns = p.concat(normalize(negatives), 0);                         // (B + H, P)
        }
        NDArray anchorLogits = a.matMul(columns.transpose()).mul(scale);        // (B, B + H)
        NDArray positiveLogits = p.matMul(a.transpose()).mul(scale);            // (B, B)
        return crossEntropyDiagonal(anchorLogits).add(crossEntropyDiagonal(positiveLogits)).div(2);
    }

    /**
     * Returns the margin loss over labelled pairs: {@code (1 - cos)^2} for similar pairs and
     * {@code max(0, cos - margin)^2} for dissimilar ones, averaged.
     *
     * @param labels {@code (B,)} floats, 1 for similar and 0 for dissimilar
     */
    public static NDArray margin(NDArray first, NDArray second, NDArray labels, double margin) {
        NDArray cosine = normalize(first).mul(normalize(second)).sum(new int[] {1});   // (B,)
        NDArray similar = cosine.neg().add(1f).square().mul(labels);
        NDArray dissimilar = cosine.sub((float) margin).maximum(0f).square().mul(labels.neg().add(1f));
        return similar.add(dissimilar).mean();
    }

    /**
     * Returns the supervised contrastive loss of Khosla et al., "Supervised Contrastive Learning" (NeurIPS 2020),
     * in its {@code L_out} form, for {@code N} features {@code (N, P)} with group labels: each sticker's logits are
     * its cosines to the other {@code N - 1} stickers at {@code 1 / temperature}; its loss is the mean, over the
     * other members of its group, of minus their log-softmax; the result is the mean over stickers. Every sticker
     * needs at least one other member of its group in the batch.
     *
     * @param groups {@code groups[i]} is the group of row {@code i}
     */
    public static NDArray supervised(NDArray features, int[] groups, double temperature) {
        int n = groups.length;
        NDManager manager = features.getManager();

        // 1. Per row: weight 1 / (positives) on the other members of its group, and a large negative on itself
        float[] weights = new float[n * n];
        float[] self = new float[n * n];
        for (int i = 0; i < n; i++) {
            int positives = 0;
            for (int j = 0; j < n; j++) {
                positives += j != i && groups[j] == groups[i] ? 1 : 0;
            }
            if (positives == 0) {
                throw new IllegalArgumentException("row " + i + " of group " + groups[i] + " has no other member in"
                        + " the batch");
            }
            for (int j = 0; j < n; j++) {
                weights[i * n + j] = j != i && groups[j] == groups[i] ? 1f / positives : 0f;
            }
            // Finite, unlike -inf, so that 0 * log-probability of the sticker itself stays 0 rather than NaN.
            self[i * n + i] = -1e9f;
        }
        NDArray weight = DjlArrays.owned(manager.create(weights, new Shape(n, n)));          // (N, N)
        NDArray mask = DjlArrays.owned(manager.create(self, new Shape(n, n)));               // (N, N)

        // 2. Cosine logits without the diagonal, then the weighted mean of the positives' log-softmax
        NDArray z = normalize(features);                                                     // (N, P)
        NDArray logits = z.matMul(z.transpose()).mul((float) (1 / temperature)).add(mask);   // (N, N)
        return logits.logSoftmax(1).mul(weight).sum(new int[] {1}).neg().mean();
    }

    /** Returns the mean cross-entropy of each row of {@code (B, C)} logits with target column = row index. */
    static NDArray crossEntropyDiagonal(NDArray logits) {
        long rows = logits.getShape().get(0);
        long columns = logits.getShape().get(1);
        NDManager manager = logits.getManager();
        NDArray target = manager.eye((int) rows, (int) columns, 0, logits.getDataType());  // (B, C)
        return logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
    }

    /**
     * Divides each row by its L2 norm, floored at 1e-12 as {@code torch.nn.functional.normalize} does, so that a
     * zero row yields zeros instead of NaN in the loss and its gradient.
     */
    static NDArray normalize(NDArray features) {
        return features.div(features.norm(new int[] {1}, true).maximum(1e-12f));
    }
}
