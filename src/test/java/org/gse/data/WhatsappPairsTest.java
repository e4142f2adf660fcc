package org.gse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.gse.TestData;
import org.junit.jupiter.api.Test;

/** The committed pairs made by tools/whatsapp_pairs.py keep the properties its rule promises. */
class WhatsappPairsTest {

    private static PairSet read(String name) throws IOException {
        return PairSet.read(TestData.resource("whatsapp-pairs/" + name));
    }

    @Test
    void splitsAreBalancedAndShareNoSticker() throws IOException {
        PairSet train = read("train.csv");
        PairSet test = read("test.csv");
        assertEquals(train.size(), 2 * train.positives(), "one negative per positive");
        assertEquals(test.size(), 2 * test.positives(), "one negative per positive");
        Set<String> shared = new HashSet<>(train.distinctIds());
        shared.retainAll(test.distinctIds());
        assertTrue(shared.isEmpty(), "stickers in both splits: " + shared);
        for (PairSet set : new PairSet[] {train, test}) {
            long samePackPositives = set.pairs().stream().filter(p -> p.label() == 1 && samePack(p)).count();
            long samePackNegatives = set.pairs().stream().filter(p -> p.label() == 0 && samePack(p)).count();
            assertEquals(samePackPositives, samePackNegatives, "negatives matched by pack in " + set.source());
        }
    }

    private static boolean samePack(Pair pair) {
        return pair.stickerId().split("/")[0].equals(pair.stickerId2().split("/")[0]);
    }

    @Test
    void idsAreStickersOfTheSharedPacks() throws IOException {
        Path folder = TestData.shared("real-stickers/whatsapp");
        JsonNode contents = new ObjectMapper().readTree(folder.resolve("contents.json").toFile());
        Set<String> stickers = new HashSet<>();
        for (JsonNode pack : contents.get("sticker_packs")) {
            for (JsonNode sticker : pack.get("stickers")) {
                stickers.add(pack.get("identifier").asText() + "/" + sticker.get("image_file").asText());
            }
        }
        ImageLocator locator = new ImageLocator(folder);
        for (String name : new String[] {"train.csv", "test.csv"}) {
            for (String id : read(name).distinctIds()) {
                assertTrue(stickers.contains(id), id + " is not a sticker in contents.json");
                assertTrue(locator.find(id).isPresent(), id + " has no image");
                assertFalse(id.contains("tray"), "tray icons are not stickers");
            }
        }
        assertTrue(Files.isRegularFile(TestData.repo().resolve("tools/whatsapp_pairs.py")));
    }
}
