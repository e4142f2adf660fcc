package org.gse.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.gse.model.ClipEncoderBase;
import org.gse.model.Npy;
import org.gse.model.TinyClip;
import org.gse.onnx.ClipOnnxExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsTest {

    @TempDir
    Path cache;

    Models.Options options() {
        return Models.Options.defaults().withCacheDir(cache).withThreads(1).withBatchSize(4)
                .withPrecision(Models.PrecisionChoice.FP32);
    }

    @Test
    void modelIdIsAStableHashOfTheWeights() throws Exception {
        String folder = Models.modelId(TinyClip.dir());
        assertEquals(16, folder.length());
        assertEquals(folder, Models.modelId(TinyClip.dir().resolve("model.safetensors")));
        assertFalse(folder.equals(Models.modelId(TinyClip.dir().resolve("gse.pt"))),
                "a different file holds different bytes, so it gets a different id");
        assertEquals(Models.modelId(TinyClip.dir().resolve("sharded")), Models.modelId(TinyClip.dir().resolve("sharded")));
    }

    @Test
    void onnxRuntimeExportsOnceThenReusesTheCache() throws Exception {
        float[] pixels = Npy.read(TinyClip.dir().resolve("expected/pixel_values.npy")).floats();
        float[] expected = Npy.read(TinyClip.dir().resolve("expected/image_features.npy")).floats();
        Path exported;
        try (ClipEncoderBase encoder = Models.open(TinyClip.dir(), options())) {
            assertEquals("onnxruntime", encoder.engine());
            assertEquals(16, encoder.embeddingSize());
            double diff = TinyClip.maxAbsDiff(expected, TinyClip.flatten(encoder.imageFeatures(pixels, 3)));
            assertTrue(diff <= 1e-4, "max |diff| " + diff);
            try (var files = Files.list(cache.resolve("onnx"))) {
                exported = files.filter(p -> p.toString().endsWith("-fp32.onnx")).findFirst().orElseThrow();
            }
        }
        FileTime written = Files.getLastModifiedTime(exported);
        Files.setLastModifiedTime(exported, FileTime.fromMillis(written.toMillis() - 60_000));
        FileTime aged = Files.getLastModifiedTime(exported);
        try (ClipEncoderBase again = Models.open(TinyClip.dir(), options())) {
            assertEquals(aged, Files.getLastModifiedTime(exported), "the second open must not export again");
            assertTrue(TinyClip.maxAbsDiff(expected, TinyClip.flatten(again.imageFeatures(pixels, 3))) <= 1e-4);
        }
    }

    @Test
    void djlEngineOpensTheCheckpoint() throws Exception {
        float[] pixels = Npy.read(TinyClip.dir().resolve("expected/pixel_values.npy")).floats();
        float[] expected = Npy.read(TinyClip.dir().resolve("expected/image_features.npy")).floats();
        try (ClipEncoderBase encoder = Models.open(TinyClip.dir().resolve("gse.pt"),
                options().withEngine(Models.Engine.DJL))) {
            assertEquals("djl", encoder.engine());
            double diff = TinyClip.maxAbsDiff(expected, TinyClip.flatten(encoder.imageFeatures(pixels, 3)));
            assertTrue(diff <= 1e-4, "max |diff| " + diff);
        }
        assertThrows(IllegalArgumentException.class, () -> Models.open(TinyClip.dir(),
                options().withEngine(Models.Engine.DJL).withPrecision(Models.PrecisionChoice.INT8)));
    }

    @Test
    void openOnnxFileWithoutCheckpoint() throws Exception {
        Path vision = cache.resolve("user/vision_model.onnx");
        ClipOnnxExporter.exportVision(TinyClip.weights(), ClipOnnxExporter.Precision.FP32, vision, "tiny");
        float[] pixels = Npy.read(TinyClip.dir().resolve("expected/pixel_values.npy")).floats();
        float[] expected = Npy.read(TinyClip.dir().resolve("expected/image_features.npy")).floats();
        try (ClipEncoderBase encoder = Models.open(vision, options())) {
            assertEquals(16, encoder.embeddingSize(), "read from the graph's output shape");
            assertEquals(32, encoder.config().visionConfig().imageSize(), "read from the graph's input shape");
            assertFalse(encoder.hasTextTower());
            assertTrue(TinyClip.maxAbsDiff(expected, TinyClip.flatten(encoder.imageFeatures(pixels, 3))) <= 1e-4);
            assertThrows(UnsupportedOperationException.class, () -> encoder.embedText(List.of("a cat")));
        }
    }

    @Test
    void autoPrecisionDecidesOnceAndRecordsTheDecision() throws Exception {
        Models.Options auto = options().withPrecision(Models.PrecisionChoice.AUTO);
        String label;
        try (ClipEncoderBase encoder = Models.open(TinyClip.dir(), auto)) {
            label = encoder.precision();
        }
        Path decision;
        try (var files = Files.list(cache.resolve("onnx"))) {
            decision = files.filter(p -> p.toString().endsWith("-auto.json")).findFirst().orElseThrow();
        }
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(decision.toFile());
        assertEquals(node.get("min_cosine").asDouble() >= Models.AUTO_MIN_COSINE, node.get("int8").asBoolean());
        assertEquals(node.get("int8").asBoolean() ? "int8" : "fp32", label);
        try (ClipEncoderBase again = Models.open(TinyClip.dir(), auto)) {
            assertEquals(label, again.precision(), "the cached decision is reused");
            assertTrue(again.hasTextTower() || !Files.exists(TinyClip.dir().resolve("tokenizer.json")));
        }
    }

    @Test
    void engineNamesParse() {
        assertEquals(Models.Engine.ONNXRUNTIME, Models.Engine.parse("ort"));
        assertEquals(Models.Engine.DJL, Models.Engine.parse("DJL"));
        assertThrows(IllegalArgumentException.class, () -> Models.Engine.parse("tensorflow"));
    }
}
