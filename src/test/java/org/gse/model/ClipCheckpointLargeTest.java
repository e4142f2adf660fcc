package org.gse.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gse.TestData;
import org.junit.jupiter.api.Test;

/**
 * Loads a full-size random ViT-B/32 model in two layouts and compares them bit for bit. The model is not committed
 * (600 MB per file); the test runs when it has been generated with
 * {@code /usr/bin/python3 tools/clip_reference.py --shape vit-b-32 --out target/clip-vit-b-32} (or when
 * {@code -Dgse.clip.b32=DIR} points at such a folder), and is skipped otherwise.
 */
class ClipCheckpointLargeTest {

    static Path folder() {
        Path folder = Path.of(System.getProperty("gse.clip.b32", TestData.repo().resolve("target/clip-vit-b-32").toString()));
        assumeTrue(Files.exists(folder.resolve("model.safetensors")) && Files.exists(folder.resolve("gse.pt")),
                () -> "skipped: no generated ViT-B/32 model at " + folder + "; make it with /usr/bin/python3"
                        + " tools/clip_reference.py --shape vit-b-32 --out target/clip-vit-b-32");
        return folder;
    }

    @Test
    void vitB32SafetensorsAndGseCheckpointAreIdentical() throws IOException {
        Path folder = folder();
        long start = System.nanoTime();
        ClipCheckpoint safetensors = ClipCheckpoint.load(folder);
        long middle = System.nanoTime();
        ClipCheckpoint torch = ClipCheckpoint.load(folder.resolve("gse.pt"));
        long end = System.nanoTime();
        System.out.printf("ViT-B/32 load: safetensors %.2f s, gse.pt %.2f s%n", (middle - start) / 1e9,
                (end - middle) / 1e9);
        assertEquals(ClipConfig.VIT_B_32.visionConfig(), safetensors.config().visionConfig());
        assertEquals(ClipConfig.VIT_B_32.projectionDim(), safetensors.config().projectionDim());
        // gse.pt has no config: the architecture is inferred (heads by the CLIP rule) and must agree, except for
        // the text config's legacy eos_token_id 2 in the openai config.json, which shapes cannot tell.
        assertEquals(safetensors.config().visionConfig(), torch.config().visionConfig());
        assertEquals(safetensors.config().textConfig().numAttentionHeads(), torch.config().textConfig().numAttentionHeads());
        assertEquals(safetensors.weights().keySet(), torch.weights().keySet());
        for (String key : safetensors.weights().keySet()) {
            assertArrayEquals(safetensors.tensor(key).shape(), torch.tensor(key).shape(), key);
            SafetensorsTest.assertBitsEqual(safetensors.tensor(key).data(), torch.tensor(key).data(), key);
        }
    }
}
