package org.gse.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.gse.decode.StickerDecoder;
import org.gse.index.StickerIndex;
import org.gse.model.Encoder;

/**
 * A real {@link StickerServer} on an ephemeral loopback port with a real index in a temporary folder, and a small
 * HTTP client for tests. Close it to stop the server and the index.
 */
final class ServerFixture implements AutoCloseable {

    static final String TOKEN = "test-token-7f3a";

    final StickerServer server;
    final StickerIndex index;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final ObjectMapper mapper = new ObjectMapper();
    final URI base;

    private ServerFixture(StickerServer server, StickerIndex index) {
        this.server = server;
        this.index = index;
        this.base = server.uri();
    }

    /** Starts a server with a token and a threshold of 0.9 over a new index in {@code folder}. */
    static ServerFixture start(Encoder encoder, Path folder) throws Exception {
        return start(encoder, folder, ServeConfig.defaults(folder.resolve("files")).withPort(0).withToken(TOKEN)
                .withThreshold(0.9));
    }

    static ServerFixture start(Encoder encoder, Path folder, ServeConfig config) throws Exception {
        StickerIndex index = StickerIndex.openForWriting(folder.resolve("index"), encoder.modelId(),
                encoder.embeddingSize());
        StickerServer server = new StickerServer(new StickerService(encoder,
                StickerDecoder.withAllFormats(config.decodeLimits()), index, config.filesFolder()), config);
        server.start();
        return new ServerFixture(server, index);
    }

    /** A multipart/form-data body: files and text fields in insertion order. */
    static final class Form {
        private final Map<String, Object> parts = new LinkedHashMap<>();

        Form file(String name, byte[] bytes) {
            parts.put(name, bytes);
            return this;
        }

        Form field(String name, String value) {
            parts.put(name, value);
            return this;
        }

        HttpRequest.Builder post(URI uri) {
            String boundary = "gse-test-" + UUID.randomUUID();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Map.Entry<String, Object> part : parts.entrySet()) {
                StringBuilder head = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                        + part.getKey() + "\"");
                if (part.getValue() instanceof byte[]) {
                    head.append("; filename=\"").append(part.getKey()).append(".bin\"\r\n")
                            .append("Content-Type: application/octet-stream");
                }
                head.append("\r\n\r\n");
                body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
                body.writeBytes(part.getValue() instanceof byte[] bytes ? bytes
                        : ((String) part.getValue()).getBytes(StandardCharsets.UTF_8));
                body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        }
    }

    HttpResponse<byte[]> post(String path, Form form) throws IOException, InterruptedException {
        return client.send(form.post(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> postWithToken(String path, Form form, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = form.post(base.resolve(path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> delete(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .DELETE();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return mapper.readTree(response.body());
    }

    /**
     * Sends a request line exactly as given over a plain socket, because HTTP clients normalise or reject odd
     * paths. Returns the status line and the body.
     */
    String[] raw(String method, String rawTarget) throws IOException {
        String[] response = rawExchange(method + " " + rawTarget + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\nConnection: close\r\n\r\n");
        return new String[] {response[0], response[2]};
    }

    /**
     * Sends {@code request} as written (ISO-8859-1) on a new connection and reads until the server closes it.
     * Returns the status line, the header lines and the body.
     */
    String[] rawExchange(String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int lineEnd = Math.max(0, response.indexOf("\r\n"));
            int bodyStart = response.indexOf("\r\n\r\n");
            String headers = bodyStart < 0 ? response.substring(lineEnd) : response.substring(lineEnd, bodyStart);
            return new String[] {response.substring(0, lineEnd), headers.strip(),
                bodyStart < 0 ? "" : response.substring(bodyStart + 4)};
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            index.close();
        }
    }
}
