package org.gse.train;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Minimal readers for the two training formats, on Jackson's CSV module (quoted fields may hold commas):
 * <ul>
 *   <li>StickerQueries: header {@code sticker_id,labeled_queries}; the second field is a comma-separated list of
 *       search queries (English or Chinese), trimmed, empty entries and repeats dropped;</li>
 *   <li>Triple-S pairs: header {@code sticker_id,sticker_id_2,label}, label 1 (similar) or 0 (dissimilar).</li>
 * </ul>
 * A {@code sticker_id} is the sticker's file name inside the images folder, extension included.
 *
 * <p>NOTE: org.gse.data on the eval branch has the full readers; these stay package-level helpers until the two
 * are unified.
 */
public final class TrainData {

    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.TRIM_SPACES).build();

    private TrainData() {}

    /** One sticker with the search queries people wrote for it. */
    public record StickerQueries(String stickerId, List<String> queries) {}

    /** One labelled pair; {@code similar} is label 1. */
    public record Pair(String first, String second, boolean similar) {}

    /** Reads a StickerQueries file; rows without any query are skipped. */
    public static List<StickerQueries> readQueries(Path file) throws IOException {
        List<StickerQueries> result = new ArrayList<>();
        List<String[]> rows = readRows(file, new String[] {"sticker_id", "labeled_queries"});
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            Set<String> queries = new LinkedHashSet<>();
            for (String query : row[1].split("[,，]")) {
                String trimmed = query.strip();
                if (!trimmed.isEmpty()) {
                    queries.add(trimmed);
                }
            }
            if (!queries.isEmpty()) {
                result.add(new StickerQueries(row[0], List.copyOf(queries)));
            }
        }
        return result;
    }

    /** Reads a Triple-S pair file. */
    public static List<Pair> readPairs(Path file) throws IOException {
        List<Pair> result = new ArrayList<>();
        List<String[]> rows = readRows(file, new String[] {"sticker_id", "sticker_id_2", "label"});
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            boolean similar = switch (row[2]) {
                case "1" -> true;
                case "0" -> false;
                default -> throw new IllegalArgumentException(file + ": line " + (i + 2) + ": label must be 0 or 1,"
                        + " got '" + row[2] + "'");
            };
            result.add(new Pair(row[0], row[1], similar));
        }
        return result;
    }

    private static List<String[]> readRows(Path file, String[] header) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("data file not found: " + file);
        }
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = CSV.readerFor(String[].class).readValues(file.toFile())) {
            boolean first = true;
            int line = 0;
            while (it.hasNextValue()) {
                String[] row = it.nextValue();
                line++;
                if (first) {
                    first = false;
                    String got = String.join(",", row).replace("\uFEFF", "");
                    if (!got.equals(String.join(",", header))) {
                        throw new IllegalArgumentException(file + ": header is '" + got + "', expected '"
                                + String.join(",", header) + "'");
                    }
                    continue;
                }
                if (row.length == 1 && row[0].isEmpty()) {
                    continue;
                }
                if (row.length != header.length) {
                    throw new IllegalArgumentException(file + ": line " + line + " has " + row.length
                            + " fields, expected " + header.length + " (" + String.join(",", header) + ")");
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Returns the SHA-256 of a file as lower-case hex, for the model card. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
