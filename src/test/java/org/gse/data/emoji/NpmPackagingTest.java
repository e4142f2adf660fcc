package org.gse.data.emoji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Integrity values, emoji keys, tarball limits and the registry client over loopback HTTP. */
class NpmPackagingTest {

    @TempDir
    Path work;

    @Test
    void integrityMatchesOnlyItsBytes() {
        byte[] bytes = "tarball".getBytes(StandardCharsets.UTF_8);
        Integrity integrity = Integrity.parse("sha1-abc " + Integrity.of(bytes), "x@1");
        assertTrue(integrity.matches(bytes));
        assertFalse(integrity.matches("tarbalL".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void integrityWithoutSha512IsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Integrity.parse("sha1-3q2+7w==", "left-pad@1.0.0"));
        assertTrue(error.getMessage().contains("left-pad@1.0.0"), error.getMessage());
    }

    @Test
    void keysIgnoreSelectorAndPadding() {
        assertEquals(Optional.of("23-20e3"), EmojiKey.parse("0023-FE0F-20E3"));
        assertEquals(Optional.of("23-20e3"), EmojiKey.parse("23-fe0f-20e3"));
        assertEquals(Optional.of("2764"), EmojiKey.parse("2764-fe0f"));
        assertEquals(Optional.empty(), EmojiKey.parse("E0-zz"));
        assertEquals(Optional.empty(), EmojiKey.parse("110000"));
        assertEquals("1f602", EmojiCatalog.keyOfText("\uD83D\uDE02"));
    }

    @Test
    void tarballRejectsParentSegments() throws IOException {
        Path tgz = work.resolve("evil.tgz");
        Files.write(tgz, FakeRegistry.tgz(Map.of("../../etc/evil.txt", new byte[] {1}), "package/"));
        IOException error = assertThrows(IOException.class,
                () -> new TarballReader(1024, 4096).read(tgz, name -> true));
        assertTrue(error.getMessage().contains("climbs out"), error.getMessage());
    }

    @Test
    void tarballRejectsHugeEntries() throws IOException {
        Path tgz = work.resolve("big.tgz");
        Files.write(tgz, FakeRegistry.tgz(Map.of("big.bin", new byte[5000]), "package/"));
        IOException error = assertThrows(IOException.class,
                () -> new TarballReader(1024, 1 << 20).read(tgz, name -> true));
        assertTrue(error.getMessage().contains("over the limit"), error.getMessage());
    }

    @Test
    void tarballStripsTopFolderAndFilters() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("a/one.png", new byte[] {1, 2});
        files.put("b/two.txt", new byte[] {3});
        Path tgz = work.resolve("ok.tgz");
        Files.write(tgz, FakeRegistry.tgz(files, "package/"));
        Map<String, byte[]> read = new TarballReader(1024, 4096).read(tgz, name -> name.endsWith(".png"));
        assertEquals(1, read.size());
        assertArrayEquals(new byte[] {1, 2}, read.get("a/one.png"));
    }

    @Test
    void httpRegistryFetchesOnceThenUsesCache() throws IOException {
        Path served = work.resolve("served");
        FakeRegistry.publish(served, "@scope/demo", "1.0.0", Map.of("index.js", new byte[] {42}));
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            Path file = served.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            byte[] body = file.startsWith(served) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            rewriteTarballHost(served.resolve("@scope/demo/1.0.0"), base);
            Path cache = work.resolve("cache");
            NpmRegistry registry = new NpmRegistry(base, cache);
            NpmPackage pkg = registry.resolve("@scope/demo", "1.0.0");
            Path tarball = registry.tarball(pkg);
            assertEquals(2, requests.get(), "one metadata and one tarball request");
            assertEquals(cache.resolve("scope-demo-1.0.0.tgz"), tarball);

            NpmRegistry again = new NpmRegistry(base, cache);
            again.tarball(again.resolve("@scope/demo", "1.0.0"));
            assertEquals(2, requests.get(), "the second client runs from the cache");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void corruptCacheIsFetchedAgain() throws IOException {
        Path served = work.resolve("folder-registry");
        FakeRegistry.publish(served, "demo", "2.0.0", Map.of("index.js", new byte[] {7}));
        Path cache = work.resolve("cache3");
        NpmRegistry registry = NpmRegistry.ofFolder(served, cache);
        NpmPackage pkg = registry.resolve("demo", "2.0.0");
        Path tarball = registry.tarball(pkg);
        byte[] good = Files.readAllBytes(tarball);
        Files.write(tarball, new byte[] {1, 2, 3});
        assertArrayEquals(good, Files.readAllBytes(registry.tarball(pkg)), "the damaged copy is replaced");
    }

    @Test
    void missingPackageNamesFolderLayout() {
        NpmRegistry registry = NpmRegistry.ofFolder(work, work.resolve("cache4"));
        IOException error = assertThrows(IOException.class, () -> registry.resolve("absent", "1.0.0"));
        assertTrue(error.getMessage().contains("absent@1.0.0 metadata not found"), error.getMessage());
    }

    @Test
    void httpRegistryRejectsForeignTarballHost() throws IOException {
        Path served = work.resolve("foreign");
        FakeRegistry.publish(served, "demo", "1.0.0", Map.of("index.js", new byte[] {42}));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = Files.readAllBytes(served.resolve("demo/1.0.0"));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            IOException error = assertThrows(IOException.class,
                    () -> new NpmRegistry(base, work.resolve("cache2")).resolve("demo", "1.0.0"));
            assertTrue(error.getMessage().contains("is not on the registry"), error.getMessage());
        } finally {
            server.stop(0);
        }
    }

    private static void rewriteTarballHost(Path metadata, URI base) throws IOException {
        String text = Files.readString(metadata).replace("https://registry.npmjs.org/", base.toString());
        Files.writeString(metadata, text);
    }
}
