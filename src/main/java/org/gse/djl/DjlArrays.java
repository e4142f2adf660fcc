package org.gse.djl;

import ai.djl.ndarray.NDArray;

/**
 * Makes arrays created from Java data safe to keep. DJL 0.36's PyTorch engine creates such an array over a direct
 * buffer that the {@code PtNDArray} object references, and PyTorch reads that memory in place. Views of the array,
 * and tensors that autograd saves for the backward pass, can outlive the object; once the buffer is collected they
 * read freed memory. Copying into PyTorch-owned storage removes that hazard.
 *
 * <p>NOTE: a training test saw a NaN loss once in a full-suite run before this copy was added, and a resumed run once
 * differed by 6e-3 under heavy load; this hazard fits both, but neither was reproduced on demand, so the link is a
 * likely cause rather than a proven one.
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
