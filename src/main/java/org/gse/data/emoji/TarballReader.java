package org.gse.data.emoji;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads selected files of an npm tarball (a gzip-compressed tar) into memory with Apache Commons Compress.
 *
 * <p>npm packs every file under one top folder, usually {@code package/}; names are returned without it, so
 * {@code package/img/google/64/1f602.png} becomes {@code img/google/64/1f602.png}. Nothing is written to disk, and
 * hostile archives are rejected: an entry whose name is absolute or contains a {@code ..} segment, an entry over
 * {@code maxEntryBytes}, or selected entries adding up to more than {@code maxTotalBytes}. Links, folders and
 * other non-regular entries are skipped.
 */
final class TarballReader {

    private static final Logger log = LoggerFactory.getLogger(TarballReader.class);

    private final long maxEntryBytes;
    private final long maxTotalBytes;

    TarballReader(long maxEntryBytes, long maxTotalBytes) {
        this.maxEntryBytes = maxEntryBytes;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** Returns the selected regular files of {@code tgz}, keyed by their name without the top folder, sorted. */
    Map<String, byte[]> read(Path tgz, Predicate<String> selected) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        long total = 0;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tgz));
                GzipCompressorInputStream gzip = new GzipCompressorInputStream(raw);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = checkedName(entry.getName(), tgz);
                if (!entry.isFile() || name.isEmpty() || !selected.test(name)) {
                    continue;
                }
                if (entry.getSize() > maxEntryBytes) {
                    throw new IOException(tgz + ": entry " + entry.getName() + " is " + entry.getSize()
                            + " bytes, over the limit of " + maxEntryBytes + " bytes per entry");
                }
                byte[] bytes = tar.readNBytes((int) entry.getSize());
                if (bytes.length != entry.getSize()) {
                    throw new IOException(tgz + ": entry " + entry.getName() + " is truncated (" + bytes.length
                            + " of " + entry.getSize() + " bytes)");
                }
                total += bytes.length;
                if (total > maxTotalBytes) {
                    throw new IOException(tgz + ": the selected entries exceed " + maxTotalBytes
                            + " bytes in total; the archive is not what this reader expects");
                }
                if (files.put(name, bytes) != null) {
                    log.warn("{}: entry {} appears twice; the last copy is used", tgz, entry.getName());
                }
            }
        }
        return files;
    }

    /**
     * Returns the entry name without its top folder.
     *
     * @throws IOException when the name is absolute or climbs out of the archive with {@code ..}
     */
    static String checkedName(String entryName, Path tgz) throws IOException {
        String name = entryName.replace('\\', '/');
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || name.indexOf('\0') >= 0) {
            throw new IOException(tgz + ": entry name " + entryName + " is absolute; the archive is rejected");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new IOException(tgz + ": entry name " + entryName
                        + " climbs out of the archive with '..'; the archive is rejected");
            }
        }
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(slash + 1);
    }
}
