package org.gse.djl;

import ai.djl.ndarray.NDArray;

/**
 * Makes arrays created from Java data safe to keep. DJL 0.36's PyTorch engine creates such an array over a direct
 * buffer that the {@code PtNDArray} object references, and PyTorch reads that memory in place. Views of the array,
 * and tensors that autograd saves for the backward pass, can outlive the object. Once the garbage collector frees the
 * buffer, they read freed memory. Copying into PyTorch-owned storage removes that hazard.
 *
 * <p>NOTE: a training test once saw a NaN loss in a full-suite run before this copy was added, which this hazard
 * explains but which was never reproduced on demand. Non-finite gradient norms still occur in image-image training on
 * the emoji corpus with the copy in place (the trainer skips those steps), so those have another cause.
 */
public final class DjlArrays {

    private DjlArrays() {}

    /** Returns a PyTorch-owned copy of {@code borrowed} on the same manager, and closes {@code borrowed}. */
    public static NDArray owned(NDArray borrowed) {
        try (borrowed) {
            return borrowed.duplicate();
        }
    }
}
