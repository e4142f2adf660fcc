package org.gse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.gse.TestData;
import org.junit.jupiter.api.Test;

class StickerQueriesTest {

    @Test
    void splitsQueriesOnBothCommas() throws IOException {
        String text = "\uFEFFsticker_id,labeled_queries\r\n"
                + "a.png,\"Thumbs up, Good job,  , thumbs up, Good job\"\r\n"
                + "b.png,看看\r\n"
                + "c.png,\"你说得对，我赞同, 👍\"\r\n"
                + "a.png,more\r\n";
        StickerQueries queries = StickerQueries.parse(text.getBytes(StandardCharsets.UTF_8), "q.csv");
        assertEquals(3, queries.size());
        assertEquals(List.of("Thumbs up", "Good job", "thumbs up", "more"), queries.of("a.png"));
        assertEquals(List.of("看看"), queries.of("b.png"));
        assertEquals(List.of("你说得对", "我赞同", "👍"), queries.of("c.png"));
        assertEquals(List.of(), queries.of("missing.png"));
    }

    @Test
    void readsTheEnglishRelease() throws IOException {
        StickerQueries queries = StickerQueries.read(TestData.shared("sticker-queries/sticker_queries_en_release.csv"));
        assertEquals(1115, queries.size());
        assertEquals(List.of("Thumbs up", "Good job", "thumbs up", "good", "very nice", "stupid face thumbs up"),
                queries.of("1001242763158618196.png"));
        int total = queries.queries().values().stream().mapToInt(List::size).sum();
        assertTrue(total > 8000, "queries: " + total);
    }

    @Test
    void readsTheChineseRelease() throws IOException {
        StickerQueries queries = StickerQueries.read(TestData.shared("sticker-queries/sticker_queries_zh_release.csv"));
        assertEquals(615, queries.size());
        assertEquals(List.of("看看"), queries.of("1017943490086044336.png"));
        assertEquals(List.of("你说得对", "我赞同", "点赞", "nice", "👍", "狗", "很棒"),
                queries.of("1043703381077524694.png"));
    }
}
