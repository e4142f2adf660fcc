package org.gse.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.gse.decode.AlphaPolicy;
import org.gse.model.ClipImageProcessor;
import org.gse.model.ClipImageProcessorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StickerImagesTest {

    @TempDir
    Path folder;

    private StickerImages load() throws IOException {
        ShapeStickers.write(folder, 2, 5);
        ClipImageProcessorConfig d = ClipImageProcessorConfig.DEFAULT;
        ClipImageProcessorConfig config = new ClipImageProcessorConfig(true,
                ClipImageProcessorConfig.Size.shortestEdge(32), d.resample(), true,
                new ClipImageProcessorConfig.CropSize(32, 32), true, d.rescaleFactor(), true, d.imageMean(),
                d.imageStd(), true);
        StickerImages images = new StickerImages(new ClipImageProcessor(config, AlphaPolicy.WHITE), 32);
        images.load(folder.resolve("images"), List.of("red_circle_0.png", "blue_triangle_1.png"));
        return images;
    }

    @Test
    void augmentationRepeatsForSameSeed() throws IOException {
        StickerImages images = load();
        float[] first = images.augmentedPixels("red_circle_0.png", TrainConfig.Augment.DEFAULT,
                new SplittableRandom(9));
        for (int i = 0; i < 200; i++) {
            float[] again = images.augmentedPixels("red_circle_0.png", TrainConfig.Augment.DEFAULT,
                    new SplittableRandom(9));
            assertArrayEquals(first, again, 0f, "repeat " + i);
        }
    }

    @Test
    void augmentationChangesWithSeed() throws IOException {
        StickerImages images = load();
        float[] a = images.augmentedPixels("red_circle_0.png", TrainConfig.Augment.DEFAULT, new SplittableRandom(1));
        float[] b = images.augmentedPixels("red_circle_0.png", TrainConfig.Augment.DEFAULT, new SplittableRandom(2));
        assertEquals(3 * 32 * 32, a.length);
        assertFalse(Arrays.equals(a, b), "two seeds gave the same augmented image");
    }
}
