package org.gse.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.gse.model.Npy;
import org.gse.model.ClipKeys;
import org.gse.model.ClipWeights;
import org.gse.model.TinyClip;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DjlClipModelTest {

    static ClipWeights weights;
    static DjlClipModel model;

    @BeforeAll
    static void load() throws Exception {
        weights = TinyClip.weights();
        model = new DjlClipModel(weights);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void imageFeaturesMatchTheReference() throws Exception {
        Npy.Array pixels = TinyClip.expected("pixel_values");
        float[] expected = TinyClip.expected("image_features").floats();
        float[][] actual = model.imageFeatures(pixels.floats(), (int) pixels.shape()[0]);
        double diff = TinyClip.maxAbsDiff(expected, TinyClip.flatten(actual));
        assertTrue(diff <= 1e-4, "max |diff| " + diff);
    }

    @Test
    void textFeaturesMatchTheReference() throws Exception {
        Npy.Array ids = TinyClip.expected("input_ids");
        float[] expected = TinyClip.expected("text_features").floats();
        float[][] actual = model.textFeatures(ids.longs(), (int) ids.shape()[0]);
        double diff = TinyClip.maxAbsDiff(expected, TinyClip.flatten(actual));
        assertTrue(diff <= 1e-4, "max |diff| " + diff);
    }

    @Test
    void logitsMatchTheReference() throws Exception {
        Npy.Array pixels = TinyClip.expected("pixel_values");
        Npy.Array ids = TinyClip.expected("input_ids");
        float[] expected = TinyClip.expected("logits_per_image").floats();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = model.imageFeatures(manager.create(pixels.floats(), new Shape(pixels.shape())));
            NDArray text = model.textFeatures(manager.create(ids.longs(), new Shape(ids.shape())));
            float[] logits = model.logitsPerImage(image, text).toFloatArray();
            double diff = TinyClip.maxAbsDiff(expected, logits);
            assertTrue(diff <= 1e-4, "max |diff| " + diff);
        }
    }

    @Test
    void gradientsReachOnlyTheTrainableParameters() throws Exception {
        Npy.Array pixels = TinyClip.expected("pixel_values");
        try (DjlClipModel trainable = new DjlClipModel(weights); NDManager manager = NDManager.newBaseManager()) {
            trainable.setTrainable(DjlClipModel.visionTail(trainable.config(), 1, true, false));
            Map<String, NDArray> selected = trainable.trainableParameters();
            assertTrue(selected.containsKey(ClipKeys.VISUAL_PROJECTION));
            assertTrue(selected.containsKey("vision_model.encoder.layers.1.mlp.fc1.weight"));
            assertTrue(!selected.containsKey("vision_model.encoder.layers.0.mlp.fc1.weight"));
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray features = trainable.imageFeatures(
                        manager.create(pixels.floats(), new Shape(pixels.shape())));
                NDArray loss = features.square().sum();
                collector.backward(loss);
            }
            NDArray gradient = selected.get(ClipKeys.VISUAL_PROJECTION).getGradient();
            assertNotNull(gradient);
            assertTrue(gradient.abs().sum().getFloat() > 0, "projection gradient is zero");
            NDArray fc1 = selected.get("vision_model.encoder.layers.1.mlp.fc1.weight").getGradient();
            assertTrue(fc1.abs().sum().getFloat() > 0, "last block gradient is zero");
            assertEquals(false, trainable.parameters().get("vision_model.encoder.layers.0.mlp.fc1.weight")
                    .hasGradient());
        }
    }

    @Test
    void toTensorsRoundTrips() {
        var tensors = model.toTensors();
        assertArrayEquals(weights.get(ClipKeys.VISUAL_PROJECTION).data(),
                tensors.get(ClipKeys.VISUAL_PROJECTION).data());
    }
}
