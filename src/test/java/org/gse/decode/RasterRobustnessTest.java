package org.gse.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.gse.TestData;
import org.junit.jupiter.api.Test;

/**
 * Damaged inputs: every raster case cut at many lengths and with bytes overwritten (seeded) must either decode or
 * fail with a {@link DecodeException}, never with another exception or an error.
 */
class RasterRobustnessTest {

    private static final int CUTS = 12;
    private static final int CORRUPTIONS = 12;

    @Test
    void damagedFilesFailCleanly() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("gif", "apng", "png", "jpeg")) {
            try (Stream<Path> listing = Files.list(TestData.shared("format-cases/" + folder))) {
                listing.filter(p -> p.getFileName().toString().matches(".*\\.(gif|png|apng|jpg)")).forEach(files::add);
            }
        }
        try (Stream<Path> listing = Files.list(TestData.resource("fixtures/raster"))) {
            listing.filter(p -> p.getFileName().toString().matches(".*\\.(gif|png|apng|jpg)")).forEach(files::add);
        }
        files.sort(null);
        StickerDecoder decoder = StickerDecoder.withAllFormats(DecodeLimits.DEFAULT);
        Random random = new Random(20261204);
        int decoded = 0;
        int rejected = 0;

        for (Path file : files) {
            byte[] original = Files.readAllBytes(file);
            List<byte[]> variants = new ArrayList<>();
            for (int i = 1; i <= CUTS; i++) {
                variants.add(Arrays.copyOf(original, (int) ((long) original.length * i / (CUTS + 1))));
            }
            for (int i = 0; i < CORRUPTIONS; i++) {
                byte[] corrupt = original.clone();
                for (int j = 0; j < 1 + random.nextInt(4); j++) {
                    // Leave the 8-byte signature intact so the damage reaches the format's decoder.
                    int at = 8 + random.nextInt(Math.max(1, corrupt.length - 8));
                    if (at < corrupt.length) {
                        corrupt[at] = (byte) random.nextInt(256);
                    }
                }
                variants.add(corrupt);
            }
            for (int v = 0; v < variants.size(); v++) {
                try {
                    decoder.decode(variants.get(v), file);
                    decoded++;
                } catch (DecodeException e) {
                    rejected++;
                } catch (RuntimeException | Error e) {
                    fail(file.getFileName() + " variant " + v + " (" + variants.get(v).length + " bytes) threw " + e, e);
                }
            }
        }
        assertEquals(files.size() * (CUTS + CORRUPTIONS), decoded + rejected);
    }
}
