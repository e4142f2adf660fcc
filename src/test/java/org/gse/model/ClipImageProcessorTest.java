package org.gse.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.gse.Npy;
import org.gse.TestData;
import org.gse.decode.AlphaPolicy;
import org.gse.decode.Frame;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity with Hugging Face's CLIPImageProcessor as reproduced by {@code tools/make_preprocess_fixtures.py} with
 * Pillow and numpy: the uint8 resize must equal Pillow's exactly, and the pixel values must be within 1e-6 of
 * numpy's (they are expected to be bit-identical, since every step is the same IEEE arithmetic).
 */
class ClipImageProcessorTest {

    private static final Path DIR = TestData.resource("clip/preprocess");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TOLERANCE = 1e-6;

    @TestFactory
    Stream<DynamicTest> matchesHuggingFaceOnEveryFixture() throws IOException {
        JsonNode cases = JSON.readTree(DIR.resolve("cases.json").toFile()).get("cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> checkCase(c)));
        }
        return tests.stream();
    }

    private static void checkCase(JsonNode c) throws IOException {
        String name = c.get("name").asText();
        ClipImageProcessorConfig config = c.get("config").isNull() ? ClipImageProcessorConfig.DEFAULT
                : ClipImageProcessorConfig.parse(c.get("config").toString());
        ClipImageProcessor processor = new ClipImageProcessor(config, AlphaPolicy.parse(c.get("alpha").asText()));
        Frame frame = readFrame(c.get("image").asText());

        // 1. The uint8 image after the resize, against PIL's.
        RgbImage image = RgbImage.of(frame, processor.alphaPolicy());
        if (config.doResize()) {
            image = processor.resize(image);
            Npy resized = Npy.read(DIR.resolve(name + "_resized.npy"));
            assertArrayEquals(new int[] {image.height(), image.width(), 3}, resized.shape(), name + " resized shape");
            assertBytesEqual(resized.bytes(), image, name + " resized");
        }

        // 2. After the center crop.
        if (config.doCenterCrop()) {
            image = processor.centerCrop(image);
        }
        Path croppedFile = DIR.resolve(name + "_cropped.npy");
        Npy cropped = Npy.read(Files.exists(croppedFile) ? croppedFile
                : DIR.resolve(name + "_resized.npy"));
        assertArrayEquals(new int[] {image.height(), image.width(), 3}, cropped.shape(), name + " cropped shape");
        assertBytesEqual(cropped.bytes(), image, name + " cropped");

        // 3. The final pixel values, through the public entry point.
        Npy expected = Npy.read(DIR.resolve(name + ".npy"));
        float[] actual = processor.preprocess(frame);
        int[] shape = processor.outputSize(frame.width(), frame.height());
        assertArrayEquals(expected.shape(), new int[] {3, shape[0], shape[1]}, name + " output shape");
        float[] want = expected.floats();
        assertEquals(want.length, actual.length, name + " value count");
        double maxDiff = 0;
        int unequal = 0;
        for (int i = 0; i < want.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(want[i] - actual[i]));
            unequal += Float.floatToIntBits(want[i]) != Float.floatToIntBits(actual[i]) ? 1 : 0;
        }
        assertTrue(maxDiff <= TOLERANCE, String.format(Locale.ROOT, "%s: max |diff| %.3g > %.1g (%d of %d differ)",
                name, maxDiff, TOLERANCE, unequal, want.length));
        assertEquals(0, unequal, name + ": values within tolerance but not bit-identical");
    }

    private static void assertBytesEqual(byte[] expected, RgbImage actual, String what) {
        byte[] got = actual.rgb();
        assertEquals(expected.length, got.length, what + " size");
        int differing = 0;
        int maxDiff = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            int diff = Math.abs((expected[i] & 0xFF) - (got[i] & 0xFF));
            if (diff != 0) {
                differing++;
                maxDiff = Math.max(maxDiff, diff);
                first = first < 0 ? i : first;
            }
        }
        if (differing > 0) {
            int pixel = first / 3;
            fail(String.format(Locale.ROOT, "%s: %d of %d samples differ from PIL, max diff %d, first at x=%d y=%d"
                            + " channel %d (PIL %d, ours %d)", what, differing, expected.length, maxDiff,
                    pixel % actual.width(), pixel / actual.width(), first % 3, expected[first] & 0xFF,
                    got[first] & 0xFF));
        }
    }

    static Frame readFrame(String file) throws IOException {
        BufferedImage image = ImageIO.read(DIR.resolve(file).toFile());
        return Frame.of(image, 0);
    }

    @Test
    void batchConcatenatesFramesAndRejectsMixedSizes() throws IOException {
        ClipImageProcessor processor = new ClipImageProcessor(ClipImageProcessorConfig.parse(
                "{\"size\": 64, \"crop_size\": 64}"), AlphaPolicy.WHITE);
        Frame a = readFrame("rgba_37x53.png");
        Frame b = readFrame("rgb_300x200.png");
        Tensor batch = processor.pixelValues(List.of(a, b, a));
        assertArrayEquals(new long[] {3, 3, 64, 64}, batch.shape());
        int plane = 3 * 64 * 64;
        assertArrayEquals(processor.preprocess(a), Arrays.copyOfRange(batch.data(), 0, plane));
        assertArrayEquals(processor.preprocess(b), Arrays.copyOfRange(batch.data(), plane, 2 * plane));
        assertArrayEquals(processor.preprocess(a), Arrays.copyOfRange(batch.data(), 2 * plane, 3 * plane));
        assertArrayEquals(batch.data(), processor.preprocessBatch(List.of(a, b, a)));

        ClipImageProcessor noCrop = new ClipImageProcessor(ClipImageProcessorConfig.parse(
                "{\"size\": 32, \"do_center_crop\": false}"), AlphaPolicy.WHITE);
        assertArrayEquals(new int[] {45, 32}, noCrop.outputSize(37, 53));
        assertEquals(null, noCrop.fixedOutputSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> noCrop.pixelValues(List.of(a, b)));
        assertTrue(e.getMessage().contains("do_center_crop"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> processor.pixelValues(List.of()));
    }

    @Test
    void defaultsAreClip224() {
        ClipImageProcessor processor = new ClipImageProcessor(AlphaPolicy.WHITE);
        assertArrayEquals(new int[] {224, 224}, processor.fixedOutputSize());
        assertArrayEquals(new int[] {224, 224}, processor.outputSize(1000, 17));
        Frame white = new Frame(5, 9, filled(45, 0x00FF0000), 0);
        float[] values = processor.preprocess(white);
        assertEquals(3 * 224 * 224, values.length);
        // A fully transparent frame is white under the white policy: (1 - mean) / std in every channel.
        for (int c = 0; c < 3; c++) {
            float expected = (1.0f - (float) ClipImageProcessorConfig.OPENAI_CLIP_MEAN[c])
                    / (float) ClipImageProcessorConfig.OPENAI_CLIP_STD[c];
            assertEquals(expected, values[c * 224 * 224 + 1234], 0f, "channel " + c);
        }
    }

    @Test
    void loadsFromAFolderWithoutConfigAsDefaults(@TempDir Path dir) throws IOException {
        assertSame(ClipImageProcessorConfig.DEFAULT, ClipImageProcessor.load(dir, AlphaPolicy.DROP).config());
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"crop_size\": 32}");
        assertArrayEquals(new int[] {32, 32}, ClipImageProcessor.load(dir, AlphaPolicy.DROP).fixedOutputSize());
    }

    private static int[] filled(int n, int argb) {
        int[] pixels = new int[n];
        Arrays.fill(pixels, argb);
        return pixels;
    }
}
