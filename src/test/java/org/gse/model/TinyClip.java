package org.gse.model;

import java.io.IOException;
import java.nio.file.Path;
import org.gse.TestData;

/**
 * The tiny CLIP fixture written by {@code tools/clip_reference.py --tiny}: config, float32 weights and the
 * reference outputs, plus comparison helpers for engine tests.
 */
public final class TinyClip {

    private TinyClip() {}

    public static Path dir() {
        return TestData.resource("clip/tiny");
    }

    public static ClipWeights weights() throws IOException {
        return ClipWeights.of(ClipCheckpoint.load(dir()));
    }

    public static Npy.Array expected(String name) throws IOException {
        return Npy.read(dir().resolve("expected").resolve(name + ".npy"));
    }

    /** Returns the largest absolute difference between two equally long arrays. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    public static float[] flatten(float[][] rows) {
        int width = rows[0].length;
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * width, width);
        }
        return out;
    }
}
