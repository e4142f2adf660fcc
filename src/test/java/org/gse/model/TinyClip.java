package org.gse.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gse.TestData;
import org.gse.io.Npy;

/**
 * The tiny CLIP fixture written by {@code tools/clip_reference.py --tiny}: config, float32 weights and the
 * reference outputs. Reads {@code model.safetensors} with a minimal float32-only reader so engine tests do not
 * depend on the checkpoint loaders.
 */
public final class TinyClip {

    private TinyClip() {}

    public static Path dir() {
        return TestData.resource("clip/tiny");
    }

    public static ClipWeights weights() throws IOException {
        ClipConfig config = new ObjectMapper().readValue(dir().resolve("config.json").toFile(), ClipConfig.class);
        return new ClipWeights(config, readFloat32Safetensors(dir().resolve("model.safetensors")));
    }

    public static Npy.Array expected(String name) throws IOException {
        return Npy.read(dir().resolve("expected").resolve(name + ".npy"));
    }

    /** Reads the F32 tensors of a safetensors file (other dtypes are skipped). */
    public static Map<String, Tensor> readFloat32Safetensors(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = header.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals("__metadata__") || !field.getValue().get("dtype").asText().equals("F32")) {
                continue;
            }
            JsonNode shapeNode = field.getValue().get("shape");
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
            }
            long begin = field.getValue().get("data_offsets").get(0).asLong();
            float[] data = new float[Math.toIntExact(Tensor.elementCount(shape))];
            ByteBuffer slice = ByteBuffer.wrap(bytes, (int) (8 + headerLength + begin), data.length * 4)
                    .slice().order(ByteOrder.LITTLE_ENDIAN);
            slice.asFloatBuffer().get(data);
            tensors.put(field.getKey(), new Tensor(shape, data));
        }
        return tensors;
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
