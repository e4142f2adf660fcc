package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.gse.TestData;
import org.gse.embed.StickerEmbedder;
import org.gse.testing.PixelEncoder;
import org.gse.testing.TestStickers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Indexes and evaluates a real WhatsApp sticker pack of 25 static WebP files and its tray PNG. */
class RealStickersTest {

    @TempDir
    Path folder;

    @BeforeEach
    void installServices() {
        CommandServices.setDecoderFactory(TestStickers::pngDecoder);
        CommandServices.setCacheRoot(folder.resolve("cache"));
        CommandServices.setEncoderFactory(model -> PixelEncoder.withText());
    }

    @AfterEach
    void restoreServices() {
        CommandServices.reset();
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        assertEquals(Main.EXIT_OK, code, err.toString());
        return out.toString();
    }

    @Test
    void everyStickerFindsItself() throws IOException {
        Path pack = TestData.shared("real-stickers/whatsapp/1");
        Path index = folder.resolve("index");
        String added = run("index", "add", "--index", index.toString(), pack.toString());
        assertTrue(added.contains("added 26 stickers (0 from cache), 0 failed"), added);

        List<Path> files;
        try (Stream<Path> list = Files.list(pack)) {
            files = list.filter(path -> path.toString().endsWith(".webp")).sorted().toList();
        }
        assertEquals(25, files.size());
        ObjectMapper json = new ObjectMapper();
        // Every fifth sticker keeps the test short; each search opens the index and the encoder anew.
        for (int i = 0; i < files.size(); i += 5) {
            Path file = files.get(i);
            JsonNode hits = json.readTree(run("index", "search", "--index", index.toString(), "--json", "-k", "1",
                    "--sticker", file.toString()));
            assertEquals(StickerEmbedder.sha256(file), hits.get(0).get("sha256").asText(), "top hit for " + file);
            assertEquals(1.0, hits.get(0).get("score").asDouble(), 1e-5, "score for " + file);
        }
    }

    @Test
    void retrievalByEmojiReported() throws IOException {
        Path pack = TestData.shared("real-stickers/whatsapp/1");
        JsonNode contents = new ObjectMapper().readTree(pack.resolveSibling("contents.json").toFile());
        StringBuilder csv = new StringBuilder("path,label\n");
        for (JsonNode sticker : contents.get("sticker_packs").get(0).get("stickers")) {
            // The first emoji is the pack's cup for every sticker; the second one carries the emotion.
            csv.append(pack.resolve(sticker.get("image_file").asText())).append(',')
                    .append(sticker.get("emojis").get(1).asText()).append('\n');
        }
        Path labels = Files.writeString(folder.resolve("labels.csv"), csv);
        Path out = folder.resolve("report");
        run("eval-retrieval", "--labels", labels.toString(), "--out", out.toString(), "--depth", "24",
                "--resamples", "100");

        JsonNode result = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("results").get(0);
        assertEquals(25, result.get("stickers").asInt());
        double exactMap = result.get("exact").get("mAP").get("value").asDouble();
        assertTrue(exactMap >= 0, "mAP " + exactMap);
        assertTrue(exactMap <= 1, "mAP " + exactMap);
        assertEquals(1.0, result.get("hnswRecall").get("recall@10").get("value").asDouble(), 1e-9,
                "25 stickers fit in one HNSW candidate list, so HNSW equals exact search");
    }
}
