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

class PairSetTest {

    private static PairSet parse(String text) throws CsvFormatException {
        return PairSet.parse(text.getBytes(StandardCharsets.UTF_8), "pairs.csv");
    }

    @Test
    void readsThePlainFormat() throws IOException {
        PairSet set = parse("sticker_id,sticker_id_2,label\na.png,b.gif,1\nc.webm,d.png,0\n");
        assertEquals(List.of(new Pair("a.png", "b.gif", 1, 2), new Pair("c.webm", "d.png", 0, 3)), set.pairs());
        assertEquals(1, set.positives());
        assertEquals(List.of("a.png", "b.gif", "c.webm", "d.png"), List.copyOf(set.distinctIds()));
    }

    @Test
    void toleratesCommonCsvVariations() throws IOException {
        String text = "\uFEFFlabel,extra,Sticker_ID_2,sticker_id\r\n"
                + "1,\"note, with comma\",\"b \"\"quoted\"\".png\",a.png\r\n"
                + "\r\n"
                + "0,\"multi\r\nline\",d.png,c.png\r\n";
        PairSet set = parse(text);
        assertEquals(2, set.size());
        assertEquals(new Pair("a.png", "b \"quoted\".png", 1, 2), set.pairs().get(0));
        assertEquals("c.png", set.pairs().get(1).stickerId());
        assertEquals(4, set.pairs().get(1).line(), "line of the record start, after a blank line");
    }

    @Test
    void chineseIdsAndPathsRoundTrip(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("对.csv");
        Files.writeString(file, "sticker_id,sticker_id_2,label\n贴纸/猫猫.png,\"狗, 开心.webp\",1\n",
                StandardCharsets.UTF_8);
        PairSet set = PairSet.read(file);
        assertEquals("贴纸/猫猫.png", set.pairs().getFirst().stickerId());
        assertEquals("狗, 开心.webp", set.pairs().getFirst().stickerId2());
        assertEquals(file.toString(), set.source());
        assertEquals(PairSet.sha256(Files.readAllBytes(file)), set.sha256());
    }

    @Test
    void invalidLabelNamesLine() {
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> parse("sticker_id,sticker_id_2,label\na,b,1\nc,d,2\n"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("'2'"), e.getMessage());
        e = assertThrows(CsvFormatException.class, () -> parse("sticker_id,sticker_id_2,label\na,b,yes\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        e = assertThrows(CsvFormatException.class, () -> parse("sticker_id,sticker_id_2,label\na,b,\n"));
        assertTrue(e.getMessage().contains("label must be 0 or 1"), e.getMessage());
    }

    @Test
    void rejectsMalformedFiles() {
        assertTrue(assertThrows(CsvFormatException.class, () -> parse("sticker_id,sticker_id_2,label\n,b,1\n"))
                .getMessage().contains("empty sticker id"));
        assertTrue(assertThrows(CsvFormatException.class, () -> parse("sticker_id,label\na,1\n"))
                .getMessage().contains("missing column 'sticker_id_2'"));
        byte[] latin1 = "sticker_id,sticker_id_2,label\ncaf\u00e9.png,b,1\n".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(CsvFormatException.class, () -> PairSet.parse(latin1, "x.csv"))
                .getMessage().contains("not valid UTF-8"));
        assertThrows(CsvFormatException.class, () -> parse(""));
    }

    @Test
    void badLabelErrorNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pairs.csv");
        Files.writeString(file, "sticker_id,sticker_id_2,label\na.png,b.png,1\na.png,c.png,yes\n");
        String message = assertThrows(CsvFormatException.class, () -> PairSet.read(file)).getMessage();
        assertTrue(message.startsWith(file.toString()), message);
        assertTrue(message.contains("line 3"), message);
        assertTrue(message.contains("'yes'"), message);
    }

    @Test
    void rowFieldCountMustMatchHeader() {
        // An unquoted comma inside an id splits it into two fields.
        String message = assertThrows(CsvFormatException.class,
                () -> parse("sticker_id,sticker_id_2,label\na.png,b.png,1\ndog, happy.png,c.png,0\n")).getMessage();
        assertTrue(message.contains("line 3"), message);
        assertTrue(message.contains("4 fields"), message);
        assertTrue(message.contains("put double quotes around a field that contains a comma"), message);

        message = assertThrows(CsvFormatException.class,
                () -> parse("sticker_id,sticker_id_2,label\na.png,b.png\n")).getMessage();
        assertTrue(message.contains("line 2"), message);
        assertTrue(message.contains("2 fields"), message);
        assertTrue(message.contains("add the missing fields"), message);
    }

    @Test
    void missingColumnsListedWithExpectedHeader() {
        String message = assertThrows(CsvFormatException.class, () -> parse("id,other_id,label\na,b,1\n"))
                .getMessage();
        assertTrue(message.contains("missing columns 'sticker_id', 'sticker_id_2'"), message);
        assertTrue(message.contains("the header is 'id,other_id,label'"), message);
        assertTrue(message.contains("sticker_id,sticker_id_2,label"), message);
    }

    @Test
    void missingFileNamedWithKind(@TempDir Path dir) {
        Path file = dir.resolve("absent.csv");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PairSet.read(file));
        assertEquals(file.toString(), e.getFile());
        assertTrue(e.getMessage().contains("Triple-S pair file not found"), e.getMessage());
    }

    @Test
    void headerOnlyIsAnEmptySet() throws IOException {
        assertEquals(0, parse("sticker_id,sticker_id_2,label\n").size());
    }

    @Test
    void readsTheTripleSRelease() throws IOException {
        PairSet train = PairSet.read(TestData.shared("triple-s/release_train.csv"));
        PairSet test = PairSet.read(TestData.shared("triple-s/release_test.csv"));
        assertEquals(765, train.size());
        assertEquals(394, train.positives());
        assertEquals(140, test.size());
        assertEquals(62, test.positives());
        assertTrue(train.pairs().stream().allMatch(p -> p.stickerId().matches("\\d+\\.(png|gif|webm)")));
    }
}
