package org.gse.data.emoji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.gse.data.Pair;
import org.gse.data.PairSet;
import org.gse.data.StickerQueries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the emoji corpus from a generated registry folder and checks its files, splits and pairs. */
class EmojiCorpusBuilderTest {

    private static final int SIZE = 32;

    @TempDir
    static Path work;

    static Path registry;
    static Path cache;
    static Path out;
    static EmojiCorpusBuilder.Result result;

    @BeforeAll
    static void build() throws IOException {
        registry = work.resolve("registry");
        cache = work.resolve("cache");
        out = work.resolve("corpus");
        FakeRegistry.write(registry);
        result = new EmojiCorpusBuilder(NpmRegistry.ofFolder(registry, cache))
                .build(options(out));
    }

    private static EmojiCorpusBuilder.Options options(Path folder) {
        return new EmojiCorpusBuilder.Options(folder, SIZE, 1500, 7, EmojiStyle.OPENMOJI, 2);
    }

    @Test
    void keepsEmojiDrawnByEveryStyle() throws IOException {
        Set<String> keys = new HashSet<>();
        for (String line : Files.readAllLines(out.resolve("stickers.csv")).subList(1, result.stickers() + 1)) {
            keys.add(keyOf(line.substring(0, line.indexOf(','))));
        }
        assertEquals(FakeRegistry.FACES + 1, result.emoji(), "40 faces and the heart");
        assertEquals(FakeRegistry.FACES + 1, keys.size());
        assertTrue(keys.contains("2764"), "the heart, named with and without U+FE0F, joins across packages");
        assertFalse(keys.contains(FakeRegistry.MISSING_IN_FLUENT), "an emoji one style lacks is left out");
        assertFalse(keys.contains("1f3fb"), "components are left out");
    }

    @Test
    void stickerTableHasLicenceAndEmotion() throws IOException {
        Map<String, String> licenceByStyle = new HashMap<>();
        Map<String, String> emotionById = new HashMap<>();
        List<String> lines = Files.readAllLines(out.resolve("stickers.csv"));
        assertEquals("id,emoji,style,name,group,subgroup,emotion,license,split", lines.getFirst());
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            assertEquals(9, fields.length, line);
            assertFalse(fields[7].isEmpty(), "licence of " + fields[0]);
            assertTrue(Files.isRegularFile(out.resolve("images").resolve(fields[0])), fields[0]);
            licenceByStyle.put(fields[2], fields[7]);
            emotionById.put(fields[0], fields[6]);
        }
        assertEquals(Map.of("noto", "Apache-2.0", "twemoji", "CC-BY-4.0", "openmoji", "CC-BY-SA-4.0",
                "fluent-3d", "MIT"), licenceByStyle);
        assertEquals("negative", emotionById.get("noto/1f600.png"), "polarity -4");
        assertEquals("neutral", emotionById.get("noto/1f601.png"), "polarity 0");
        assertEquals("positive", emotionById.get("noto/1f602.png"), "polarity 3");
        assertEquals("positive", emotionById.get("noto/2764.png"), "rated with U+FE0F, keyed without");
        assertEquals("", emotionById.get("noto/1f603.png"), "unrated");
    }

    @Test
    void imagesAreSquarePngsWithAlpha() throws IOException {
        for (String style : List.of("noto", "twemoji", "fluent-3d")) {
            BufferedImage image = ImageIO.read(out.resolve("images/" + style + "/1f600.png").toFile());
            assertEquals(SIZE, image.getWidth(), style);
            assertEquals(SIZE, image.getHeight(), style);
            assertTrue(image.getColorModel().hasAlpha(), style);
        }
        BufferedImage wide = ImageIO.read(out.resolve("images/twemoji/1f600.png").toFile());
        assertEquals(0, wide.getRGB(SIZE / 2, 0) >>> 24, "72x48 art is centred, so the top row is transparent");
        assertNotEquals(0, wide.getRGB(SIZE / 2, SIZE / 2) >>> 24, "the centre is drawn");
    }

    @Test
    void chineseQueriesRoundTrip() throws IOException {
        StickerQueries chinese = StickerQueries.read(out.resolve("queries_zh.csv"));
        assertEquals(List.of("脸0", "笑 哭", "脸"), chinese.of("noto/1f600.png"),
                "full-width commas inside a keyword become spaces, not query breaks");
        StickerQueries english = StickerQueries.read(out.resolve("queries_en.csv"));
        assertEquals(List.of("red heart", "love"), english.of("fluent-3d/2764.png"));
        assertEquals(result.stickers(), chinese.size());
        assertEquals(result.stickers(), english.size());
    }

    @Test
    void noEmojiInTwoSplits() throws IOException {
        Map<String, String> splitOfKey = new HashMap<>();
        for (String split : List.of("train", "validation", "test")) {
            PairSet pairs = PairSet.read(out.resolve("pairs/" + split + ".csv"));
            assertTrue(pairs.size() > 0, split + " is empty");
            for (String id : pairs.distinctIds()) {
                String previous = splitOfKey.put(keyOf(id), split);
                assertTrue(previous == null || previous.equals(split),
                        keyOf(id) + " is in " + previous + " and " + split);
            }
        }
        PairSet heldOut = PairSet.read(out.resolve("pairs/test_heldout_style.csv"));
        for (String id : heldOut.distinctIds()) {
            assertEquals("test", splitOfKey.get(keyOf(id)), id + " in the held-out test is not a test emoji");
        }
    }

    @Test
    void heldOutStyleOnlyInItsTest() throws IOException {
        for (String split : List.of("train", "validation", "test")) {
            for (String id : PairSet.read(out.resolve("pairs/" + split + ".csv")).distinctIds()) {
                assertFalse(id.startsWith("openmoji/"), id + " in " + split);
            }
        }
        for (Pair pair : PairSet.read(out.resolve("pairs/test_heldout_style.csv")).pairs()) {
            assertTrue(pair.stickerId().startsWith("openmoji/") ^ pair.stickerId2().startsWith("openmoji/"),
                    "exactly one side in the held-out style: " + pair);
        }
        try (Stream<Path> files = Files.list(out.resolve("images/openmoji"))) {
            assertEquals(result.pairs().get("test").positives() / 3, files.count(),
                    "held-out images exist only for test emoji");
        }
    }

    @Test
    void pairsAreBalancedAndHalfHard() throws IOException {
        assertEquals(result.pairs().get("train").negatives() / 2, result.pairs().get("train").hardNegatives(),
                "the training list has subgroups to spare, so half its negatives are hard");
        Map<String, String> subgroupOfKey = new HashMap<>();
        List<String> faces = FakeRegistry.faceKeys();
        for (int i = 0; i < faces.size(); i++) {
            subgroupOfKey.put(faces.get(i), FakeRegistry.subgroup(i));
        }
        subgroupOfKey.put("2764", "heart");
        for (String list : List.of("train", "validation", "test", "test_heldout_style")) {
            PairSet pairs = PairSet.read(out.resolve("pairs/" + list + ".csv"));
            int hard = 0;
            Set<String> distinct = new HashSet<>();
            Set<String> subgroups = new HashSet<>();
            for (Pair pair : pairs.pairs()) {
                String a = keyOf(pair.stickerId());
                String b = keyOf(pair.stickerId2());
                subgroups.add(subgroupOfKey.get(a));
                subgroups.add(subgroupOfKey.get(b));
                assertNotEquals(styleOf(pair.stickerId()), styleOf(pair.stickerId2()), "same style in " + pair);
                assertEquals(pair.similar(), a.equals(b), "label disagrees with the emoji in " + pair);
                if (!pair.similar() && subgroupOfKey.get(a).equals(subgroupOfKey.get(b))) {
                    hard++;
                }
                assertTrue(distinct.add(pair.stickerId() + "|" + pair.stickerId2()), "repeated " + pair);
            }
            int negatives = pairs.size() - pairs.positives();
            assertEquals(pairs.positives(), negatives, list + ": positives and negatives balance");
            if (subgroups.size() > 1) {
                assertEquals(negatives / 2, hard, list + ": half the negatives share a subgroup");
            } else {
                assertEquals(negatives, hard, list + ": one subgroup, so every negative is hard");
            }
            assertEquals(hard, result.pairs().get(list).hardNegatives(), list + ": counted hard negatives");
        }
        assertEquals(3 * (result.emoji() - emojiIn("validation") - emojiIn("test")),
                result.pairs().get("train").positives(), "three style pairs per training emoji");
    }

    @Test
    void layoutNamesWrittenFiles() {
        EmojiCorpusLayout layout = new EmojiCorpusLayout(out);
        assertTrue(Files.isDirectory(layout.images()));
        assertTrue(Files.isRegularFile(layout.stickers()));
        assertTrue(Files.isRegularFile(layout.queries("zh")));
        assertTrue(Files.isRegularFile(layout.pairs("test_heldout_style")));
        assertTrue(Files.isRegularFile(layout.manifest()));
    }

    @Test
    void manifestRecordsPackagesAndSeed() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(7, manifest.path("seed").asLong());
        assertEquals("openmoji", manifest.path("held_out_style").asText());
        assertEquals(6, manifest.path("packages").size());
        for (JsonNode pkg : manifest.path("packages")) {
            assertTrue(pkg.path("integrity").asText().startsWith("sha512-"), pkg.toString());
        }
        assertEquals(result.stickers(), manifest.path("counts").path("stickers").asInt());
        assertTrue(Files.readString(out.resolve("README.md")).contains("CC BY-SA 4.0"), "README attributions");
        assertTrue(Files.isRegularFile(out.resolve("licenses/openmoji.LICENSE.txt")));
    }

    @Test
    void rebuildIsOfflineAndIdentical() throws IOException {
        Path offlineRegistry = work.resolve("empty-registry");
        Files.createDirectories(offlineRegistry);
        Path again = work.resolve("again");
        new EmojiCorpusBuilder(NpmRegistry.ofFolder(offlineRegistry, cache)).build(options(again));
        for (String file : List.of("stickers.csv", "queries_zh.csv", "pairs/train.csv", "pairs/test.csv",
                "pairs/test_heldout_style.csv", "images/openmoji/" + firstTestKey() + ".png",
                "images/fluent-3d/1f600.png")) {
            assertArrayEquals(Files.readAllBytes(out.resolve(file)), Files.readAllBytes(again.resolve(file)), file);
        }
    }

    @Test
    void otherSeedGivesOtherSplits() throws IOException {
        Path other = work.resolve("other-seed");
        new EmojiCorpusBuilder(NpmRegistry.ofFolder(registry, cache))
                .build(new EmojiCorpusBuilder.Options(other, SIZE, 1500, 8, EmojiStyle.OPENMOJI, 1));
        assertNotEquals(Files.readString(out.resolve("pairs/train.csv")),
                Files.readString(other.resolve("pairs/train.csv")));
    }

    @Test
    void wrongIntegrityIsRejected() throws IOException {
        Path badRegistry = work.resolve("bad-registry");
        Path badCache = work.resolve("bad-cache");
        FakeRegistry.write(badRegistry);
        FakeRegistry.corruptIntegrity(badRegistry, "emoji-emotion", "3.0.1");
        Path target = work.resolve("bad-out");
        IOException error = assertThrows(IOException.class, () -> new EmojiCorpusBuilder(
                NpmRegistry.ofFolder(badRegistry, badCache)).build(options(target)));
        assertTrue(error.getMessage().contains("emoji-emotion@3.0.1"), error.getMessage());
        assertTrue(error.getMessage().contains("does not match the published integrity"), error.getMessage());
        assertFalse(Files.exists(badCache.resolve("emoji-emotion-3.0.1.tgz")), "a rejected tarball is not cached");
        assertFalse(Files.exists(target), "no output after a failed build");
    }

    private static int emojiIn(String split) throws IOException {
        Set<String> keys = new HashSet<>();
        for (String id : PairSet.read(out.resolve("pairs/" + split + ".csv")).distinctIds()) {
            keys.add(keyOf(id));
        }
        return keys.size();
    }

    private static String firstTestKey() throws IOException {
        return keyOf(PairSet.read(out.resolve("pairs/test.csv")).pairs().getFirst().stickerId());
    }

    private static String keyOf(String id) {
        return id.substring(id.indexOf('/') + 1, id.length() - ".png".length());
    }

    private static String styleOf(String id) {
        return id.substring(0, id.indexOf('/'));
    }
}
