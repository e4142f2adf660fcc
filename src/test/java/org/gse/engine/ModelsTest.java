package org.gse.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.FramePolicy;
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
    void bundlePoliciesBecomeTheDefaults() throws Exception {
        Path bundle = TinyClip.copyWithPolicies(cache.resolve("bundle"), "first", "black");
        try (ClipEncoderBase encoder = Models.open(bundle, options())) {
            assertEquals("first", encoder.framePolicy().id());
            assertTrue(encoder.preprocessor().id().endsWith("alpha black"), encoder.preprocessor().id());
        }

        Path weights = bundle.resolve("model.safetensors");
        Models.Options resolved = Models.resolvePolicies(weights, options());
        assertEquals("first", resolved.framePolicy().id(), "a weights file takes the config.json beside it");
        assertEquals("black", resolved.alphaPolicy().id());
    }

    @Test
    void explicitPoliciesOverrideTheBundle() throws Exception {
        Path bundle = TinyClip.copyWithPolicies(cache.resolve("bundle"), "first", "black");
        Models.Options explicit = options().withFramePolicy(new FramePolicy.EvenlySpaced(2))
                .withAlphaPolicy(AlphaPolicy.WHITE);
        try (ClipEncoderBase encoder = Models.open(bundle, explicit)) {
            assertEquals("even:2", encoder.framePolicy().id());
            assertTrue(encoder.preprocessor().id().endsWith("alpha white"), encoder.preprocessor().id());
        }

        Models.Options framesOnly = Models.resolvePolicies(bundle, options().withFramePolicy(FramePolicy.MIDDLE));
        assertEquals("middle", framesOnly.framePolicy().id(), "the option wins");
        assertEquals("black", framesOnly.alphaPolicy().id(), "the policy left unset comes from the bundle");
    }

    @Test
    void modelWithoutPoliciesUsesDefaults() throws Exception {
        Models.Options resolved = Models.resolvePolicies(TinyClip.dir(), options());
        assertEquals(FramePolicy.DEFAULT, resolved.framePolicy());
        assertEquals(AlphaPolicy.WHITE, resolved.alphaPolicy());
    }

    @Test
    void invalidBundlePolicyNamesFileAndValue() throws Exception {
        Path bundle = TinyClip.copyWithPolicies(cache.resolve("bundle"), "sometimes", "white");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Models.open(bundle, options()));
        assertTrue(error.getMessage().contains(bundle.resolve("config.json").toString()), error.getMessage());
        assertTrue(error.getMessage().contains("'sometimes'"), error.getMessage());
    }

    @Test
    void modelIdIsCachedUntilTheFileChanges() throws Exception {
        Path bundle = TinyClip.copyWithPolicies(cache.resolve("bundle"), "middle", "white");
        Path weights = bundle.resolve("model.safetensors");
        Path idCache = cache.resolve("ids");
        int before = ModelIds.HASH_COUNT.get();
        String id = Models.modelId(bundle, idCache);
        assertEquals(before + 1, ModelIds.HASH_COUNT.get(), "the first call hashes the weights");

        assertEquals(id, Models.modelId(bundle, idCache));
        try (ClipEncoderBase encoder = Models.open(bundle, options().withCacheDir(idCache))) {
            assertEquals(id, encoder.modelId());
        }
        assertEquals(before + 1, ModelIds.HASH_COUNT.get(), "later calls and opens in this process do not hash");

        ModelIds.clearMemory();
        assertEquals(id, Models.modelId(bundle, idCache));
        assertEquals(before + 1, ModelIds.HASH_COUNT.get(), "a new process reads the id from the disk cache");
        try (var files = Files.list(idCache.resolve("model-ids"))) {
            assertEquals(1, files.count(), "one cache file per weights file");
        }

        FileTime modified = Files.getLastModifiedTime(weights);
        Files.setLastModifiedTime(weights, FileTime.fromMillis(modified.toMillis() + 10_000));
        assertEquals(id, Models.modelId(bundle, idCache), "the same bytes keep their id");
        assertEquals(before + 2, ModelIds.HASH_COUNT.get(), "a new modification time makes it hash again");

        // Same size, different bytes: the last byte belongs to the last tensor's data.
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 1] ^= 1;
        Files.write(weights, bytes);
        Files.setLastModifiedTime(weights, FileTime.fromMillis(modified.toMillis() + 20_000));
        String changed = Models.modelId(bundle, idCache);
        assertEquals(before + 3, ModelIds.HASH_COUNT.get());
        assertFalse(id.equals(changed), "changed weights get a new id");

        ModelIds.clearMemory();
        assertEquals(changed, Models.modelId(bundle, idCache), "the disk cache holds the new id");
        assertEquals(before + 3, ModelIds.HASH_COUNT.get());
    }

    @Test
    void damagedIdCacheIsRewritten() throws Exception {
        Path bundle = TinyClip.copyWithPolicies(cache.resolve("bundle"), "middle", "white");
        Path idCache = cache.resolve("ids");
        String id = Models.modelId(bundle, idCache);
        Path cacheFile;
        try (var files = Files.list(idCache.resolve("model-ids"))) {
            cacheFile = files.findFirst().orElseThrow();
        }
        Files.writeString(cacheFile, "{not json");

        ModelIds.clearMemory();
        int before = ModelIds.HASH_COUNT.get();
        assertEquals(id, Models.modelId(bundle, idCache));
        assertEquals(before + 1, ModelIds.HASH_COUNT.get(), "an unreadable cache file means hashing again");
        assertTrue(Files.readString(cacheFile).contains(id), "and the file is rewritten");
    }

    @Test
    void engineNamesParse() {
        assertEquals(Models.Engine.ONNXRUNTIME, Models.Engine.parse("ort"));
        assertEquals(Models.Engine.DJL, Models.Engine.parse("DJL"));
        assertThrows(IllegalArgumentException.class, () -> Models.Engine.parse("tensorflow"));
    }
}
