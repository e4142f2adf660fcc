package org.gse.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Pillow resampler: exact parity with Pillow on a sweep of random small resizes with every filter
 * ({@code tools/make_preprocess_fixtures.py}), and properties that hold whatever the input. The CLIP-sized
 * cases are in {@link ClipImageProcessorTest}.
 */
class PillowResizeTest {

    @Test
    void equalsPillowOnTheSweep() throws IOException {
        checkSweep(TestData.resource("clip/preprocess/resize_sweep.bin"));
        // A larger sweep made outside the repository with --sweep-only, when asked for.
        String extra = System.getProperty("gse.resizeSweep");
        if (extra != null && !extra.isBlank()) {
            checkSweep(Path.of(extra));
        }
    }

    private static void checkSweep(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        buffer.get(magic);
        assertEquals("PILRESZ1", new String(magic, StandardCharsets.US_ASCII), file.toString());
        int count = buffer.getInt();

        int failedCases = 0;
        long differing = 0;
        long samples = 0;
        int maxDiff = 0;
        String firstFailure = null;
        for (int i = 0; i < count; i++) {
            int inW = buffer.getInt();
            int inH = buffer.getInt();
            int outW = buffer.getInt();
            int outH = buffer.getInt();
            PillowResize.Filter filter = PillowResize.Filter.fromPil(buffer.getInt());
            byte[] input = new byte[inW * inH * 3];
            buffer.get(input);
            byte[] expected = new byte[outW * outH * 3];
            buffer.get(expected);

            byte[] actual = PillowResize.resize(new RgbImage(inW, inH, input), outW, outH, filter).rgb();
            int caseDiffering = 0;
            for (int j = 0; j < expected.length; j++) {
                int diff = Math.abs((expected[j] & 0xFF) - (actual[j] & 0xFF));
                caseDiffering += diff != 0 ? 1 : 0;
                maxDiff = Math.max(maxDiff, diff);
            }
            samples += expected.length;
            differing += caseDiffering;
            if (caseDiffering > 0) {
                failedCases++;
                if (firstFailure == null) {
                    firstFailure = String.format(Locale.ROOT, "case %d: %dx%d -> %dx%d %s, %d samples differ", i,
                            inW, inH, outW, outH, filter, caseDiffering);
                }
            }
        }

        assertEquals(0, failedCases, String.format(Locale.ROOT,
                "%s: %d of %d resizes differ from Pillow (%d of %d samples, max diff %d); first: %s", file,
                failedCases, count, differing, samples, maxDiff, firstFailure));
    }

    @ParameterizedTest
    @EnumSource(PillowResize.Filter.class)
    void constantImageStaysConstant(PillowResize.Filter filter) {
        byte[] rgb = new byte[31 * 17 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 200;
            rgb[i + 1] = 7;
            rgb[i + 2] = (byte) 255;
        }
        RgbImage image = new RgbImage(31, 17, rgb);
        for (int[] size : new int[][] {{9, 5}, {64, 40}, {31, 3}, {2, 17}, {1, 1}}) {
            RgbImage out = PillowResize.resize(image, size[0], size[1], filter);
            assertEquals(size[0], out.width());
            assertEquals(size[1], out.height());
            for (int i = 0; i < out.rgb().length; i += 3) {
                assertEquals(200, out.rgb()[i] & 0xFF, filter + " " + Arrays.toString(size));
                assertEquals(7, out.rgb()[i + 1] & 0xFF);
                assertEquals(255, out.rgb()[i + 2] & 0xFF);
            }
        }
    }

    @Test
    void sameSizeReturnsTheImage() {
        RgbImage image = new RgbImage(3, 2, new byte[18]);
        assertSame(image, PillowResize.resize(image, 3, 2, PillowResize.Filter.BICUBIC));
    }

    @Test
    void fixedPointWeightsSumToOne() {
        for (int[] sizes : new int[][] {{512, 224}, {37, 64}, {224, 224}, {1000, 3}, {5, 700}}) {
            PillowResize.Taps taps = PillowResize.taps(sizes[0], sizes[1], PillowResize.Filter.BICUBIC);
            for (int i = 0; i < sizes[1]; i++) {
                long sum = 0;
                for (int j = 0; j < taps.count()[i]; j++) {
                    sum += taps.weights()[i * taps.kernelSize() + j];
                }
                long one = 1L << PillowResize.PRECISION_BITS;
                assertTrue(Math.abs(sum - one) <= taps.count()[i], "sum " + sum + " at " + i + " for "
                        + Arrays.toString(sizes));
                assertTrue(taps.first()[i] >= 0, "first tap " + taps.first()[i]);
                assertTrue(taps.first()[i] + taps.count()[i] <= sizes[0], "last tap past the input");
            }
        }
    }

    @Test
    void downscaleWidensTheKernel() {
        // 512 -> 224: scale 2.2857, support 2 * 2.2857 = 4.57, kernel size 2 * 5 + 1 = 11.
        assertEquals(11, PillowResize.taps(512, 224, PillowResize.Filter.BICUBIC).kernelSize());
        // Upscaling keeps the natural support: 2 * 2 + 1 = 5.
        assertEquals(5, PillowResize.taps(20, 64, PillowResize.Filter.BICUBIC).kernelSize());
    }

    @Test
    void separableOrderDoesNotDependOnChannels() {
        // Each channel is resampled independently: a channel-swapped input gives the channel-swapped output.
        Random random = new Random(7);
        byte[] rgb = new byte[23 * 41 * 3];
        random.nextBytes(rgb);
        byte[] swapped = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i += 3) {
            swapped[i] = rgb[i + 2];
            swapped[i + 1] = rgb[i];
            swapped[i + 2] = rgb[i + 1];
        }
        RgbImage a = PillowResize.resize(new RgbImage(23, 41, rgb), 10, 57, PillowResize.Filter.BICUBIC);
        RgbImage b = PillowResize.resize(new RgbImage(23, 41, swapped), 10, 57, PillowResize.Filter.BICUBIC);
        byte[] back = new byte[b.rgb().length];
        for (int i = 0; i < back.length; i += 3) {
            back[i] = b.rgb()[i + 1];
            back[i + 1] = b.rgb()[i + 2];
            back[i + 2] = b.rgb()[i];
        }
        assertArrayEquals(a.rgb(), back);
    }

    @Test
    void rejectsNearestAndUnknownFilters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PillowResize.Filter.fromPil(0));
        assertTrue(e.getMessage().startsWith("resample 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PillowResize.Filter.fromPil(6));
        assertEquals(PillowResize.Filter.BICUBIC, PillowResize.Filter.fromPil(3));
        assertThrows(IllegalArgumentException.class,
                () -> PillowResize.resize(new RgbImage(2, 2, new byte[12]), 0, 5, PillowResize.Filter.BOX));
    }
}
