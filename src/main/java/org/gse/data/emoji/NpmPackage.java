package org.gse.data.emoji;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Locale;

/**
 * One published version of an npm package, read from the registry's version document
 * ({@code GET <registry>/<name>/<version>}).
 *
 * @param name the package name, possibly scoped ({@code @lobehub/fluent-emoji-3d})
 * @param version the exact version
 * @param tarball the published {@code dist.tarball} address
 * @param integrity the published {@code dist.integrity}
 */
public record NpmPackage(String name, String version, URI tarball, Integrity integrity) {

    /** Returns {@code name@version}, the form npm prints. */
    public String id() {
        return name + "@" + version;
    }

    /** Returns the tarball's file name, the last segment of {@code dist.tarball}. */
    public String tarballFileName() {
        String path = tarball.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Returns a file name for caches: the id with {@code @} and {@code /} replaced, safe on every file system. */
    public String cacheName() {
        return cacheName(name, version);
    }

    static String cacheName(String name, String version) {
        return (name.startsWith("@") ? name.substring(1) : name).replace('/', '-').toLowerCase(Locale.ROOT)
                + "-" + version;
    }

    /**
     * Reads the version document of {@code name@version}.
     *
     * @throws IllegalArgumentException when it names another package or version, or lacks {@code dist} fields
     */
    public static NpmPackage fromVersionDocument(JsonNode document, String name, String version) {
        String owner = name + "@" + version;
        if (!name.equals(document.path("name").asText()) || !version.equals(document.path("version").asText())) {
            throw new IllegalArgumentException(owner + ": the registry returned metadata for "
                    + document.path("name").asText("?") + "@" + document.path("version").asText("?"));
        }
        JsonNode dist = document.path("dist");
        String tarball = dist.path("tarball").asText("");
        if (tarball.isEmpty()) {
            throw new IllegalArgumentException(owner + ": the registry metadata has no dist.tarball");
        }
        return new NpmPackage(name, version, URI.create(tarball),
                Integrity.parse(dist.path("integrity").asText(null), owner));
    }
}
