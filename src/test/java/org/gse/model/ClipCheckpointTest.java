package org.gse.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipCheckpointTest {

    private static final Path TINY = TestData.resource("clip/tiny");

    @TempDir
    Path temp;

    /** The tiny config.json as the script wrote it. */
    static ClipConfig tinyConfig() {
        ClipVisionConfig vision = new ClipVisionConfig(32, 64, 2, 4, 3, 32, 8, "quick_gelu", 1e-5);
        ClipTextConfig text = new ClipTextConfig(128, 24, 48, 3, 3, 77, "gelu", 1e-5, 0, 2, 1);
        return new ClipConfig(vision, text, 16, 2.6592);
    }

    @Test
    void configJsonReadsAsWritten() throws IOException {
        assertEquals(tinyConfig(), ClipConfigJson.read(TINY.resolve("config.json")));
        Path written = temp.resolve("config.json");
        ClipConfigJson.write(tinyConfig(), written);
        assertEquals(tinyConfig(), ClipConfigJson.read(written));
    }

    @Test
    void configJsonTakesLibraryDefaultsForOmittedKeys() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        json.putObject("vision_config").put("patch_size", 14).put("hidden_size", 1024).put("num_hidden_layers", 24)
                .put("num_attention_heads", 16).put("intermediate_size", 4096);
        json.putObject("text_config").put("hidden_size", 768).put("num_attention_heads", 12)
                .put("intermediate_size", 3072);
        json.put("projection_dim", 768);
        assertEquals(ClipConfig.VIT_L_14, ClipConfigJson.parse(json));
    }

    @Test
    void fourLayoutsLoadToTheSameTensorsBitForBit() throws IOException {
        ClipCheckpoint reference = ClipCheckpoint.load(TINY);
        assertEquals("safetensors", reference.format());
        assertEquals(tinyConfig(), reference.config());
        assertEquals(List.copyOf(ClipKeys.expected(tinyConfig()).keySet()), List.copyOf(reference.weights().keySet()));
        assertEquals(4.2f, reference.logitScale());

        List<ClipCheckpoint> others = List.of(
                ClipCheckpoint.load(TINY.resolve("sharded")),
                ClipCheckpoint.load(TINY.resolve("pytorch_model.bin"), TINY.resolve("config.json")),
                ClipCheckpoint.load(TINY.resolve("gse.pt"), TINY),
                ClipCheckpoint.load(TINY.resolve("model.safetensors"), TINY));
        for (ClipCheckpoint other : others) {
            assertEquals(reference.config(), other.config(), other.source().toString());
            assertEquals(List.copyOf(reference.weights().keySet()), List.copyOf(other.weights().keySet()));
            for (String key : reference.weights().keySet()) {
                assertArrayEquals(reference.tensor(key).shape(), other.tensor(key).shape(), key);
                SafetensorsTest.assertBitsEqual(reference.tensor(key).data(), other.tensor(key).data(),
                        other.source() + " " + key);
            }
        }
        assertEquals("safetensors-sharded", others.get(0).format());
        assertEquals("torch", others.get(2).format());
    }

    @Test
    void float16CopyLoadsWidened() throws IOException {
        ClipCheckpoint half = ClipCheckpoint.load(TINY.resolve("model.fp16.safetensors"), TINY);
        ClipCheckpoint full = ClipCheckpoint.load(TINY);
        float[] a = full.tensor(ClipKeys.VISUAL_PROJECTION).data();
        float[] b = half.tensor(ClipKeys.VISUAL_PROJECTION).data();
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(a[i])), b[i]);
        }
    }

    @Test
    void missingExtraAndMisshapedKeysAreOneError() throws IOException {
        Map<String, Tensor> weights = new LinkedHashMap<>(ClipCheckpoint.load(TINY).weights());
        weights.remove("text_model.encoder.layers.1.mlp.fc2.bias");
        weights.put("vision_model.encoder.layers.2.mlp.fc1.weight", new Tensor(new long[] {64, 32}, new float[64 * 32]));
        weights.put(ClipKeys.VISUAL_PROJECTION, new Tensor(new long[] {16, 30}, new float[16 * 30]));
        Path file = temp.resolve("broken.safetensors");
        Safetensors.write(file, weights);
        String message = assertThrows(CheckpointException.class, () -> ClipCheckpoint.load(file, TINY)).getMessage();
        assertTrue(message.startsWith(file.toString()), message);
        assertTrue(message.contains("missing (1):\n    text_model.encoder.layers.1.mlp.fc2.bias [24]"), message);
        assertTrue(message.contains("unexpected (1):\n    vision_model.encoder.layers.2.mlp.fc1.weight [64, 32]"),
                message);
        assertTrue(message.contains("wrong shape (1):\n    visual_projection.weight: expected [16, 32], found [16, 30]"),
                message);
    }

    @Test
    void architectureInferredFromShapesMatchesTheTinyConfig() throws IOException {
        Map<String, Tensor> weights = Safetensors.read(TINY.resolve("model.safetensors"));
        ClipCheckpoint.Inferred inferred = ClipCheckpoint.inferConfig(weights, 4, 3);
        ClipConfig config = inferred.config();
        ClipConfig tiny = tinyConfig();
        assertEquals(tiny.visionConfig(), config.visionConfig());
        assertEquals(tiny.projectionDim(), config.projectionDim());
        ClipTextConfig t = config.textConfig();
        ClipTextConfig e = tiny.textConfig();
        assertEquals(List.of(e.vocabSize(), e.hiddenSize(), e.intermediateSize(), e.numHiddenLayers(),
                e.numAttentionHeads(), e.maxPositionEmbeddings()), List.of(t.vocabSize(), t.hiddenSize(),
                t.intermediateSize(), t.numHiddenLayers(), t.numAttentionHeads(), t.maxPositionEmbeddings()));
        assertEquals("quick_gelu", t.hiddenAct(), "activation is an assumption, listed in the notes");
        assertTrue(inferred.assumptions().stream().anyMatch(s -> s.contains("hidden_act assumed")));

        // Without head counts the tiny hidden sizes (32, 24) are not multiples of 64: a clear error.
        String message = assertThrows(CheckpointException.class, () -> ClipCheckpoint.inferConfig(weights))
                .getMessage();
        assertTrue(message.contains("not a multiple of 64"), message);
        assertTrue(message.contains("--base"), message);
    }

    @Test
    void gseFileWithoutConfigLoadsByInferenceForClipSizedModels() throws IOException {
        // A ViT-B/32-shaped key table with empty data is enough to test the standard heads rule.
        ClipConfig b32 = ClipConfig.VIT_B_32;
        ClipCheckpoint.Inferred inferred = ClipCheckpoint.inferConfig(zeros(b32));
        assertEquals(b32, inferred.config());
        ClipConfig l14 = ClipConfig.VIT_L_14;
        assertEquals(l14, ClipCheckpoint.inferConfig(zeros(l14)).config());
    }

    private static Map<String, Tensor> zeros(ClipConfig config) {
        // Only the keys that inference reads get their real shapes (and zero data); the rest are empty, which
        // keeps this light while the layer-counting still sees every layer's keys.
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var entry : ClipKeys.expected(config).entrySet()) {
            String key = entry.getKey();
            boolean read = key.equals(ClipKeys.PATCH_EMBEDDING) || key.equals(ClipKeys.VISION_POSITION_EMBEDDING)
                    || key.equals(ClipKeys.VISUAL_PROJECTION) || key.equals(ClipKeys.TOKEN_EMBEDDING)
                    || key.equals(ClipKeys.TEXT_POSITION_EMBEDDING) || key.endsWith("layers.0.mlp.fc1.weight");
            long[] shape = read ? entry.getValue() : new long[] {0};
            out.put(key, new Tensor(shape, new float[(int) Tensor.elementCount(shape)]));
        }
        return out;
    }

    @Test
    void wrapperPrefixIsStrippedAndBuffersDropped() throws IOException {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Safetensors.readSharded(TINY.resolve("sharded")).forEach((k, v) -> weights.put("module.clip." + k, v));
        Path file = temp.resolve("wrapped.safetensors");
        Safetensors.write(file, weights);
        ClipCheckpoint loaded = ClipCheckpoint.load(file, TINY);
        assertEquals(ClipKeys.expected(tinyConfig()).keySet(), loaded.weights().keySet());
        assertTrue(loaded.notes().stream().anyMatch(n -> n.contains("'module.clip.'")), loaded.notes().toString());
    }

    @Test
    void visionOnlyCheckpointLoads() throws IOException {
        Map<String, Tensor> vision = new LinkedHashMap<>();
        ClipCheckpoint.load(TINY).weights().forEach((k, v) -> {
            if (k.startsWith(ClipKeys.VISION) || k.equals(ClipKeys.VISUAL_PROJECTION)) {
                vision.put(k, v);
            }
        });
        Path folder = temp.resolve("vision-only");
        Safetensors.write(folder.resolve("model.safetensors"), vision);
        ClipConfig visionConfig = new ClipConfig(tinyConfig().visionConfig(), null, 16, 2.6592);
        ClipConfigJson.write(visionConfig, folder.resolve("config.json"));
        assertTrue(Files.readString(folder.resolve("config.json")).contains("clip_vision_model"));
        ClipCheckpoint loaded = ClipCheckpoint.load(folder);
        assertFalse(loaded.config().hasText());
        assertNull(loaded.config().textConfig());
        assertEquals(vision.keySet(), loaded.weights().keySet());
        assertTrue(Float.isNaN(loaded.logitScale()));

        // The same weights with the full CLIP config load as vision-only too, with a note.
        ClipCheckpoint withFull = ClipCheckpoint.load(folder.resolve("model.safetensors"), TINY);
        assertFalse(withFull.config().hasText());
        assertTrue(withFull.notes().stream().anyMatch(n -> n.contains("vision-only")));
    }

    @Test
    void folderWithoutWeightsSaysWhatItLookedFor() throws IOException {
        Path folder = temp.resolve("empty");
        Files.createDirectories(folder);
        String message = assertThrows(CheckpointException.class, () -> ClipCheckpoint.load(folder)).getMessage();
        assertTrue(message.contains("model.safetensors"), message);
        assertTrue(message.contains("pytorch_model.bin"), message);
    }

    @Test
    void expectedKeyTableMatchesTheFixtureOrder() throws IOException {
        List<String> fileOrder = new ArrayList<>(Safetensors.readHeader(TINY.resolve("model.safetensors"))
                .entries().keySet());
        assertEquals(fileOrder, List.copyOf(ClipKeys.expected(tinyConfig()).keySet()),
                "ClipKeys follows HF CLIPModel.state_dict() order");
    }
}
