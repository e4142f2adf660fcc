package org.gse.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.gse.index.SearchHit;
import org.gse.index.StickerEntry;
import org.gse.model.Embedding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API, the web page and the OpenAPI description, as one Jetty core handler.
 *
 * <p>Each request runs in four steps: 1. match the route, 2. check the token and read the body on Jetty's thread
 * (multipart parsing by Jetty, bounded by the maximum upload size), 3. run the decoding, embedding or index work
 * on a bounded worker pool (a full queue gets 503 with {@code Retry-After}; work that outlasts the request timeout
 * gets 503 too), 4. write JSON and record the route's count and latency.
 */
final class ApiHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    private static final String JSON = "application/json; charset=utf-8";
    private static final String STICKERS_PREFIX = "/v1/stickers/";
    private static final String INDEX_PREFIX = "/v1/index/";
    private static final int RETRY_AFTER_SECONDS = 1;

    /** Static files of the web page: request path to class path resource and media type. */
    private static final Map<String, String[]> PAGE_FILES = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"web/app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"web/style.css", "text/css; charset=utf-8"},
            "/openapi.json", new String[] {"openapi.json", JSON});

    private final StickerService service;
    private final ServeConfig config;
    private final RouteMetrics metrics;
    private final ThreadPoolExecutor workers;
    private final MultiPartConfig multiPartConfig;
    private final ObjectMapper mapper = new ObjectMapper();
    private final byte[] tokenDigest;

    ApiHandler(StickerService service, ServeConfig config, RouteMetrics metrics) {
        this.service = service;
        this.config = config;
        this.metrics = metrics;
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(config.maxConcurrent(), config.maxConcurrent(), 0, TimeUnit.SECONDS,
                config.maxQueued() == 0 ? new java.util.concurrent.SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(config.maxQueued()), runnable -> {
                    Thread thread = new Thread(runnable, "gse-serve-worker-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.multiPartConfig = new MultiPartConfig.Builder()
                .maxSize(config.maxUploadBytes())
                .maxPartSize(config.maxUploadBytes())
                .maxMemoryPartSize(config.maxUploadBytes())
                .maxParts(16)
                .build();
        this.tokenDigest = config.token() == null ? null : digest(config.token());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        String route = "other";
        int status;
        try {
            route = route(method, path);
            status = dispatch(route, path, request, response, callback);
        } catch (ApiException e) {
            status = e.status();
            log.info("{} {} from {} failed with {} {}: {}", method, StickerService.abbreviate(path),
                    Request.getRemoteAddr(request), status, e.code(), e.getMessage());
            writeError(response, callback, e);
        } catch (RuntimeException | IOException e) {
            status = 500;
            log.error("Request {} {} failed", method, path, e);
            writeError(response, callback, new ApiException(500, "internal_error",
                    "the server failed to handle this request; see the server log at this time"));
        }
        metrics.record(route, status, System.nanoTime() - start);
        return true;
    }

    /** Stops the worker pool after the server has stopped accepting requests. */
    void shutdown(long timeoutMillis) throws InterruptedException {
        workers.shutdown();
        if (!workers.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
            log.warn("{} requests still running after {} ms; stopping without waiting for them",
                    workers.getActiveCount(), timeoutMillis);
        }
    }

    private static String route(String method, String path) {
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (get && PAGE_FILES.containsKey(path)) {
            return "GET " + path;
        }
        String route = switch (path) {
            case "/healthz" -> get ? "GET /healthz" : null;
            case "/metrics" -> get ? "GET /metrics" : null;
            case "/v1/embed" -> method.equals("POST") ? "POST /v1/embed" : null;
            case "/v1/similarity" -> method.equals("POST") ? "POST /v1/similarity" : null;
            case "/v1/search" -> method.equals("POST") ? "POST /v1/search" : null;
            case "/v1/index" -> method.equals("POST") ? "POST /v1/index" : null;
            default -> {
                if (path.startsWith(STICKERS_PREFIX) && get) {
                    yield "GET /v1/stickers/{sha256}";
                }
                if (path.startsWith(INDEX_PREFIX) && method.equals("DELETE")) {
                    yield "DELETE /v1/index/{sha256}";
                }
                yield null;
            }
        };
        if (route == null) {
            throw new ApiException(knownPath(path) ? 405 : 404, knownPath(path) ? "method_not_allowed" : "not_found",
                    knownPath(path) ? "method " + method + " is not allowed on " + path + "; see /openapi.json"
                            : "no route for " + StickerService.abbreviate(path) + "; see /openapi.json");
        }
        return route;
    }

    private static boolean knownPath(String path) {
        return PAGE_FILES.containsKey(path) || path.equals("/healthz") || path.equals("/metrics")
                || path.startsWith("/v1/");
    }

    private int dispatch(String route, String path, Request request, Response response, Callback callback)
            throws IOException {
        return switch (route) {
            case "GET /healthz" -> writeJson(response, callback, 200, health());
            case "GET /metrics" -> writeJson(response, callback, 200, metrics.toJson());
            case "POST /v1/embed" -> embed(request, response, callback);
            case "POST /v1/similarity" -> similarity(request, response, callback);
            case "POST /v1/search" -> search(request, response, callback);
            case "POST /v1/index" -> add(request, response, callback);
            case "DELETE /v1/index/{sha256}" -> remove(path.substring(INDEX_PREFIX.length()), request, response,
                    callback);
            case "GET /v1/stickers/{sha256}" -> sticker(path.substring(STICKERS_PREFIX.length()), response,
                    callback);
            default -> page(path, response, callback);
        };
    }

    // Routes

    private ObjectNode health() {
        ObjectNode node = mapper.createObjectNode();
        node.put("status", "ok");
        node.put("model", service.encoder().modelId());
        node.put("embedding_size", service.encoder().embeddingSize());
        node.put("text_search", service.encoder().hasTextTower());
        int size = service.indexSize();
        if (size < 0) {
            node.putNull("index_size");
        } else {
            node.put("index_size", size);
        }
        putThreshold(node);
        node.put("max_upload_bytes", config.maxUploadBytes());
        return node;
    }

    private int embed(Request request, Response response, Callback callback) {
        Upload upload = readUpload(request, "sticker");
        byte[] sticker = upload.requireFile("sticker");
        String name = upload.fileName("sticker");
        StickerService.Embedded embedded = runLimited(() -> service.embed(sticker, name));
        ObjectNode node = describe(embedded);
        node.put("model", service.encoder().modelId());
        ArrayNode vector = node.putArray("embedding");
        for (float value : embedded.embedding().vector()) {
            vector.add(value);
        }
        return writeJson(response, callback, 200, node);
    }

    private int similarity(Request request, Response response, Callback callback) {
        Upload upload = readUpload(request, "a", "b");
        byte[] a = upload.requireFile("a");
        byte[] b = upload.requireFile("b");
        String nameA = upload.fileName("a");
        String nameB = upload.fileName("b");
        StickerService.Embedded[] pair = runLimited(() -> new StickerService.Embedded[] {
            service.embed(a, nameA), service.embed(b, nameB)});
        double score = pair[0].embedding().cosine(pair[1].embedding());
        ObjectNode node = mapper.createObjectNode();
        node.put("score", score);
        putThreshold(node);
        if (config.threshold() == null) {
            node.putNull("similar");
        } else {
            node.put("similar", score >= config.threshold());
        }
        node.put("model", service.encoder().modelId());
        node.set("a", describe(pair[0]));
        node.set("b", describe(pair[1]));
        return writeJson(response, callback, 200, node);
    }

    private int search(Request request, Response response, Callback callback) {
        Upload upload = readUpload(request, "sticker", "text", "k");
        int k = upload.k(config.defaultK(), config.maxK());
        byte[] sticker = upload.file("sticker");
        String text = upload.field("text");
        String name = upload.fileName("sticker");
        if ((sticker == null) == (text == null || text.isBlank())) {
            throw ApiException.badRequest("send exactly one of a 'sticker' file part or a non-empty 'text' field");
        }

        ObjectNode node = mapper.createObjectNode();
        node.put("model", service.encoder().modelId());
        node.put("k", k);
        List<SearchHit> hits = runLimited(() -> {
            Embedding query;
            if (sticker != null) {
                StickerService.Embedded embedded = service.embed(sticker, name);
                node.set("query", describe(embedded));
                query = embedded.embedding();
            } else {
                node.putObject("query").put("text", text);
                query = service.embedText(text);
            }
            return service.search(query, k);
        });

        ArrayNode array = node.putArray("hits");
        for (SearchHit hit : hits) {
            ObjectNode item = array.addObject();
            item.put("sha256", hit.sha256());
            item.put("score", hit.score());
            item.put("format", hit.format());
            ArrayNode labels = item.putArray("labels");
            hit.labels().forEach(labels::add);
            item.put("url", STICKERS_PREFIX + hit.sha256());
        }
        return writeJson(response, callback, 200, node);
    }

    private int add(Request request, Response response, Callback callback) {
        requireToken(request);
        Upload upload = readUpload(request, "sticker", "labels");
        byte[] sticker = upload.requireFile("sticker");
        List<String> labels = upload.labels();
        String name = upload.fileName("sticker");
        StickerEntry entry = runLimited(() -> service.add(sticker, service.embed(sticker, name), labels));
        ObjectNode node = mapper.createObjectNode();
        node.put("sha256", entry.sha256());
        node.put("format", entry.format());
        node.put("frames", entry.frameCount());
        ArrayNode array = node.putArray("labels");
        entry.labels().forEach(array::add);
        node.put("url", STICKERS_PREFIX + entry.sha256());
        response.getHeaders().put(HttpHeader.LOCATION, STICKERS_PREFIX + entry.sha256());
        return writeJson(response, callback, 201, node);
    }

    private int remove(String sha256, Request request, Response response, Callback callback) {
        requireToken(request);
        StickerService.requireSha256(sha256);
        boolean removed = runLimited(() -> service.remove(sha256));
        if (!removed) {
            throw ApiException.notFound("sticker " + sha256 + " is not in the index");
        }
        ObjectNode node = mapper.createObjectNode();
        node.put("sha256", sha256);
        node.put("removed", true);
        return writeJson(response, callback, 200, node);
    }

    private int sticker(String sha256, Response response, Callback callback) throws IOException {
        Optional<StickerEntry> entry = service.find(sha256);
        if (entry.isEmpty()) {
            throw ApiException.notFound("sticker " + sha256 + " is not in the index");
        }
        // NOTE: stickers added with 'gse index add' keep the path given on that command line; a relative one
        // resolves against this server's working directory.
        Path file = Path.of(entry.get().path());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            log.warn("Indexed sticker {} has no readable file at {}: {}", sha256, file, e.toString());
            throw ApiException.notFound("sticker " + sha256 + " is indexed but its file is gone; add it again");
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, mediaType(entry.get().format()));
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=86400, immutable");
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return 200;
    }

    private int page(String path, Response response, Callback callback) throws IOException {
        String[] file = PAGE_FILES.get(path);
        byte[] bytes;
        try (InputStream in = ApiHandler.class.getResourceAsStream(file[0])) {
            if (in == null) {
                throw new IllegalStateException("resource " + file[0] + " is missing from the build");
            }
            bytes = in.readAllBytes();
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, file[1]);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:;"
                + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return 200;
    }

    // Steps shared by the routes

    /** Checks the bearer token in constant time (over digests, so the length does not leak either). */
    private void requireToken(Request request) {
        if (tokenDigest == null) {
            throw new ApiException(403, "writes_disabled", "this server has no write token configured; start gse"
                    + " serve with GSE_SERVE_TOKEN set or --token-file FILE to allow writes");
        }
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim() : null;
        if (presented == null || !MessageDigest.isEqual(tokenDigest, digest(presented))) {
            log.warn("Rejected a write from {}: {} bearer token", Request.getRemoteAddr(request),
                    presented == null ? "missing" : "wrong");
            throw new ApiException(401, "unauthorized", presented == null
                    ? "writes need the header 'Authorization: Bearer TOKEN'"
                    : "the bearer token is wrong; use the token the server was started with");
        }
    }

    /**
     * Reads a multipart/form-data body whose part names must all be among {@code accepted}, so that a misspelt
     * field (such as 'label' for 'labels') gets a 400 instead of being ignored.
     */
    private Upload readUpload(Request request, String... accepted) {
        long length = request.getLength();
        if (length > config.maxUploadBytes()) {
            throw tooLarge(length + " bytes");
        }
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException(415, "unsupported_media_type", "send the sticker as multipart/form-data, got "
                    + (contentType == null ? "no Content-Type" : "'" + contentType + "'"));
        }
        MultiPartFormData.Parts parts;
        try {
            parts = MultiPartFormData.getParts(request, request, contentType, multiPartConfig);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String message = String.valueOf(cause.getMessage());
            // Jetty 12.1 reports its size limits only in the message: "max length exceeded: N" for the body and
            // "max file size exceeded: N" for one part.
            if (message.contains("max length exceeded") || message.contains("max file size exceeded")) {
                throw tooLarge("larger than allowed");
            }
            throw ApiException.badRequest("invalid multipart/form-data body: " + message);
        }
        Upload upload = new Upload(parts, request);
        upload.requireKnownParts(accepted);
        return upload;
    }

    private ApiException tooLarge(String size) {
        return new ApiException(413, "payload_too_large", "the upload is " + size + "; the maximum is "
                + config.maxUploadBytes() + " bytes");
    }

    /** Runs work on the bounded worker pool and waits at most the request timeout for it. */
    private <T> T runLimited(java.util.concurrent.Callable<T> work) {
        Future<T> future;
        try {
            future = workers.submit(work);
        } catch (RejectedExecutionException e) {
            log.warn("Rejected a request: {} running and {} queued, the configured maximum",
                    workers.getActiveCount(), workers.getQueue().size());
            throw new ApiException(503, "overloaded", "the server is busy (" + config.maxConcurrent()
                    + " requests running, " + config.maxQueued() + " queued); retry after " + RETRY_AFTER_SECONDS
                    + " s", RETRY_AFTER_SECONDS);
        }
        try {
            return future.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // No interrupt: an interrupted Lucene write can leave the IndexWriter closed. The decoder's own time
            // limit bounds how long the abandoned work keeps its worker.
            future.cancel(false);
            log.warn("A request timed out after {} ms", config.requestTimeout().toMillis());
            throw new ApiException(503, "timeout", "the request took longer than "
                    + config.requestTimeout().toMillis() + " ms; retry later or with a smaller sticker",
                    RETRY_AFTER_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new ApiException(503, "shutting_down", "the server is stopping; retry on another instance",
                    RETRY_AFTER_SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApiException api) {
                throw api;
            }
            if (cause instanceof IllegalArgumentException bad) {
                throw ApiException.badRequest(bad.getMessage());
            }
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    private ObjectNode describe(StickerService.Embedded embedded) {
        ObjectNode node = mapper.createObjectNode();
        node.put("sha256", embedded.sha256());
        node.put("format", embedded.sticker().format().id());
        node.put("width", embedded.sticker().width());
        node.put("height", embedded.sticker().height());
        node.put("frames", embedded.sticker().frames().size());
        return node;
    }

    private void putThreshold(ObjectNode node) {
        if (config.threshold() == null) {
            node.putNull("threshold");
        } else {
            node.put("threshold", config.threshold());
        }
    }

    private int writeJson(Response response, Callback callback, int status, ObjectNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body.toString(), callback);
        return status;
    }

    private void writeError(Response response, Callback callback, ApiException e) {
        if (response.isCommitted()) {
            callback.failed(e);
            return;
        }
        response.reset();
        if (e.retryAfterSeconds() != null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        if (e.status() == 413) {
            // The rest of the body is not read, so the connection cannot carry another request.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        writeJson(response, callback, e.status(), errorBody(mapper, e.code(), e.getMessage()));
    }

    static ObjectNode errorBody(ObjectMapper mapper, String code, String detail) {
        ObjectNode node = mapper.createObjectNode();
        node.put("error", code);
        node.put("detail", detail);
        return node;
    }

    static String mediaType(String format) {
        return switch (format) {
            case "png", "apng" -> "image/png";
            case "gif" -> "image/gif";
            case "jpeg" -> "image/jpeg";
            case "webp" -> "image/webp";
            case "webm" -> "video/webm";
            default -> "application/octet-stream";
        };
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * The parts of a multipart/form-data body, copied out of Jetty's buffers (which are released at once), with the
     * query string as a fallback for fields.
     */
    private static final class Upload {
        private record Part(String fileName, byte[] bytes) {}

        private final Map<String, List<Part>> parts = new java.util.HashMap<>();
        private final Fields query;

        Upload(MultiPartFormData.Parts multiPart, Request request) {
            try (multiPart) {
                for (MultiPart.Part part : multiPart) {
                    byte[] bytes;
                    try (InputStream in = Content.Source.asInputStream(part.createContentSource())) {
                        bytes = in.readAllBytes();
                    } catch (IOException e) {
                        throw ApiException.badRequest("cannot read part '" + part.getName() + "': " + e.getMessage());
                    }
                    parts.computeIfAbsent(part.getName(), name -> new ArrayList<>())
                            .add(new Part(part.getFileName(), bytes));
                }
            }
            this.query = Request.extractQueryParameters(request);
        }

        byte[] file(String name) {
            List<Part> named = parts.get(name);
            if (named == null || named.getFirst().bytes().length == 0) {
                return null;
            }
            return named.getFirst().bytes();
        }

        byte[] requireFile(String name) {
            byte[] bytes = file(name);
            if (bytes == null) {
                throw ApiException.badRequest("missing or empty file part '" + name + "' in the multipart body");
            }
            return bytes;
        }

        String fileName(String name) {
            List<Part> named = parts.get(name);
            String fileName = named == null ? null : named.getFirst().fileName();
            return fileName == null ? name : StickerService.abbreviate(fileName);
        }

        /** Rejects parts whose names are not in {@code accepted}, naming them and the accepted ones. */
        void requireKnownParts(String... accepted) {
            List<String> known = List.of(accepted);
            List<String> unknown = new ArrayList<>();
            for (String name : parts.keySet()) {
                if (!known.contains(name)) {
                    unknown.add(name == null ? "(unnamed)" : "'" + StickerService.abbreviate(name) + "'");
                }
            }
            if (unknown.isEmpty()) {
                return;
            }
            unknown.sort(null);
            throw new ApiException(400, "unknown_part", (unknown.size() == 1 ? "unknown multipart part " : "unknown"
                    + " multipart parts ") + String.join(", ", unknown) + "; this endpoint accepts only '"
                    + String.join("', '", known) + "'");
        }

        String field(String name) {
            List<Part> named = parts.get(name);
            if (named != null) {
                return new String(named.getFirst().bytes(), StandardCharsets.UTF_8);
            }
            return query.getValue(name);
        }

        int k(int defaultK, int maxK) {
            String text = field("k");
            if (text == null || text.isBlank()) {
                return defaultK;
            }
            int k;
            try {
                k = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("k must be a whole number from 1 to " + maxK + ", got '"
                        + StickerService.abbreviate(text) + "'");
            }
            if (k < 1 || k > maxK) {
                throw ApiException.badRequest("k must be from 1 to " + maxK + ", got " + k);
            }
            return k;
        }

        /** Returns the labels: every 'labels' part, each split at commas, blanks dropped. */
        List<String> labels() {
            List<String> labels = new ArrayList<>();
            for (Part part : parts.getOrDefault("labels", List.of())) {
                for (String label : new String(part.bytes(), StandardCharsets.UTF_8).split(",")) {
                    if (!label.isBlank()) {
                        labels.add(label.strip());
                    }
                }
            }
            return labels;
        }
    }
}
