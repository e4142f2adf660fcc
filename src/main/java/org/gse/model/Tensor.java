package org.gse.model;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order, as read from a checkpoint. Checkpoints in float16 or bfloat16
 * are widened to float32 on load.
 *
 * @param shape dimensions, outermost first; an empty array is a scalar
 * @param data {@code product(shape)} values
 */
public record Tensor(long[] shape, float[] data) {

    public Tensor {
        long size = elementCount(shape);
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size
                    + " values, got " + data.length);
        }
    }

    /** Returns the number of elements a tensor of this shape holds. */
    public static long elementCount(long[] shape) {
        long size = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size = Math.multiplyExact(size, dim);
        }
        return size;
    }

    /** Returns the shape as {@code [a, b, c]}, for messages. */
    public String shapeString() {
        return Arrays.toString(shape);
    }
}
