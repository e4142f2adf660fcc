package org.gse.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path temp;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.last.first", new Tensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.NaN, 0f, -0f}));
        tensors.put("a.scalar", new Tensor(new long[0], new float[] {4.2f}));
        tensors.put("m.vector", new Tensor(new long[] {4}, new float[] {1e-40f, Float.MAX_VALUE,
                Float.NEGATIVE_INFINITY, 7}));
        tensors.put("empty", new Tensor(new long[] {0, 5}, new float[0]));
        return tensors;
    }

    @Test
    void roundTripKeepsOrderValuesAndMetadata() throws IOException {
        Path file = temp.resolve("out/model.safetensors");
        Map<String, Tensor> tensors = sample();
        Safetensors.write(file, tensors, Map.of("format", "pt", "note", "ünïcode"));
        Safetensors.Header header = Safetensors.readHeader(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(header.entries().keySet()));
        assertEquals("pt", header.metadata().get("format"));
        assertEquals("ünïcode", header.metadata().get("note"));
        assertEquals(0, header.dataStart() % 8, "header is padded to 8 bytes");
        Map<String, Tensor> back = Safetensors.read(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.keySet()));
        for (String name : tensors.keySet()) {
            assertArrayEquals(tensors.get(name).shape(), back.get(name).shape(), name);
            assertBitsEqual(tensors.get(name).data(), back.get(name).data(), name);
        }
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void writerReplacesAnExistingFile() throws IOException {
        Path file = temp.resolve("model.safetensors");
        Files.writeString(file, "old contents");
        Safetensors.write(file, sample());
        assertEquals(4, Safetensors.read(file).size());
    }

    @Test
    void halfPrecisionWritesRoundToNearestAndReadBack() throws IOException {
        Path file = temp.resolve("half.safetensors");
        Map<String, Tensor> tensors = Map.of("x", new Tensor(new long[] {3}, new float[] {1f / 3, 65504f, 1e-8f}));
        Safetensors.write(file, tensors, Map.of(), Safetensors.Dtype.F16);
        assertEquals(Safetensors.Dtype.F16, Safetensors.readHeader(file).entries().get("x").dtype());
        float[] back = Safetensors.read(file).get("x").data();
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(1f / 3)), back[0]);
        assertEquals(65504f, back[1]);
        Safetensors.write(file, tensors, Map.of(), Safetensors.Dtype.BF16);
        back = Safetensors.read(file).get("x").data();
        assertEquals(0.333984375f, back[0]);
    }

    /** The fixture holds F16 and BF16 tensors beside torch's own float32 widening of them. */
    @Test
    void halfPrecisionWideningMatchesPyTorch() throws IOException {
        Map<String, Tensor> tensors = Safetensors.read(TestData.resource("safetensors/dtypes.safetensors"));
        for (String name : List.of("special_f16", "special_bf16", "random_f16", "random_bf16")) {
            Tensor widened = tensors.get(name);
            Tensor expected = tensors.get(name + "_as_f32");
            assertArrayEquals(expected.shape(), widened.shape(), name);
            assertBitsEqual(expected.data(), widened.data(), name);
        }
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, tensors.get("ids_i64").data());
    }

    @Test
    void halfPrecisionCopyOfTheTinyModelWidensToItsRoundedValues() throws IOException {
        Map<String, Tensor> full = Safetensors.read(TestData.resource("clip/tiny/model.safetensors"));
        Map<String, Tensor> half = Safetensors.read(TestData.resource("clip/tiny/model.fp16.safetensors"));
        assertEquals(List.copyOf(full.keySet()), List.copyOf(half.keySet()));
        for (String name : full.keySet()) {
            float[] f = full.get(name).data();
            float[] h = half.get(name).data();
            for (int i = 0; i < f.length; i++) {
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(f[i])), h[i], name);
            }
        }
    }

    @Test
    void bfloat16ConversionRoundsToNearestEven() {
        for (float value : new float[] {1f, -1f, 3.14159f, 1e-40f, 3e38f, Float.MIN_VALUE, 0x1.0101p0f}) {
            short bits = Safetensors.floatToBfloat16(value);
            float back = Safetensors.bfloat16ToFloat(bits);
            assertTrue(Math.abs(back - value) <= Math.ulp(value) * 65536, value + " -> " + back);
        }
        assertEquals(1f, Safetensors.bfloat16ToFloat(Safetensors.floatToBfloat16(0x1.01p0f)), "tie to even");
        assertTrue(Float.isNaN(Safetensors.bfloat16ToFloat(Safetensors.floatToBfloat16(Float.NaN))));
    }

    // --- corrupt files ---------------------------------------------------------------------------------------

    private Path withHeader(String json, int dataBytes) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(header.length).put(header);
        Path file = Files.createTempFile(temp, "corrupt", ".safetensors");
        Files.write(file, buffer.array());
        return file;
    }

    private static String messageOf(Path file) {
        return assertThrows(CheckpointException.class, () -> Safetensors.read(file)).getMessage();
    }

    @Test
    void offsetsPastTheDataAreRejected() throws IOException {
        Path file = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4);
        String message = messageOf(file);
        assertTrue(message.contains("tensor w"), message);
        assertTrue(message.contains("end past the data"), message);
        assertTrue(message.startsWith(file.toString()), message);
    }

    @Test
    void byteLengthMustMatchTheShape() throws IOException {
        String message = messageOf(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertTrue(message.contains("needs 12 bytes"), message);
        assertTrue(message.contains("span 8"), message);
    }

    @Test
    void overlappingTensorsAreRejected() throws IOException {
        String message = messageOf(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        assertTrue(message.contains("overlap"), message);
    }

    @Test
    void unknownDtypeIsNamed() throws IOException {
        String message = messageOf(withHeader("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2));
        assertTrue(message.contains("unsupported dtype F8_E4M3"), message);
    }

    @Test
    void badJsonIsReported() throws IOException {
        String message = messageOf(withHeader("{\"w\": {\"dtype\": \"F32\",", 0));
        assertTrue(message.contains("not valid JSON"), message);
        message = messageOf(withHeader("{\"w\":1,\"w\":2}", 0));
        assertTrue(message.contains("not valid JSON"), message);
        assertTrue(message.contains("Duplicate"), message);
        message = messageOf(withHeader("[1,2,3]", 0));
        assertTrue(message.contains("does not start with '{'"), message);
    }

    @Test
    void truncatedFilesAreReported() throws IOException {
        Path good = temp.resolve("good.safetensors");
        Safetensors.write(good, sample());
        byte[] bytes = Files.readAllBytes(good);

        Path cut = temp.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertTrue(messageOf(cut).contains("end past the data"), messageOf(cut));

        Files.write(cut, java.util.Arrays.copyOf(bytes, 20));
        assertTrue(messageOf(cut).contains("truncated"), messageOf(cut));

        Files.write(cut, java.util.Arrays.copyOf(bytes, 5));
        assertTrue(messageOf(cut).contains("shorter than the 8-byte header length"), messageOf(cut));

        Files.write(cut, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, '{', '}'});
        assertTrue(messageOf(cut).contains("header length"), messageOf(cut));
    }

    @Test
    void missingFileIsReported() {
        String message = messageOf(temp.resolve("absent.safetensors"));
        assertTrue(message.contains("file not found"), message);
    }

    // --- sharded ---------------------------------------------------------------------------------------------

    @Test
    void shardedCheckpointReadsInWeightMapOrder() throws IOException {
        Path folder = TestData.resource("clip/tiny/sharded");
        Map<String, String> weightMap = Safetensors.readWeightMap(folder.resolve(Safetensors.INDEX_FILE));
        Map<String, Tensor> tensors = Safetensors.readSharded(folder);
        assertEquals(List.copyOf(weightMap.keySet()), List.copyOf(tensors.keySet()));
        assertTrue(tensors.containsKey("text_model.embeddings.position_ids"));
        assertFalse(new java.util.HashSet<>(weightMap.values()).size() < 2);
    }

    @Test
    void shardedCheckpointWithAMissingTensorIsOneError() throws IOException {
        Path folder = temp.resolve("sharded");
        Files.createDirectories(folder);
        Safetensors.write(folder.resolve("a.safetensors"), Map.of("x", new Tensor(new long[] {1}, new float[] {1})));
        Safetensors.write(folder.resolve("b.safetensors"), Map.of("y", new Tensor(new long[] {1}, new float[] {2}),
                "stray", new Tensor(new long[] {1}, new float[] {3})));
        Files.writeString(folder.resolve(Safetensors.INDEX_FILE), "{\"metadata\":{},\"weight_map\":"
                + "{\"x\":\"a.safetensors\",\"y\":\"b.safetensors\",\"z\":\"a.safetensors\"}}");
        String message = assertThrows(CheckpointException.class, () -> Safetensors.readSharded(folder)).getMessage();
        assertTrue(message.contains("z is mapped to a.safetensors"), message);
        assertTrue(message.contains("holds stray"), message);

        Files.writeString(folder.resolve(Safetensors.INDEX_FILE), "{\"weight_map\":{\"x\":\"c.safetensors\"}}");
        message = assertThrows(CheckpointException.class, () -> Safetensors.readSharded(folder)).getMessage();
        assertTrue(message.contains("c.safetensors named in weight_map does not exist"), message);
    }

    static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " got " + actual[i]);
            }
        }
    }
}
