package org.gse.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gse.TestData;
import org.gse.decode.FramePolicy;
import org.gse.djl.DjlClipModel;
import org.gse.engine.Models;
import org.gse.model.ClipWeights;
import org.gse.model.Embedding;
import org.gse.model.Npy;
import org.gse.model.TinyClip;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL, ONNX Runtime fp32 and int8 against the PyTorch reference on a random model of the real ViT-B/32 shape.
 * Slow (about a minute and 1.5 GB of memory), so excluded by default. Run with:
 *
 * <pre>
 * /usr/bin/python3 tools/clip_reference.py --shape vit-b-32 --out target/clip-vit-b-32
 * ./run-tests -Dtest=VitB32ParityTest -Dgroups=slow -DexcludedGroups=none
 * </pre>
 */
@Tag("slow")
class VitB32ParityTest {

    @TempDir
    Path dir;

    @Test
    void enginesMatchTheReferenceAtFullSize() throws Exception {
        Path model = TestData.repo().resolve("target/clip-vit-b-32");
        assumeTrue(Files.isRegularFile(model.resolve("expected/image_features.npy")),
                "skipped: run tools/clip_reference.py --shape vit-b-32 --out target/clip-vit-b-32 first");
        ClipWeights weights = Models.loadWeights(model);
        Npy.Array pixels = Npy.read(model.resolve("expected/pixel_values.npy"));
        Npy.Array ids = Npy.read(model.resolve("expected/input_ids.npy"));
        float[] image = Npy.read(model.resolve("expected/image_features.npy")).floats();
        float[] text = Npy.read(model.resolve("expected/text_features.npy")).floats();
        int n = (int) pixels.shape()[0];
        int t = (int) ids.shape()[0];

        try (DjlClipModel djl = new DjlClipModel(weights)) {
            check("djl image", image, TinyClip.flatten(djl.imageFeatures(pixels.floats(), n)), 1e-4);
            check("djl text", text, TinyClip.flatten(djl.textFeatures(ids.longs(), t)), 1e-4);
        }
        for (ClipOnnxExporter.Precision precision : ClipOnnxExporter.Precision.values()) {
            Path vision = dir.resolve("v-" + precision.id() + ".onnx");
            Path textGraph = dir.resolve("t-" + precision.id() + ".onnx");
            ClipOnnxExporter.exportVision(weights, precision, vision, "vit-b-32");
            ClipOnnxExporter.exportText(weights, precision, textGraph, "vit-b-32");
            try (OnnxClipEncoder ort = new OnnxClipEncoder(vision, textGraph, weights.config(), "vit-b-32",
                    f -> new float[0], s -> new long[77], FramePolicy.FIRST, 8, OnnxClipEncoder.Settings.defaults())) {
                float[] gotImage = TinyClip.flatten(ort.imageFeatures(pixels.floats(), n));
                float[] gotText = TinyClip.flatten(ort.textFeatures(ids.longs(), t));
                if (precision == ClipOnnxExporter.Precision.FP32) {
                    check("ort image", image, gotImage, 1e-4);
                    check("ort text", text, gotText, 1e-4);
                } else {
                    checkCosine("ort int8 image", image, gotImage, n, 0.99);
                    checkCosine("ort int8 text", text, gotText, t, 0.99);
                }
            }
        }
    }

    private static void check(String what, float[] expected, float[] actual, double tolerance) {
        double diff = TinyClip.maxAbsDiff(expected, actual);
        assertTrue(diff <= tolerance, what + ": max |diff| " + diff + " > " + tolerance);
    }

    private static void checkCosine(String what, float[] expected, float[] actual, int rows, double minimum) {
        int width = expected.length / rows;
        for (int i = 0; i < rows; i++) {
            double cosine = Embedding.normalise(java.util.Arrays.copyOfRange(expected, i * width, (i + 1) * width))
                    .cosine(Embedding.normalise(java.util.Arrays.copyOfRange(actual, i * width, (i + 1) * width)));
            assertTrue(cosine >= minimum, what + " row " + i + ": cosine " + cosine + " < " + minimum);
        }
    }
}
