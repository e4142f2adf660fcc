package org.gse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.gse.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StickerQueriesTest {

    private static StickerQueries parse(String text) throws CsvFormatException {
        return StickerQueries.parse(text.getBytes(StandardCharsets.UTF_8), "q.csv");
    }

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
    void chineseQueriesRoundTripThroughFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("查询.csv");
        String text = "\uFEFFsticker_id,labeled_queries\n"
                + "贴纸/猫.png,\"你好，早上好, 晚安\"\n"
                + "b.png,\" , ，\"\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
        StickerQueries queries = StickerQueries.read(file);
        assertEquals(List.of("贴纸/猫.png", "b.png"), List.copyOf(queries.queries().keySet()));
        assertEquals(List.of("你好", "早上好", "晚安"), queries.of("贴纸/猫.png"));
        assertEquals(List.of(), queries.of("b.png"), "a field without any query keeps its sticker");
        assertEquals(file.toString(), queries.source());
    }

    @Test
    void wrongHeaderNamesExpectedColumns() {
        String message = assertThrows(CsvFormatException.class, () -> parse("id,queries\na.png,hi\n"))
                .getMessage();
        assertTrue(message.startsWith("q.csv line 1"), message);
        assertTrue(message.contains("missing columns 'sticker_id', 'labeled_queries'"), message);
        assertTrue(message.contains("sticker_id,labeled_queries"), message);
    }

    @Test
    void unquotedQueryListRejected() {
        String message = assertThrows(CsvFormatException.class,
                () -> parse("sticker_id,labeled_queries\na.png,hi\nb.png,Thumbs up, Good job\n")).getMessage();
        assertTrue(message.contains("line 3"), message);
        assertTrue(message.contains("3 fields"), message);
        assertTrue(message.contains("put double quotes around a field that contains a comma"), message);
    }

    @Test
    void rejectsEmptyIdAndInvalidUtf8() {
        String message = assertThrows(CsvFormatException.class,
                () -> parse("sticker_id,labeled_queries\na.png,hi\n ,\"x, y\"\n")).getMessage();
        assertTrue(message.contains("line 3: empty sticker id"), message);

        byte[] gbk = "sticker_id,labeled_queries\na.png,你好\n".getBytes(java.nio.charset.Charset.forName("GBK"));
        message = assertThrows(CsvFormatException.class, () -> StickerQueries.parse(gbk, "gbk.csv")).getMessage();
        assertTrue(message.contains("not valid UTF-8"), message);
        assertTrue(message.contains("save the file as UTF-8"), message);
    }

    @Test
    void missingFileNamedWithKind(@TempDir Path dir) {
        Path file = dir.resolve("absent.csv");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> StickerQueries.read(file));
        assertEquals(file.toString(), e.getFile());
        assertTrue(e.getMessage().contains("StickerQueries file not found"), e.getMessage());
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
