package org.gse.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.gse.TestData;
import org.gse.decode.DecodeLimits;
import org.gse.decode.Frame;
import org.gse.decode.FramePolicy;
import org.gse.model.Embedding;
import org.gse.model.Encoder;
import org.gse.testing.PixelEncoder;
import org.gse.testing.StickerImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against a real server on a loopback port, with generated PNG stickers and real files. */
class StickerServerTest {

    @TempDir
    Path folder;

    private ServerFixture fixture;

    @BeforeEach
    void startServer() throws Exception {
        fixture = ServerFixture.start(PixelEncoder.withText(), folder);
    }

    @AfterEach
    void stopServer() throws Exception {
        fixture.close();
    }

    static byte[] png(int concept, int variant) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(StickerImages.draw(concept, variant, 96), "png", bytes);
        return bytes.toByteArray();
    }

    private String add(byte[] sticker, String labels) throws Exception {
        HttpResponse<byte[]> response = fixture.postWithToken("/v1/index",
                new ServerFixture.Form().file("sticker", sticker).field("labels", labels), ServerFixture.TOKEN);
        assertEquals(201, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        return fixture.json(response).get("sha256").asText();
    }

    @Test
    void healthPageAndOpenApi() throws Exception {
        JsonNode health = fixture.json(fixture.get("/healthz"));
        assertEquals("ok", health.get("status").asText());
        assertEquals("test-pixels-4x4", health.get("model").asText());
        assertEquals(0, health.get("index_size").asInt());
        assertEquals(0.9, health.get("threshold").asDouble());

        HttpResponse<byte[]> page = fixture.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(new String(page.body(), StandardCharsets.UTF_8).contains("<script src=\"/app.js\">"));
        assertEquals(200, fixture.get("/app.js").statusCode());
        assertEquals(200, fixture.get("/style.css").statusCode());

        JsonNode openApi = fixture.json(fixture.get("/openapi.json"));
        assertEquals("3.1.0", openApi.get("openapi").asText());
        for (String path : List.of("/v1/embed", "/v1/similarity", "/v1/search", "/v1/index", "/v1/index/{sha256}",
                "/v1/stickers/{sha256}", "/healthz", "/metrics")) {
            assertTrue(openApi.get("paths").has(path), "openapi.json lacks " + path);
        }
    }

    @Test
    void embedReturnsUnitVector() throws Exception {
        byte[] sticker = png(0, 0);
        HttpResponse<byte[]> response = fixture.post("/v1/embed", new ServerFixture.Form().file("sticker", sticker));
        assertEquals(200, response.statusCode());
        JsonNode body = fixture.json(response);
        assertEquals("test-pixels-4x4", body.get("model").asText());
        assertEquals(StickerService.sha256(sticker), body.get("sha256").asText());
        assertEquals("png", body.get("format").asText());
        assertEquals(48, body.get("embedding").size());
        double norm = 0;
        for (JsonNode value : body.get("embedding")) {
            norm += value.asDouble() * value.asDouble();
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-5);
    }

    @Test
    void similarityDecidesAtThreshold() throws Exception {
        JsonNode same = fixture.json(fixture.post("/v1/similarity",
                new ServerFixture.Form().file("a", png(0, 0)).file("b", png(0, 0))));
        assertEquals(1.0, same.get("score").asDouble(), 1e-6);
        assertEquals(0.9, same.get("threshold").asDouble());
        assertTrue(same.get("similar").asBoolean());

        JsonNode different = fixture.json(fixture.post("/v1/similarity",
                new ServerFixture.Form().file("a", png(0, 0)).file("b", png(1, 0))));
        double score = different.get("score").asDouble();
        assertTrue(score < 0.9, "red circle against blue square scored " + score);
        assertFalse(different.get("similar").asBoolean());
        assertEquals("png", different.get("b").get("format").asText());
    }

    @Test
    void indexSearchFetchAndDelete() throws Exception {
        List<String> ids = new ArrayList<>();
        List<byte[]> files = new ArrayList<>();
        for (int concept = 0; concept < StickerImages.CONCEPTS; concept++) {
            for (int variant = 0; variant < 3; variant++) {
                byte[] sticker = png(concept, variant);
                files.add(sticker);
                ids.add(add(sticker, "concept-" + concept + ",variant-" + variant));
            }
        }
        assertEquals(12, fixture.json(fixture.get("/healthz")).get("index_size").asInt());

        JsonNode result = fixture.json(fixture.post("/v1/search",
                new ServerFixture.Form().file("sticker", png(2, 7)).field("k", "3")));
        assertEquals(3, result.get("hits").size());
        for (JsonNode hit : result.get("hits")) {
            assertTrue(hit.get("labels").get(0).asText().equals("concept-2"), "green triangle query found " + hit);
        }
        double first = result.get("hits").get(0).get("score").asDouble();
        double last = result.get("hits").get(2).get("score").asDouble();
        assertTrue(first >= last, "hits are not best first: " + first + " then " + last);

        JsonNode byText = fixture.json(fixture.post("/v1/search",
                new ServerFixture.Form().field("text", "blue").field("k", "1")));
        assertEquals("concept-1", byText.get("hits").get(0).get("labels").get(0).asText());

        String url = result.get("hits").get(0).get("url").asText();
        HttpResponse<byte[]> file = fixture.get(url);
        assertEquals(200, file.statusCode());
        assertEquals("image/png", file.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(files.get(ids.indexOf(result.get("hits").get(0).get("sha256").asText())), file.body());

        String removed = ids.getFirst();
        assertEquals(200, fixture.delete("/v1/index/" + removed, ServerFixture.TOKEN).statusCode());
        assertEquals(404, fixture.get("/v1/stickers/" + removed).statusCode());
        assertEquals(404, fixture.delete("/v1/index/" + removed, ServerFixture.TOKEN).statusCode());
        assertEquals(11, fixture.json(fixture.get("/healthz")).get("index_size").asInt());
    }

    @Test
    void writesNeedTheToken() throws Exception {
        byte[] sticker = png(3, 0);
        HttpResponse<byte[]> missing = fixture.postWithToken("/v1/index",
                new ServerFixture.Form().file("sticker", sticker), null);
        assertEquals(401, missing.statusCode());
        assertEquals("unauthorized", fixture.json(missing).get("error").asText());
        HttpResponse<byte[]> wrong = fixture.postWithToken("/v1/index",
                new ServerFixture.Form().file("sticker", sticker), ServerFixture.TOKEN + "x");
        assertEquals(401, wrong.statusCode());
        HttpResponse<byte[]> almost = fixture.postWithToken("/v1/index",
                new ServerFixture.Form().file("sticker", sticker), ServerFixture.TOKEN.substring(1));
        assertEquals(401, almost.statusCode());
        assertEquals(0, fixture.index.size());

        String id = add(sticker, "");
        assertEquals(401, fixture.delete("/v1/index/" + id, null).statusCode());
        assertEquals(401, fixture.delete("/v1/index/" + id, "nope").statusCode());
        assertEquals(1, fixture.index.size());
    }

    @Test
    void writesDisabledWithoutToken() throws Exception {
        try (ServerFixture open = ServerFixture.start(PixelEncoder.withText(), folder.resolve("no-token"),
                ServeConfig.defaults(folder.resolve("no-token-files")).withPort(0))) {
            HttpResponse<byte[]> response = open.postWithToken("/v1/index",
                    new ServerFixture.Form().file("sticker", png(0, 0)), "anything");
            assertEquals(403, response.statusCode());
            assertEquals("writes_disabled", open.json(response).get("error").asText());
            assertEquals(0, open.index.size());
        }
    }

    @Test
    void oversizedUploadGets413() throws Exception {
        try (ServerFixture small = ServerFixture.start(PixelEncoder.withText(), folder.resolve("small"),
                ServeConfig.defaults(folder.resolve("small-files")).withPort(0).withLimits(64 << 10,
                        DecodeLimits.DEFAULT))) {
            byte[] big = new byte[200 << 10];
            new Random(1).nextBytes(big);
            HttpResponse<byte[]> response = small.post("/v1/embed", new ServerFixture.Form().file("sticker", big));
            assertEquals(413, response.statusCode());
            assertEquals("payload_too_large", small.json(response).get("error").asText());

            // Without Content-Length (chunked), the multipart parser's size limit has to catch it.
            java.net.http.HttpRequest chunked = new ServerFixture.Form().file("sticker", big)
                    .post(small.base.resolve("/v1/embed")).build();
            byte[] body = chunked.bodyPublisher().map(p -> readAll(p)).orElseThrow();
            HttpResponse<byte[]> streamed = small.client.send(java.net.http.HttpRequest.newBuilder(chunked.uri())
                            .header("Content-Type", chunked.headers().firstValue("Content-Type").orElseThrow())
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                    () -> new java.io.ByteArrayInputStream(body))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(413, streamed.statusCode(), new String(streamed.body(), StandardCharsets.UTF_8));
        }
    }

    private static byte[] readAll(java.net.http.HttpRequest.BodyPublisher publisher) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        publisher.subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(java.nio.ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.join();
        return out.toByteArray();
    }

    @Test
    void decompressionBombGets422() throws Exception {
        for (String bomb : List.of("fixtures/raster/bomb-65535.gif", "fixtures/webp/huge-canvas.webp")) {
            byte[] bytes = Files.readAllBytes(TestData.resource(bomb));
            HttpResponse<byte[]> response = fixture.post("/v1/embed", new ServerFixture.Form().file("sticker", bytes));
            assertEquals(422, response.statusCode(), bomb);
            JsonNode body = fixture.json(response);
            assertEquals("decode_failed", body.get("error").asText());
            assertTrue(body.get("detail").asText().contains("limit"), bomb + ": " + body.get("detail").asText());
        }

        HttpResponse<byte[]> png = fixture.post("/v1/embed", new ServerFixture.Form().file("sticker",
                pngDeclaring(100_000, 100_000)));
        assertEquals(422, png.statusCode());
        assertTrue(fixture.json(png).get("detail").asText().contains("limit"), fixture.json(png).toString());
    }

    /** Returns a 57-byte PNG whose header declares a {@code width x height} canvas, with one empty IDAT chunk. */
    private static byte[] pngDeclaring(int width, int height) {
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", header.array());
        chunk(out, "IDAT", new byte[0]);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void malformedRequestsGetClientErrors() throws Exception {
        byte[] garbage = "this is not a sticker".getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> notSticker = fixture.post("/v1/embed", new ServerFixture.Form().file("sticker", garbage));
        assertEquals(422, notSticker.statusCode());
        assertTrue(fixture.json(notSticker).get("detail").asText().contains("unsupported format"));

        HttpResponse<byte[]> missingPart = fixture.post("/v1/similarity",
                new ServerFixture.Form().file("a", png(0, 0)));
        assertEquals(400, missingPart.statusCode());
        assertTrue(fixture.json(missingPart).get("detail").asText().contains("'b'"));

        HttpResponse<byte[]> badK = fixture.post("/v1/search",
                new ServerFixture.Form().file("sticker", png(0, 0)).field("k", "1000"));
        assertEquals(400, badK.statusCode());

        HttpResponse<byte[]> notMultipart = fixture.client.send(java.net.http.HttpRequest.newBuilder(
                        fixture.base.resolve("/v1/embed")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(415, notMultipart.statusCode());

        assertEquals(405, fixture.get("/v1/embed").statusCode());
        assertEquals(404, fixture.get("/v2/nothing").statusCode());
        assertEquals("not_found", fixture.json(fixture.get("/v2/nothing")).get("error").asText());
    }

    @Test
    void unknownPartsGet400() throws Exception {
        HttpResponse<byte[]> misspeltLabels = fixture.postWithToken("/v1/index",
                new ServerFixture.Form().file("sticker", png(0, 0)).field("label", "test"), ServerFixture.TOKEN);
        assertEquals(400, misspeltLabels.statusCode());
        JsonNode error = fixture.json(misspeltLabels);
        assertEquals("unknown_part", error.get("error").asText());
        String detail = error.get("detail").asText();
        assertTrue(detail.contains("'label'"), detail);
        assertTrue(detail.contains("'sticker', 'labels'"), detail);
        assertEquals(0, fixture.json(fixture.get("/healthz")).get("index_size").asInt());

        // Every multipart endpoint: a valid request plus one misspelt part, which the response must name.
        Map<String, ServerFixture.Form> requests = new LinkedHashMap<>();
        requests.put("/v1/embed", new ServerFixture.Form().file("sticker", png(0, 0)).field("labels", "x"));
        requests.put("/v1/similarity", new ServerFixture.Form().file("a", png(0, 0)).file("b", png(0, 1))
                .field("threshold", "0.5"));
        requests.put("/v1/search", new ServerFixture.Form().file("sticker", png(0, 0)).field("top_k", "3"));
        requests.put("/v1/index", new ServerFixture.Form().file("stiker", png(0, 0)).field("labels", "x"));
        Map<String, String> unknown = Map.of("/v1/embed", "'labels'", "/v1/similarity", "'threshold'",
                "/v1/search", "'top_k'", "/v1/index", "'stiker'");
        JsonNode openApi = fixture.json(fixture.get("/openapi.json"));
        for (Map.Entry<String, ServerFixture.Form> request : requests.entrySet()) {
            HttpResponse<byte[]> response = fixture.postWithToken(request.getKey(), request.getValue(),
                    ServerFixture.TOKEN);
            String body = new String(response.body(), StandardCharsets.UTF_8);
            assertEquals(400, response.statusCode(), request.getKey() + ": " + body);
            assertEquals("unknown_part", fixture.json(response).get("error").asText(), request.getKey());
            assertTrue(fixture.json(response).get("detail").asText().contains(unknown.get(request.getKey())),
                    request.getKey() + ": " + body);

            // The accepted parts listed must be the ones that openapi.json documents for this endpoint.
            List<String> documented = new ArrayList<>();
            openApi.get("paths").get(request.getKey()).get("post").get("requestBody").get("content")
                    .get("multipart/form-data").get("schema").get("properties").fieldNames()
                    .forEachRemaining(documented::add);
            assertTrue(fixture.json(response).get("detail").asText()
                    .endsWith("accepts only '" + String.join("', '", documented) + "'"), request.getKey() + ": "
                    + body);
        }

        HttpResponse<byte[]> twoUnknown = fixture.post("/v1/embed",
                new ServerFixture.Form().file("sticker", png(0, 0)).field("k", "3").field("text", "cat"));
        assertEquals(400, twoUnknown.statusCode());
        assertTrue(fixture.json(twoUnknown).get("detail").asText()
                .startsWith("unknown multipart parts 'k', 'text'; this endpoint accepts only 'sticker'"),
                new String(twoUnknown.body(), StandardCharsets.UTF_8));

        // The accepted parts still work, and labels reach the index.
        HttpResponse<byte[]> added = fixture.postWithToken("/v1/index",
                new ServerFixture.Form().file("sticker", png(0, 0)).field("labels", "test"), ServerFixture.TOKEN);
        assertEquals(201, added.statusCode(), () -> new String(added.body(), StandardCharsets.UTF_8));
        assertEquals("test", fixture.json(added).get("labels").get(0).asText());
    }

    @Test
    void stickerPathsNeverReachFiles() throws Exception {
        Files.writeString(folder.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        add(png(0, 0), "");
        String secretHash = StickerService.sha256("TOP-SECRET-CONTENT".getBytes(StandardCharsets.UTF_8));
        List<String> attempts = List.of(
                "/v1/stickers/..%2F..%2Fsecret.txt",
                "/v1/stickers/..%2f..%2f..%2fetc%2fpasswd",
                "/v1/stickers/../../secret.txt",
                "/v1/stickers/%2Fetc%2Fpasswd",
                "/v1/stickers//etc/passwd",
                "/v1/stickers/" + folder.resolve("secret.txt"),
                "/v1/stickers/" + secretHash,
                "/v1/stickers/" + secretHash.toUpperCase(java.util.Locale.ROOT),
                "/v1/stickers/not-hex",
                "/v1/stickers/%00",
                "/v1/stickers/..%5C..%5Csecret.txt");
        for (String attempt : attempts) {
            String[] response = fixture.raw("GET", attempt);
            assertTrue(response[0].contains(" 400 ") || response[0].contains(" 404 "),
                    attempt + " returned " + response[0]);
            assertFalse(response[1].contains("TOP-SECRET"), attempt + " leaked the file");
            assertFalse(response[1].contains("root:"), attempt + " leaked /etc/passwd");
        }
    }

    /**
     * Requests that Jetty rejects before the API handler runs: ambiguous paths (by URI compliance, also for methods
     * outside GET/POST/HEAD) and requests that do not parse. Each must still get the API's JSON error object.
     */
    @Test
    void jettyRejectionsAreJsonErrors() throws Exception {
        String host = "Host: " + fixture.base.getHost() + ":" + fixture.base.getPort() + "\r\n";
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("GET /v1/stickers/..%2F..%2Fsecret.txt HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n",
                "bad_request");
        requests.put("DELETE /v1/index/a%2Fb HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", "bad_request");
        requests.put("GET /healthz HTTP/1.1\r\n" + host + "this line has no colon\r\n\r\n", "bad_request");
        requests.put("GET /healthz HTTP/1.1\r\n" + host + "X-Padding: " + "a".repeat(64 * 1024) + "\r\n\r\n",
                "request_header_fields_too_large");

        for (Map.Entry<String, String> request : requests.entrySet()) {
            String requestLine = request.getKey().lines().findFirst().orElseThrow();
            String[] response = fixture.rawExchange(request.getKey());
            String expectedStatus = request.getValue().equals("bad_request") ? " 400 " : " 431 ";
            assertTrue(response[0].contains(expectedStatus), requestLine + " returned " + response[0]);
            assertTrue(response[1].toLowerCase(Locale.ROOT).contains("content-type: application/json"),
                    requestLine + " returned headers " + response[1]);

            JsonNode body = fixture.mapper.readTree(response[2]);
            Set<String> fields = new HashSet<>();
            body.fieldNames().forEachRemaining(fields::add);
            assertEquals(Set.of("error", "detail"), fields, requestLine + ": " + body);
            assertEquals(request.getValue(), body.get("error").asText(), requestLine + ": " + body);
            assertFalse(body.get("detail").asText().isBlank(), requestLine + ": " + body);
        }
    }

    @Test
    void metricsCountRequestsPerRoute() throws Exception {
        fixture.post("/v1/embed", new ServerFixture.Form().file("sticker", png(1, 1)));
        fixture.post("/v1/embed", new ServerFixture.Form().file("sticker", "x".getBytes(StandardCharsets.UTF_8)));
        JsonNode metrics = fixture.json(fixture.get("/metrics"));
        JsonNode embed = metrics.get("POST /v1/embed");
        assertNotNull(embed, metrics.toString());
        assertEquals(2, embed.get("count").asInt());
        assertEquals(1, embed.get("by_status").get("200").asInt());
        assertEquals(1, embed.get("by_status").get("422").asInt());
        assertTrue(embed.get("p99_ms").asDouble() > 0);
    }

    @Test
    void fullQueueGets503WithRetryAfter() throws Exception {
        ServeConfig config = ServeConfig.defaults(folder.resolve("slow-files")).withPort(0)
                .withConcurrency(1, 1, java.time.Duration.ofSeconds(20));
        try (ServerFixture slow = ServerFixture.start(new SlowEncoder(PixelEncoder.withText(), 400),
                folder.resolve("slow"), config)) {
            byte[] sticker = png(0, 0);
            ExecutorService clients = Executors.newFixedThreadPool(6);
            try {
                List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    futures.add(clients.submit(() -> slow.post("/v1/embed",
                            new ServerFixture.Form().file("sticker", sticker))));
                }
                int ok = 0;
                int busy = 0;
                for (Future<HttpResponse<byte[]>> future : futures) {
                    HttpResponse<byte[]> response = future.get();
                    if (response.statusCode() == 200) {
                        ok++;
                    } else {
                        assertEquals(503, response.statusCode());
                        assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
                        assertEquals("overloaded", slow.json(response).get("error").asText());
                        busy++;
                    }
                }
                assertTrue(ok >= 1, "no request succeeded");
                assertTrue(busy >= 1, "no request was turned away with 1 running and 1 queued");
            } finally {
                clients.shutdownNow();
            }
        }
    }

    @Test
    void slowRequestTimesOutWith503() throws Exception {
        ServeConfig config = ServeConfig.defaults(folder.resolve("timeout-files")).withPort(0)
                .withConcurrency(2, 4, java.time.Duration.ofMillis(300));
        try (ServerFixture slow = ServerFixture.start(new SlowEncoder(PixelEncoder.withText(), 2000),
                folder.resolve("timeout"), config)) {
            HttpResponse<byte[]> response = slow.post("/v1/embed", new ServerFixture.Form().file("sticker", png(0, 0)));
            assertEquals(503, response.statusCode());
            assertEquals("timeout", slow.json(response).get("error").asText());
            assertTrue(response.headers().firstValue("Retry-After").isPresent());
        }
    }

    @Test
    void shutdownLetsRunningRequestFinish() throws Exception {
        ServerFixture slow = ServerFixture.start(new SlowEncoder(PixelEncoder.withText(), 800),
                folder.resolve("graceful"), ServeConfig.defaults(folder.resolve("graceful-files")).withPort(0));
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<HttpResponse<byte[]>> running = client.submit(() -> slow.post("/v1/embed",
                    new ServerFixture.Form().file("sticker", png(0, 0))));
            Thread.sleep(300);
            slow.close();
            assertEquals(200, running.get().statusCode());
        } finally {
            client.shutdownNow();
        }
    }

    @Test
    void realWhatsappStickers() throws Exception {
        Path packs = TestData.shared("real-stickers/whatsapp");
        List<Path> webps;
        try (Stream<Path> files = Files.walk(packs)) {
            webps = files.filter(p -> p.toString().endsWith(".webp")).sorted().toList();
        }
        List<Path> chosen = List.of(webps.get(0), webps.get(1), webps.get(webps.size() - 1), webps.get(webps.size() - 2));
        for (Path webp : chosen) {
            add(Files.readAllBytes(webp), packs.relativize(webp).toString());
        }
        byte[] query = Files.readAllBytes(chosen.getLast());
        JsonNode result = fixture.json(fixture.post("/v1/search",
                new ServerFixture.Form().file("sticker", query).field("k", "4")));
        JsonNode top = result.get("hits").get(0);
        assertEquals(StickerService.sha256(query), top.get("sha256").asText());
        assertEquals(1.0, top.get("score").asDouble(), 1e-4);
        assertTrue(result.get("query").get("frames").asInt() >= 1);

        HttpResponse<byte[]> file = fixture.get(top.get("url").asText());
        assertEquals("image/webp", file.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(query, file.body());
    }

    /** Wraps an encoder and sleeps before each batch, to fill the worker pool. */
    static final class SlowEncoder implements Encoder {
        private final Encoder inner;
        private final long sleepMillis;

        SlowEncoder(Encoder inner, long sleepMillis) {
            this.inner = inner;
            this.sleepMillis = sleepMillis;
        }

        @Override
        public String modelId() {
            return inner.modelId();
        }

        @Override
        public int embeddingSize() {
            return inner.embeddingSize();
        }

        @Override
        public FramePolicy framePolicy() {
            return inner.framePolicy();
        }

        @Override
        public List<Embedding> embedFrames(List<Frame> frames) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while embedding", e);
            }
            return inner.embedFrames(frames);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
