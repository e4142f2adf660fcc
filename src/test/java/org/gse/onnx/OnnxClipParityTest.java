package org.gse.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.gse.decode.FramePolicy;
import org.gse.djl.DjlClipModel;
import org.gse.model.Npy;
import org.gse.model.ClipWeights;
import org.gse.model.Embedding;
import org.gse.model.TinyClip;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported ONNX graphs on ONNX Runtime against the PyTorch reference fixtures and the DJL model. */
class OnnxClipParityTest {

    @TempDir
    static Path dir;

    static ClipWeights weights;
    static OnnxClipEncoder fp32;
    static OnnxClipEncoder int8;

    @BeforeAll
    static void export() throws Exception {
        weights = TinyClip.weights();
        fp32 = open(ClipOnnxExporter.Precision.FP32);
        int8 = open(ClipOnnxExporter.Precision.INT8);
    }

    static OnnxClipEncoder open(ClipOnnxExporter.Precision precision) throws Exception {
        Path vision = dir.resolve("vision-" + precision.id() + ".onnx");
        Path text = dir.resolve("text-" + precision.id() + ".onnx");
        ClipOnnxExporter.exportVision(weights, precision, vision, "tiny");
        ClipOnnxExporter.exportText(weights, precision, text, "tiny");
        return new OnnxClipEncoder(vision, text, weights.config(), "tiny", frame -> new float[0],
                s -> new long[77], FramePolicy.FIRST, 8, OnnxClipEncoder.Settings.defaults().withThreads(1));
    }

    @AfterAll
    static void close() {
        fp32.close();
        int8.close();
    }

    @Test
    void imageFeaturesMatchTheReference() throws Exception {
        Npy.Array pixels = TinyClip.expected("pixel_values");
        float[][] actual = fp32.imageFeatures(pixels.floats(), (int) pixels.shape()[0]);
        double diff = TinyClip.maxAbsDiff(TinyClip.expected("image_features").floats(), TinyClip.flatten(actual));
        assertTrue(diff <= 1e-4, "max |diff| " + diff);
    }

    @Test
    void textFeaturesMatchTheReference() throws Exception {
        Npy.Array ids = TinyClip.expected("input_ids");
        float[][] actual = fp32.textFeatures(ids.longs(), (int) ids.shape()[0]);
        double diff = TinyClip.maxAbsDiff(TinyClip.expected("text_features").floats(), TinyClip.flatten(actual));
        assertTrue(diff <= 1e-4, "max |diff| " + diff);
    }

    @Test
    void logitsMatchTheReference() throws Exception {
        Npy.Array pixels = TinyClip.expected("pixel_values");
        Npy.Array ids = TinyClip.expected("input_ids");
        float[][] image = fp32.imageFeatures(pixels.floats(), (int) pixels.shape()[0]);
        float[][] text = fp32.textFeatures(ids.longs(), (int) ids.shape()[0]);
        float[] logits = new float[image.length * text.length];
        double scale = Math.exp(weights.logitScale());
        for (int i = 0; i < image.length; i++) {
            for (int j = 0; j < text.length; j++) {
                logits[i * text.length + j] = (float) (scale
                        * Embedding.normalise(image[i]).cosine(Embedding.normalise(text[j])));
            }
        }
        double diff = TinyClip.maxAbsDiff(TinyClip.expected("logits_per_image").floats(), logits);
        assertTrue(diff <= 1e-4, "max |diff| " + diff);
    }

    @Test
    void onnxMatchesDjl() throws Exception {
        Npy.Array pixels = TinyClip.expected("pixel_values");
        Npy.Array ids = TinyClip.expected("input_ids");
        try (DjlClipModel djl = new DjlClipModel(weights)) {
            int n = (int) pixels.shape()[0];
            double image = TinyClip.maxAbsDiff(TinyClip.flatten(djl.imageFeatures(pixels.floats(), n)),
                    TinyClip.flatten(fp32.imageFeatures(pixels.floats(), n)));
            int t = (int) ids.shape()[0];
            double text = TinyClip.maxAbsDiff(TinyClip.flatten(djl.textFeatures(ids.longs(), t)),
                    TinyClip.flatten(fp32.textFeatures(ids.longs(), t)));
            assertTrue(image <= 1e-4, "image max |diff| " + image);
            assertTrue(text <= 1e-4, "text max |diff| " + text);
        }
    }

    @Test
    void batchesOfOneGiveTheSameRows() throws Exception {
        Npy.Array pixels = TinyClip.expected("pixel_values");
        float[] all = pixels.floats();
        int plane = all.length / (int) pixels.shape()[0];
        float[][] batched = fp32.imageFeatures(all, (int) pixels.shape()[0]);
        float[] second = java.util.Arrays.copyOfRange(all, plane, 2 * plane);
        float[][] single = fp32.imageFeatures(second, 1);
        assertEquals(batched[1].length, single[0].length);
        assertTrue(TinyClip.maxAbsDiff(batched[1], single[0]) <= 1e-5);
    }

    @Test
    void int8StaysCloseToFloat32() throws Exception {
        Npy.Array pixels = TinyClip.expected("pixel_values");
        int n = (int) pixels.shape()[0];
        float[][] exact = fp32.imageFeatures(pixels.floats(), n);
        float[][] quantised = int8.imageFeatures(pixels.floats(), n);
        for (int i = 0; i < n; i++) {
            double cosine = Embedding.normalise(exact[i]).cosine(Embedding.normalise(quantised[i]));
            assertTrue(cosine > 0.99, "image " + i + " cosine " + cosine);
        }
        Npy.Array ids = TinyClip.expected("input_ids");
        int t = (int) ids.shape()[0];
        float[][] exactText = fp32.textFeatures(ids.longs(), t);
        float[][] quantisedText = int8.textFeatures(ids.longs(), t);
        for (int i = 0; i < t; i++) {
            double cosine = Embedding.normalise(exactText[i]).cosine(Embedding.normalise(quantisedText[i]));
            assertTrue(cosine > 0.99, "text " + i + " cosine " + cosine);
        }
    }
}
