package org.gse.data.emoji;

import org.gse.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches npm package versions and their tarballs, verifies each tarball against its published SHA-512
 * integrity and keeps both in a cache folder, so a second build runs offline.
 *
 * <p>The registry is an {@code https:} or {@code http:} address (npm's default is
 * {@code https://registry.npmjs.org/}) or a {@code file:} folder laid out the same way:
 * <ul>
 *   <li>{@code <registry>/<name>/<version>}: the version document, JSON with {@code name}, {@code version},
 *       {@code dist.tarball} and {@code dist.integrity};
 *   <li>{@code <registry>/<name>/-/<file>.tgz}: the tarball, where {@code <file>} is the last segment of
 *       {@code dist.tarball}.
 * </ul>
 * Scoped names keep their slash ({@code @lobehub/fluent-emoji-3d/1.1.0}), which the public registry accepts.
 * Tarballs are always fetched from the configured registry, never from another host that {@code dist.tarball}
 * might name; an {@code http(s)} registry rejects such a document.
 *
 * <p>Cache layout: {@code <cache>/<name>-<version>.json} and {@code <cache>/<name>-<version>.tgz}, with a scope's
 * {@code @} dropped and {@code /} replaced by {@code -}. A cached tarball is verified again on every use; one that
 * no longer matches is deleted and fetched anew.
 */
public final class NpmRegistry {

    /** The registry npm uses by default. */
    public static final URI DEFAULT_REGISTRY = URI.create("https://registry.npmjs.org/");

    /** Largest tarball accepted: the largest one the emoji corpus uses is 74 MB (emoji-datasource-google 16.0.0). */
    static final long MAX_TARBALL_BYTES = 512L << 20;
    private static final long MAX_DOCUMENT_BYTES = 16L << 20;
    private static final int ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(NpmRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI registry;
    private final Path cache;
    private final HttpClient http;

    /**
     * Creates a client for {@code registry} that caches into {@code cache}.
     *
     * @throws IllegalArgumentException when the address is neither {@code http(s):} nor {@code file:}
     */
    public NpmRegistry(URI registry, Path cache) {
        String scheme = registry.getScheme() == null ? "" : registry.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("file")) {
            throw new IllegalArgumentException("registry " + registry + " must be an https:, http: or file: address");
        }
        String text = registry.toString();
        this.registry = URI.create(text.endsWith("/") ? text : text + "/");
        this.cache = cache;
        this.http = scheme.equals("file") ? null : HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Creates a client for a registry folder on disk. */
    public static NpmRegistry ofFolder(Path folder, Path cache) {
        return new NpmRegistry(folder.toAbsolutePath().normalize().toUri(), cache);
    }

    public URI registry() {
        return registry;
    }

    /** Returns the version document of {@code name@version}, from the cache when present. */
    public NpmPackage resolve(String name, String version) throws IOException {
        String owner = name + "@" + version;
        Path cached = cache.resolve(NpmPackage.cacheName(name, version) + ".json");
        byte[] bytes;
        if (Files.isRegularFile(cached)) {
            bytes = Files.readAllBytes(cached);
            log.debug("Using cached metadata {} for {}", cached, owner);
        } else {
            bytes = fetch(registry.resolve(name + "/" + version), MAX_DOCUMENT_BYTES, owner + " metadata");
        }
        JsonNode document;
        try {
            document = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IOException(owner + ": the registry metadata is not valid JSON: " + e.getMessage(), e);
        }
        NpmPackage pkg = NpmPackage.fromVersionDocument(document, name, version);
        if (http != null && !sameOrigin(pkg.tarball(), registry)) {
            throw new IOException(owner + ": dist.tarball " + pkg.tarball() + " is not on the registry "
                    + registry + "; only the registry itself is contacted");
        }
        if (!Files.isRegularFile(cached)) {
            writeAtomically(cached, bytes);
        }
        return pkg;
    }

    /**
     * Returns the cached tarball of {@code pkg}, fetching it first when it is missing or no longer matches the
     * published integrity.
     *
     * @throws IOException when the fetched bytes do not match {@code dist.integrity}; the message names the package
     */
    public Path tarball(NpmPackage pkg) throws IOException {
        Path cached = cache.resolve(pkg.cacheName() + ".tgz");
        if (Files.isRegularFile(cached)) {
            if (pkg.integrity().matches(Files.readAllBytes(cached))) {
                log.debug("Using cached tarball {} for {}", cached, pkg.id());
                return cached;
            }
            log.warn("Cached tarball {} does not match the integrity of {}; deleting it and fetching again",
                    cached, pkg.id());
            Files.delete(cached);
        }
        URI location = registry.resolve(pkg.name() + "/-/" + pkg.tarballFileName());
        long start = System.nanoTime();
        byte[] bytes = fetch(location, MAX_TARBALL_BYTES, pkg.id() + " tarball");
        if (!pkg.integrity().matches(bytes)) {
            throw new IOException(pkg.id() + ": tarball " + location + " does not match the published integrity "
                    + pkg.integrity().value() + " (it hashes to " + Integrity.of(bytes) + "); the download is"
                    + " corrupt or the registry copy was altered, so it was not cached");
        }
        writeAtomically(cached, bytes);
        log.info(String.format(Locale.ROOT, "Fetched %s (%.1f MB) in %.1f s", pkg.id(), bytes.length / 1e6,
                (System.nanoTime() - start) / 1e9));
        return cached;
    }

    private byte[] fetch(URI location, long maxBytes, String description) throws IOException {
        if (http == null) {
            Path file = Path.of(location);
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, description + " not found in the registry folder "
                        + Path.of(registry) + "; lay it out as <name>/<version> and <name>/-/<file>.tgz");
            }
            if (Files.size(file) > maxBytes) {
                throw new IOException(description + ": " + file + " is over the limit of " + maxBytes + " bytes");
            }
            return Files.readAllBytes(file);
        }
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return get(location, maxBytes, description);
            } catch (IOException e) {
                last = e;
                log.warn("Fetching {} from {} failed (attempt {} of {}): {}", description, location, attempt, ATTEMPTS,
                        e.getMessage());
            }
        }
        throw new IOException("cannot fetch " + description + " from " + location + " after " + ATTEMPTS
                + " attempts: " + last.getMessage() + "; check the network or pass --registry-dir", last);
    }

    private byte[] get(URI location, long maxBytes, String description) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(location)
                .timeout(Duration.ofMinutes(10))
                .header("Accept", "application/json, application/octet-stream")
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + description, e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " for " + location);
            }
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new IOException(description + " is over the limit of " + maxBytes + " bytes");
            }
            return bytes;
        }
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = AtomicFiles.createTempFile(target.getParent(), ".download-", ".tmp");
        try {
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }
}
