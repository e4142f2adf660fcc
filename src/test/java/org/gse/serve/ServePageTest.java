package org.gse.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gse.TestData;
import org.gse.testing.PixelEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in headless Chromium, driven by {@code tools/web-test/page-test.mjs} through playwright-core:
 * upload a sticker and see its neighbours, then compare two stickers. Skipped with a message when node, Chromium
 * or the npm package is missing; {@code .ci/run} installs all three.
 */
class ServePageTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path folder;

    @Test
    void pageSearchesAndCompares() throws Exception {
        Path script = TestData.repo().resolve("tools/web-test/page-test.mjs");
        Path playwright = TestData.repo().resolve("tools/web-test/node_modules/playwright-core");
        assumeTrue(Files.isExecutable(CHROMIUM), "skipped: " + CHROMIUM + " not found; apt-get install chromium");
        assumeTrue(onPath("node"), "skipped: node not found on PATH; apt-get install nodejs");
        assumeTrue(Files.isDirectory(playwright), "skipped: " + playwright + " not found; run"
                + " 'npm ci --prefix tools/web-test'");

        try (ServerFixture fixture = ServerFixture.start(PixelEncoder.withText(), folder)) {
            for (int concept = 0; concept < 4; concept++) {
                for (int variant = 0; variant < 2; variant++) {
                    int status = fixture.postWithToken("/v1/index", new ServerFixture.Form()
                            .file("sticker", StickerServerTest.png(concept, variant))
                            .field("labels", "concept-" + concept), ServerFixture.TOKEN).statusCode();
                    assertEquals(201, status);
                }
            }
            Path query = Files.write(folder.resolve("query.png"), StickerServerTest.png(2, 9));
            Path a = Files.write(folder.resolve("a.png"), StickerServerTest.png(0, 0));
            Path b = Files.write(folder.resolve("b.png"), StickerServerTest.png(3, 0));

            ProcessBuilder builder = new ProcessBuilder("node", script.toString(), fixture.base.toString(),
                    query.toString(), a.toString(), b.toString(), folder.resolve("chromium-profile").toString())
                    .redirectOutput(folder.resolve("page-test.out").toFile())
                    .redirectError(folder.resolve("page-test.err").toFile());
            Process process = builder.start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("page-test.mjs did not finish in 180 s; stderr: " + stderr());
            }
            List<String> lines = Files.readAllLines(folder.resolve("page-test.out"), StandardCharsets.UTF_8);
            assertTrue(!lines.isEmpty(), "page-test.mjs printed nothing; stderr: " + stderr());
            JsonNode result = new ObjectMapper().readTree(lines.getLast());
            assertEquals(0, process.exitValue(), "page-test.mjs failed: " + result.path("failure").asText()
                    + "; stderr: " + stderr());

            assertTrue(result.get("status").asText().contains("8 indexed stickers"), result.get("status").asText());
            assertTrue(result.get("previewSrc").asText().startsWith("blob:"), "preview is not the original file");
            JsonNode hits = result.get("hits");
            assertEquals(8, hits.size());
            for (JsonNode hit : hits) {
                assertTrue(hit.get("src").asText().startsWith("/v1/stickers/"), hit.toString());
                assertTrue(hit.get("width").asInt() > 0, "neighbour image did not load: " + hit);
            }
            assertTrue(hits.get(0).get("score").asDouble() >= hits.get(7).get("score").asDouble());

            double score = result.get("score").asDouble();
            assertTrue(score < 0.9, "red circle against black cross scored " + score);
            assertEquals("not similar", result.get("decision").asText());
            assertEquals("0.9000", result.get("threshold").asText());
            assertEquals(0, result.get("foreignRequests").size(), "the page reached outside: " + result);
            assertEquals(0, result.get("consoleErrors").size(), "console errors: " + result.get("consoleErrors"));
        }
    }

    private String stderr() throws IOException {
        String text = Files.readString(folder.resolve("page-test.err"), StandardCharsets.UTF_8);
        return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    }

    private static boolean onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, command))) {
                return true;
            }
        }
        return false;
    }
}
