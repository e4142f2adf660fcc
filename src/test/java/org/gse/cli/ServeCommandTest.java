package org.gse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.gse.index.StickerIndex;
import org.gse.serve.StickerServer;
import org.gse.testing.PixelEncoder;
import org.gse.testing.StickerImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gse serve} end to end: options, token file, index folder and a clean stop. */
class ServeCommandTest {

    @TempDir
    Path folder;

    @Test
    void serveAddsToIndexAndStops() throws Exception {
        Path index = folder.resolve("index");
        Path tokenFile = Files.writeString(folder.resolve("token"), "file-token-91c2\n");
        CompletableFuture<StickerServer> started = new CompletableFuture<>();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == ServeCommand.class) {
                    return type.cast(new ServeCommand(model -> PixelEncoder.withText(), started::complete));
                }
                return CommandLine.defaultFactory().create(type);
            }
        };
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(err),
                factory);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> commandLine.execute("serve",
                "--port", "0", "--model", "pixels", "--index", index.toString(), "--token-file",
                tokenFile.toString(), "--threshold", "0.8"));

        StickerServer server = started.get(60, TimeUnit.SECONDS);
        assertTrue(server.uri().toString().startsWith("http://127.0.0.1:"), server.uri().toString());
        assertTrue(err.toString().contains("listening on " + server.uri()), err.toString());

        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(StickerImages.draw(1, 0, 64), "png", png);
        String boundary = "b0undary";
        byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"sticker\"; filename=\"s.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.writeBytes(body);
        form.writeBytes(png.toByteArray());
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        HttpResponse<String> added = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        server.uri().resolve("/v1/index"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer file-token-91c2")
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, added.statusCode(), added.body());
        String sha256 = new ObjectMapper().readTree(added.body()).get("sha256").asText();

        JsonNode health = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.uri().resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(0.8, health.get("threshold").asDouble());
        assertEquals(1, health.get("index_size").asInt());

        server.close();
        assertEquals(Main.EXIT_OK, exit.get(60, TimeUnit.SECONDS));
        try (StickerIndex reopened = StickerIndex.openForReading(index)) {
            assertEquals(1, reopened.size());
            assertEquals(folder.resolve("index-files").resolve(sha256).toString(),
                    reopened.get(sha256).orElseThrow().path());
        }
        assertTrue(Files.isRegularFile(folder.resolve("index-files").resolve(sha256)));
    }
}
