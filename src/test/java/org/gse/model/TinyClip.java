package org.gse.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
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

    /**
     * Copies the fixture's {@code config.json} and {@code model.safetensors} into {@code folder} and declares the
     * given policies in the {@code gse} object of the copy's {@code config.json}, as {@code gse train} does.
     */
    public static Path copyWithPolicies(Path folder, String framePolicy, String alphaPolicy) throws IOException {
        Files.createDirectories(folder);
        Files.copy(dir().resolve("model.safetensors"), folder.resolve("model.safetensors"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(dir().resolve("config.json").toFile());
        config.putObject("gse").put("frame_policy", framePolicy).put("alpha_policy", alphaPolicy);
        json.writeValue(folder.resolve("config.json").toFile(), config);
        return folder;
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
