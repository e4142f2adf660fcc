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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.gse.embed.StickerEmbedder;
import org.gse.model.Encoder;
import org.gse.testing.PixelEncoder;
import org.gse.testing.TestStickers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the index, dedupe and evaluation commands end to end on PNG files drawn by the test. */
class IndexCommandsTest {

    private static final int RED = 0xFF0000;
    private static final int BLUE = 0x0000FF;

    @TempDir
    Path folder;

    private Path stickers;
    private Path index;

    /** Output of one command run. */
    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void drawStickers() throws IOException {
        CommandServices.setDecoderFactory(TestStickers::pngDecoder);
        CommandServices.setCacheRoot(folder.resolve("cache"));
        useEncoder(PixelEncoder.withText());
        stickers = folder.resolve("stickers");
        index = folder.resolve("index");
        TestStickers.writeSolid(stickers.resolve("red-1.png"), RED, 0x000000);
        TestStickers.writeSolid(stickers.resolve("red-2.png"), RED, 0xFFFFFF);
        TestStickers.writeSolid(stickers.resolve("blue-1.png"), BLUE, 0x000000);
        TestStickers.writeHalves(stickers.resolve("red-blue.png"), RED, BLUE);
        Files.write(stickers.resolve("broken.png"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
    }

    @AfterEach
    void restoreServices() {
        CommandServices.reset();
    }

    private static void useEncoder(Encoder encoder) {
        CommandServices.setEncoderFactory(model -> encoder);
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private JsonNode searchJson(String... queryArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("index", "search", "--index", index.toString(), "--json", "-k", "3"));
        args.addAll(List.of(queryArgs));
        Run search = run(args.toArray(String[]::new));
        assertEquals(Main.EXIT_OK, search.exitCode(), search.err());
        return new ObjectMapper().readTree(search.out());
    }

    @Test
    void addSearchRemoveInfo() throws IOException {
        Run add = run("index", "add", "--index", index.toString(), "--batch", "2", "--label", "test",
                stickers.toString());
        assertEquals(Main.EXIT_OK, add.exitCode(), add.err());
        assertTrue(add.out().contains("added 4 stickers (0 from cache), 1 failed"), add.out());
        assertTrue(add.out().contains("broken.png"), "the broken sticker is reported: " + add.out());

        String redSha = StickerEmbedder.sha256(stickers.resolve("red-1.png"));
        JsonNode hits = searchJson("--sticker", stickers.resolve("red-1.png").toString());
        assertEquals(3, hits.size());
        assertEquals(redSha, hits.get(0).get("sha256").asText());
        assertEquals(1.0, hits.get(0).get("score").asDouble(), 1e-5);
        List<String> fields = new ArrayList<>();
        Iterator<String> names = hits.get(0).fieldNames();
        names.forEachRemaining(fields::add);
        assertEquals(List.of("sha256", "path", "score"), fields);
        assertTrue(hits.get(0).get("score").asDouble() >= hits.get(1).get("score").asDouble(), "best first");

        JsonNode text = searchJson("--text", "red");
        assertTrue(text.get(0).get("path").asText().contains("red-"), text.toString());
        assertTrue(text.get(1).get("path").asText().contains("red-"), text.toString());

        Run again = run("index", "add", "--index", index.toString(), stickers.resolve("red-1.png").toString());
        assertEquals(Main.EXIT_OK, again.exitCode(), again.err());
        assertTrue(again.out().contains("holds 4 stickers"), "same content is stored once: " + again.out());
        assertTrue(again.out().contains("added 1 stickers (1 from cache)"), again.out());

        Run remove = run("index", "remove", "--index", index.toString(), redSha);
        assertEquals(Main.EXIT_OK, remove.exitCode(), remove.err());
        Run info = run("index", "info", "--index", index.toString(), "--json");
        assertEquals(Main.EXIT_OK, info.exitCode(), info.err());
        JsonNode infoJson = new ObjectMapper().readTree(info.out());
        assertEquals(3, infoJson.get("stickers").asInt());
        assertEquals("test-pixels-4x4", infoJson.get("modelId").asText());

        Run badSha = run("index", "remove", "--index", index.toString(), "not-a-hash");
        assertEquals(Main.EXIT_USAGE, badSha.exitCode());
        assertTrue(badSha.err().contains("not-a-hash"), badSha.err());
    }

    @Test
    void otherModelRejected() {
        assertEquals(Main.EXIT_OK, run("index", "add", "--index", index.toString(), stickers.toString()).exitCode());
        useEncoder(PixelEncoder.withId("another-model"));
        Run add = run("index", "add", "--index", index.toString(), stickers.toString());
        assertEquals(Main.EXIT_USAGE, add.exitCode());
        assertTrue(add.err().contains("test-pixels-4x4"), add.err());
        assertTrue(add.err().contains("another-model"), add.err());
        Run search = run("index", "search", "--index", index.toString(), "--text", "red");
        assertEquals(Main.EXIT_USAGE, search.exitCode());
        assertTrue(search.err().contains("another-model"), search.err());
    }

    @Test
    void visionOnlyModelRejectsText() {
        useEncoder(PixelEncoder.visionOnly());
        assertEquals(Main.EXIT_OK, run("index", "add", "--index", index.toString(), stickers.toString()).exitCode());
        Run search = run("index", "search", "--index", index.toString(), "--text", "red");
        assertEquals(Main.EXIT_USAGE, search.exitCode());
        assertTrue(search.err().contains("cannot embed text"), search.err());
    }

    @Test
    void blankTextQueryRejected() {
        assertEquals(Main.EXIT_OK, run("index", "add", "--index", index.toString(), stickers.toString()).exitCode());
        for (String text : List.of("", "   ", "\t\n")) {
            Run search = run("index", "search", "--index", index.toString(), "--text", text);
            assertEquals(Main.EXIT_USAGE, search.exitCode(), "'" + text + "': " + search.err());
            assertTrue(search.err().contains("--text is empty or only whitespace"), search.err());
            assertEquals("", search.out(), "no results table for '" + text + "'");
        }
    }

    @Test
    void missingModelLoaderExplained() {
        CommandServices.setEncoderFactory(org.gse.model.EncoderFactory.NOT_AVAILABLE);
        Run add = run("index", "add", "--index", index.toString(), "--model", "models/gse", stickers.toString());
        assertEquals(Main.EXIT_ERROR, add.exitCode());
        assertTrue(add.err().contains("models/gse"), add.err());
        assertTrue(add.err().contains("no model loader"), add.err());
    }

    @Test
    void dedupeGroupsSameColour() throws IOException {
        Run dedupe = run("dedupe", "--threshold", "0.95", "--json", stickers.toString());
        assertEquals(Main.EXIT_OK, dedupe.exitCode(), dedupe.err());
        JsonNode groups = new ObjectMapper().readTree(dedupe.out());
        assertEquals(1, groups.size(), dedupe.out());
        assertEquals(2, groups.get(0).get("stickers").size());
        assertTrue(groups.get(0).get("stickers").toString().contains("red-1.png"), dedupe.out());
        assertTrue(groups.get(0).get("stickers").toString().contains("red-2.png"), dedupe.out());
    }

    @Test
    void evaluationsWriteReports() throws IOException {
        StringBuilder csv = new StringBuilder("path,label\n");
        for (int i = 0; i < 6; i++) {
            TestStickers.writeSolid(stickers.resolve("warm/" + i + ".png"), 0xFF0000 | (i * 16) << 8, i);
            TestStickers.writeSolid(stickers.resolve("cold/" + i + ".png"), 0x0000FF | (i * 16) << 8, i);
            csv.append("stickers/warm/").append(i).append(".png,warm\n");
            csv.append("stickers/cold/").append(i).append(".png,cold\n");
        }
        csv.append("stickers/broken.png,warm\n");
        Path labels = Files.writeString(folder.resolve("labels.csv"), csv);

        Path retrievalOut = folder.resolve("retrieval");
        Run retrieval = run("eval-retrieval", "--labels", labels.toString(), "--out", retrievalOut.toString(),
                "--depth", "10", "--resamples", "100");
        assertEquals(Main.EXIT_OK, retrieval.exitCode(), retrieval.err());
        JsonNode report = new ObjectMapper().readTree(retrievalOut.resolve("report.json").toFile());
        JsonNode result = report.get("results").get(0);
        assertEquals(12, result.get("stickers").asInt());
        assertEquals(1.0, result.get("exact").get("R@1").get("value").asDouble(), 1e-9);
        assertTrue(result.get("hnswRecall").has("recall@10"), result.toString());
        assertEquals(1, report.get("skipped").size(), "the broken file is listed");
        assertTrue(Files.readString(retrievalOut.resolve("report.md")).contains("| R@1 |"));

        Path emotionOut = folder.resolve("emotion");
        Run emotion = run("eval-emotion", "--labels", labels.toString(), "--out", emotionOut.toString(),
                "--folds", "3", "--neighbours", "3", "--resamples", "100");
        assertEquals(Main.EXIT_OK, emotion.exitCode(), emotion.err());
        JsonNode emotionReport = new ObjectMapper().readTree(emotionOut.resolve("report.json").toFile());
        JsonNode methods = emotionReport.get("results").get(0).get("result").get("methods");
        assertEquals(2, methods.size());
        assertTrue(methods.get(0).get("accuracy").get("value").asDouble() >= 0.9, methods.toString());
        assertTrue(!methods.get(0).has("predicted"), "per-sample predictions stay out of report.json");
        String markdown = Files.readString(emotionOut.resolve("report.md"));
        assertTrue(markdown.contains("Confusion matrix, linear-probe"), markdown);
    }
}
