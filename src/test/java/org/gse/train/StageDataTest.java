package org.gse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.gse.data.CsvFormatException;
import org.gse.data.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage data as the trainer reads it through the org.gse.data readers. PairSetTest and StickerQueriesTest cover the
 * CSV edge cases.
 */
class StageDataTest {

    private static final String CONFIG = """
            base:
              model: models/clip
            output: out/model
            stages:
              - kind: image-text
                images: images
                queries: queries.csv
              - kind: image-image
                images: images
                pairs: pairs.csv
                loss: margin
            """;

    @TempDir
    Path folder;

    private TrainConfig.StageConfig stage(int index) {
        return TrainConfig.parse(CONFIG, folder, null).stages().get(index);
    }

    @Test
    void queryStageLeavesOutStickersWithoutQueries() throws IOException {
        Files.writeString(folder.resolve("queries.csv"), "sticker_id,labeled_queries\n"
                + "a.png,\"hi, 你好\"\n"
                + "b.png,\" , \"\n"
                + "c.png,看看\n", StandardCharsets.UTF_8);
        StageData data = StageData.read(stage(0));
        assertEquals(List.of("a.png", "c.png"), List.copyOf(data.stickers()));
        assertEquals(List.of("hi", "你好", "看看"), List.copyOf(data.queries()));
        assertEquals(List.of("hi", "你好"), data.queriesOf("a.png"));
        assertEquals(List.of(), data.queriesOf("b.png"));
        assertEquals(1, data.examples(Set.of("c.png")).size(), "validation stickers make no example");
    }

    @Test
    void pairStageReadsPairsInFileOrder() throws IOException {
        Files.writeString(folder.resolve("pairs.csv"), "sticker_id,sticker_id_2,label\n"
                + "a.png,b.png,1\n"
                + "a.png,c.png,0\n"
                + "d.png,e.png,1\n");
        StageData data = StageData.read(stage(1));
        assertEquals(List.of("a.png", "b.png", "c.png", "d.png", "e.png"), List.copyOf(data.stickers()));
        assertEquals(3, data.examples(Set.of()).size(), "the margin loss trains on every pair");
        assertEquals(List.of(new Pair("d.png", "e.png", 1, 4)), data.validationPairs(Set.of("d.png", "e.png")));
    }

    @Test
    void badDataFileErrorNamesFileAndLine() throws IOException {
        Path file = folder.resolve("pairs.csv");
        Files.writeString(file, "sticker_id,sticker_id_2,label\na.png,b.png,1\na.png,c.png,yes\n");
        String message = assertThrows(CsvFormatException.class, () -> StageData.read(stage(1))).getMessage();
        assertTrue(message.startsWith(file.toString()), message);
        assertTrue(message.contains("line 3"), message);
        assertTrue(message.contains("label must be 0 or 1"), message);
    }

    @Test
    void missingDataFileNamed() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> StageData.read(stage(0)));
        assertEquals(folder.resolve("queries.csv").toString(), e.getFile());
        assertTrue(e.getMessage().contains("StickerQueries file not found"), e.getMessage());
    }
}
