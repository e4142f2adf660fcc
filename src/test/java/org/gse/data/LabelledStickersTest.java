package org.gse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledStickersTest {

    @TempDir
    Path folder;

    @Test
    void csvWithHeaderAndQuotes() throws IOException {
        Path csv = Files.writeString(folder.resolve("labels.csv"),
                "path,label\na/1.webp,happy\n\"b/with, comma.png\", sad \n/abs/3.gif,angry\n");
        List<LabelledStickers.Labelled> rows = LabelledStickers.readCsv(csv);
        assertEquals(3, rows.size());
        assertEquals(folder.resolve("a/1.webp"), rows.get(0).path());
        assertEquals(folder.resolve("b/with, comma.png"), rows.get(1).path());
        assertEquals("sad", rows.get(1).label());
        assertEquals(Path.of("/abs/3.gif"), rows.get(2).path());
    }

    @Test
    void csvWithoutLabelRejected() throws IOException {
        Path csv = Files.writeString(folder.resolve("labels.csv"), "a.png,happy\nb.png\n");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LabelledStickers.readCsv(csv));
        assertTrue(error.getMessage().contains("row 2"), error.getMessage());
    }

    @Test
    void ser30kLayout() throws IOException {
        Path annotations = Files.createDirectories(folder.resolve("Annotations/image-level"));
        Files.writeString(annotations.resolve("test.json"), """
                {"annotations": [
                  {"topic": "01-panda-bear", "file_name": "sticker_1.jpg", "anno": 3, "text": "hi"},
                  {"topic": "02-cat", "file_name": "sticker_9.jpg", "anno": 7}
                ]}
                """);
        List<LabelledStickers.Labelled> rows = LabelledStickers.readSer30k(folder, "test");
        assertEquals(2, rows.size());
        assertEquals(folder.resolve("Images/01-panda-bear/sticker_1.jpg"), rows.get(0).path());
        assertEquals("emotion-3", rows.get(0).label());
        assertEquals("emotion-7", rows.get(1).label());
        assertThrows(IOException.class, () -> LabelledStickers.readSer30k(folder, "train"));
    }
}
