package org.gse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainDataTest {

    @TempDir
    Path folder;

    @Test
    void englishQueriesSplitInsideQuotes() throws IOException {
        List<TrainData.StickerQueries> rows = TrainData.readQueries(
                TestData.shared("sticker-queries/sticker_queries_en_release.csv"));
        assertTrue(rows.size() > 1000, "rows: " + rows.size());
        TrainData.StickerQueries first = rows.getFirst();
        assertEquals("1001242763158618196.png", first.stickerId());
        // "Thumbs up, Good job, thumbs up, good, very nice, stupid face thumbs up": six entries, none repeated
        assertEquals(List.of("Thumbs up", "Good job", "thumbs up", "good", "very nice", "stupid face thumbs up"),
                first.queries());
    }

    @Test
    void chineseQueriesRead() throws IOException {
        List<TrainData.StickerQueries> rows = TrainData.readQueries(
                TestData.shared("sticker-queries/sticker_queries_zh_release.csv"));
        assertTrue(rows.size() > 500, "rows: " + rows.size());
        assertEquals(List.of("看看"), rows.getFirst().queries());
        assertEquals(List.of("你说得对", "我赞同", "点赞", "nice", "👍", "狗", "很棒"), rows.get(1).queries());
    }

    @Test
    void tripleSPairsRead() throws IOException {
        List<TrainData.Pair> train = TrainData.readPairs(TestData.shared("triple-s/release_train.csv"));
        List<TrainData.Pair> test = TrainData.readPairs(TestData.shared("triple-s/release_test.csv"));
        assertEquals(765, train.size());
        assertEquals(140, test.size());
        assertEquals(394, train.stream().filter(TrainData.Pair::similar).count());
    }

    @Test
    void badLabelNamesLine() throws IOException {
        Path file = folder.resolve("pairs.csv");
        Files.writeString(file, "sticker_id,sticker_id_2,label\na.png,b.png,1\na.png,c.png,yes\n");
        String message = assertThrows(IllegalArgumentException.class, () -> TrainData.readPairs(file)).getMessage();
        assertTrue(message.contains("line 3"), message);
        assertTrue(message.contains("yes"), message);
    }

    @Test
    void wrongHeaderRejected() throws IOException {
        Path file = folder.resolve("queries.csv");
        Files.writeString(file, "id,queries\na.png,hi\n");
        String message = assertThrows(IllegalArgumentException.class, () -> TrainData.readQueries(file)).getMessage();
        assertTrue(message.contains("sticker_id,labeled_queries"), message);
    }
}
